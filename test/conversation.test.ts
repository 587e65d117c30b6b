// Turns around the engine: ordering per person, two processes sharing Redis,
// and sessions that cannot be read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config.js";
import type { Output } from "../src/engine/types.js";
import { createLogger } from "../src/log/logger.js";
import { createRuntime, type Runtime } from "../src/runtime/create-runtime.js";
import { EncryptedSessionStore } from "../src/sessions/encrypted-session-store.js";
import { MemorySessionStore } from "../src/sessions/memory-session-store.js";
import { type RedisClient, RedisSessionStore } from "../src/sessions/redis-session-store.js";
import { decodeSession } from "../src/sessions/session-codec.js";
import { sessionKey } from "../src/sessions/session-store.js";
import { demoConversation, demoEnv } from "./helpers/fixtures.js";
import { connectTestRedis, deleteByPrefix, REDIS_URL, uniquePrefix, useTestRedis } from "./helpers/redis.js";

const texts = (outputs: Output[]) => outputs.flatMap((o) => (o.type === "text" ? [o.text] : []));
const env = demoEnv();
const text = (t: string) => ({ type: "text" as const, text: t });

describe("Conversation", () => {
  let clients: RedisClient[] = [];
  const prefix = uniquePrefix();
  beforeAll(async () => {
    clients = [await connectTestRedis(), await connectTestRedis()];
  });
  afterAll(async () => {
    await deleteByPrefix(clients[0] as RedisClient, prefix);
    await Promise.all(clients.map((c) => c.close()));
  });

  it("processes one person's messages one at a time and in order", async () => {
    const conversation = demoConversation();
    const first = conversation.handle("t", "u1", text("hola"));
    const rest = ["3", "1", "2"].map((t) => conversation.handle("t", "u1", text(t)));
    const replies = await Promise.all([first, ...rest]);
    expect(texts(replies[1] ?? [])).toEqual([
      "Dakò, n ap kontinye an kreyòl.",
      expect.stringContaining("Bonjou!"),
      expect.any(String),
      expect.stringContaining("Kijan m ka ede ou?"),
    ]);
    // "1" opens the programs guide; "2" its second program's page, in the order the messages were sent.
    expect(texts(replies[2] ?? [])[0]).toBe(env.translate("ht", "programs:list"));
    expect(texts(replies[3] ?? [])[0]).toBe(env.translate("ht", "programs:pages.h2b_extra"));
  });

  it("loses no turn when two processes share Redis and the same person writes to both", async () => {
    const [c1, c2] = clients as [RedisClient, RedisClient];
    const p1 = demoConversation(new RedisSessionStore(c1, prefix), env);
    const p2 = demoConversation(new RedisSessionStore(c2, prefix), env);
    await p1.handle("t", "shared", text("hola"));
    await p2.handle("t", "shared", text("English"));
    // Twenty language switches, alternating processes, all at once: every one must be applied.
    const inputs = Array.from({ length: 20 }, (_, i) => (i % 2 ? p1 : p2).handle("t", "shared", text("idioma")));
    await Promise.all(inputs);
    const stored = await new RedisSessionStore(c1, prefix).read(sessionKey("t", "shared"));
    expect(stored?.rev).toBe(22);
    expect(decodeSession(stored?.data ?? "")).toMatchObject({ ok: true, session: { at: { flow: "language", node: "ask" } } });
  });

  it("resumes a person's conversation from Redis in a new process", async () => {
    const [c1, c2] = clients as [RedisClient, RedisClient];
    await demoConversation(new RedisSessionStore(c1, prefix), env).handle("t", "resume", text("hi"));
    await demoConversation(new RedisSessionStore(c1, prefix), env).handle("t", "resume", text("2"));
    const again = await demoConversation(new RedisSessionStore(c2, prefix), env).handle("t", "resume", text("8"));
    expect(texts(again)[0]).toContain("*Your privacy*");
    expect(texts(again)[0]).toContain("If you do not write for 30 days");
  });

  it.each([
    ["broken JSON", "{not json", "es"],
    ["a newer session format", JSON.stringify({ v: 99, lang: "en" }), "en"],
    ["a session that fails validation", JSON.stringify({ v: 1, lang: "ht", at: 5, stack: [], vars: {}, tries: 0, history: [] }), "ht"],
    [
      "a compact session pointing at a position it does not have",
      JSON.stringify({ v: 2, lang: "ht", p: [["menu", "main"]], at: 1, stack: [], vars: {}, tries: 0, history: [] }),
      "ht",
    ],
  ])("starts over kindly, in the person's language where known, on %s", async (_name, data, lang) => {
    const store = new MemorySessionStore();
    await store.write(sessionKey("t", "x"), data, 0, 60_000);
    const replies = texts(await demoConversation(store, env).handle("t", "x", text("hola")));
    expect(replies[0]).toBe(env.translate(lang as "es", "common:session.reset"));
    const saved = decodeSession((await store.read(sessionKey("t", "x")))?.data ?? "");
    expect(saved.ok).toBe(true);
  });

  it("uses reads started before the turn (with the update's claim) instead of reading again", async () => {
    const store = new MemorySessionStore();
    let reads = 0;
    const counting = {
      read: (k: string) => {
        reads++;
        return store.read(k);
      },
      write: store.write.bind(store),
      delete: (k: string) => store.delete(k),
    };
    const conversation = demoConversation(counting, env);
    await conversation.handle("t", "p", text("hi"));
    const early = conversation.prefetch("t", "p");
    const before = reads;
    const replies = await conversation.handle("t", "p", text("2"), undefined, undefined, early);
    expect(reads).toBe(before);
    expect(texts(replies).length).toBeGreaterThan(0);
  });

  it("loses no turn when reads started early are out of date by the time the turn runs", async () => {
    const plain = demoConversation(new MemorySessionStore(), env);
    const store = new MemorySessionStore();
    const early = demoConversation(store, env);
    for (const c of [plain, early]) await c.handle("t", "p", text("hi"));
    // Read now, then another turn of the same person changes the session before the prefetched turn runs.
    const stale = early.prefetch("t", "p");
    for (const c of [plain, early]) await c.handle("t", "p", text("2"));
    const expected = await plain.handle("t", "p", text("8"));
    const got = await early.handle("t", "p", text("8"), undefined, undefined, stale);
    expect(got).toEqual(expected);
    expect((await store.read(sessionKey("t", "p")))?.rev).toBe(3);
  });

  it("says sorry in the person's language when a turn fails, and keeps their session", async () => {
    const store = new MemorySessionStore();
    const conversation = demoConversation(store, env);
    await conversation.handle("t", "y", text("hi"));
    await conversation.handle("t", "y", text("2"));
    const before = await store.read(sessionKey("t", "y"));
    const failing = demoConversation(
      { read: (k) => store.read(k), write: async () => Promise.reject(new Error("store down")), delete: (k) => store.delete(k) },
      env,
    );
    await expect(failing.handle("t", "y", text("1"))).rejects.toThrow("store down");
    expect(await store.read(sessionKey("t", "y"))).toEqual(before);
    expect(conversation.apology(await conversation.languageOf("t", "y")).type).toBe("text");
    expect(texts([conversation.apology(await conversation.languageOf("t", "y"))])[0]).toContain("Sorry, something went wrong");
  });
});

describe("session keys: keyed pseudonyms, never the chat id", () => {
  const redis = useTestRedis();
  const K1 = `k1:${Buffer.alloc(32, 1).toString("base64")}`;
  const K2 = `k2:${Buffer.alloc(32, 2).toString("base64")}`;
  const runtimeWith = (keys: string, current?: string) =>
    createRuntime({
      config: parseConfig({ REDIS_URL, REDIS_PREFIX: redis.prefix, DATA_KEYS: keys, ...(current ? { DATA_KEY_ID: current } : {}) }),
      log: createLogger("silent"),
    });
  const PHONE = "5215512345678";
  const say = (rt: Runtime, text: string) => rt.conversation.handle("whatsapp", PHONE, { type: "text", text }, "es");
  const keys = () => redis.client.keys(`${redis.prefix}session:*`);

  it("keeps no phone number in Redis keys, and finds the session again after a key rotation (moving it)", async () => {
    const first = await runtimeWith(K1);
    let reply: Output[];
    try {
      await say(first, "hola");
      await say(first, "3"); // the complaint
      reply = await say(first, "1");
      expect((await keys()).join(" ")).not.toContain("12345678");
      expect(await keys()).toHaveLength(1);
    } finally {
      await first.close();
    }
    const [before] = await keys();
    // A new key becomes current; the old one stays to read old data.
    const rotated = await runtimeWith(`${K2},${K1}`, "k2");
    try {
      const again = await say(rotated, "atrás"); // back: the question before, so the session was found
      expect(again.length).toBeGreaterThan(0);
      const after = await keys();
      expect(after).toHaveLength(1);
      expect(after[0]).not.toBe(before);
      expect(after[0]).not.toContain("12345678");
      expect(await say(rotated, "1")).toEqual(reply);
    } finally {
      await rotated.close();
    }
  });

  it("moves a session kept under the plain chat id (before pseudonyms) to its pseudonymous key", async () => {
    const rt = await runtimeWith(K1);
    try {
      // A conversation as it was before pseudonyms: plain keys, the same store and data key.
      const plain = demoConversation(new EncryptedSessionStore(rt.store, rt.keyring));
      await plain.handle("whatsapp", "5215599990000", { type: "text", text: "hola" }, "es");
      await plain.handle("whatsapp", "5215599990000", { type: "text", text: "3" }, "es");
      expect(await keys()).toContain(`${redis.prefix}session:whatsapp:5215599990000`);
      const status = await rt.conversation.handle("whatsapp", "5215599990000", { type: "text", text: "atrás" }, "es");
      expect(status.length).toBeGreaterThan(0);
      expect((await keys()).join(" ")).not.toContain("5215599990000");
    } finally {
      await rt.close();
    }
  });
});
