// The stored form of sessions: compact (each position once), still reading the
// plain form earlier versions stored, and sealed with deflate only when large.
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Input, Session } from "../src/engine/types.js";
import { Keyring } from "../src/privacy/keyring.js";
import { COMPRESS_ABOVE, EncryptedSessionStore } from "../src/sessions/encrypted-session-store.js";
import { MemorySessionStore } from "../src/sessions/memory-session-store.js";
import { decodeSession, encodePlainSession, encodeSession } from "../src/sessions/session-codec.js";
import { sessionKey } from "../src/sessions/session-store.js";
import { demoConversation, demoEnv } from "./helpers/fixtures.js";
import { WAGE_THEFT_ES as WAGE_THEFT } from "./helpers/scripts.js";

const env = demoEnv();
const toInput = (t: string): Input => (t === "/start" ? { type: "start" } : { type: "text", text: t });

/** The sessions a person's complaint goes through, one per turn, as the conversation stored them. */
async function complaintSessions(): Promise<Session[]> {
  const store = new MemorySessionStore();
  const conversation = demoConversation(store, env);
  const sessions: Session[] = [];
  for (const t of ["/start", ...WAGE_THEFT, "/start", ...WAGE_THEFT.slice(0, 8)]) {
    await conversation.handle("t", "p", toInput(t));
    const stored = await store.read(sessionKey("t", "p"));
    const decoded = decodeSession(stored?.data ?? "");
    if (!decoded.ok) throw new Error(`turn "${t}": ${decoded.reason}`);
    sessions.push(decoded.session);
  }
  return sessions;
}

describe("session codec", () => {
  it("stores each position once and reads back exactly the session it stored, at every turn of two complaints", async () => {
    const sessions = await complaintSessions();
    expect(sessions.some((s) => s.history.length >= 5)).toBe(true);
    let compact = 0;
    let plain = 0;
    for (const session of sessions) {
      const text = encodeSession(session);
      expect(JSON.parse(text).v).toBe(2);
      expect(decodeSession(text)).toEqual({ ok: true, session });
      compact += text.length;
      plain += encodePlainSession(session).length;
    }
    // The history repeats positions: the compact form is well under the plain one.
    expect(compact).toBeLessThan(plain * 0.7);
  });

  it("reads sessions stored in the plain form by earlier versions, and the conversation carries on from them", async () => {
    const sessions = await complaintSessions();
    const midway = sessions[6] as Session;
    expect(decodeSession(encodePlainSession(midway))).toEqual({ ok: true, session: midway });

    const fromPlain = new MemorySessionStore();
    const fromCompact = new MemorySessionStore();
    await fromPlain.write(sessionKey("t", "p"), encodePlainSession(midway), 0, 60_000);
    await fromCompact.write(sessionKey("t", "p"), encodeSession(midway), 0, 60_000);
    const next = toInput(WAGE_THEFT[6] as string);
    const a = await demoConversation(fromPlain, env).handle("t", "p", next);
    const b = await demoConversation(fromCompact, env).handle("t", "p", next);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(0);
    // Written back in the compact form.
    expect(JSON.parse((await fromPlain.read(sessionKey("t", "p")))?.data ?? "{}").v).toBe(2);
  });

  it("gives every mention of a position its own object, as the plain form does", () => {
    const at = { flow: "complaint", node: "ask_city" };
    const session: Session = {
      v: 1,
      lang: "es",
      at,
      stack: [{ flow: "menu", node: "main" }],
      vars: {},
      tries: 0,
      history: [{ at: { ...at }, stack: [{ flow: "menu", node: "main" }] }],
    };
    const decoded = decodeSession(encodeSession(session));
    if (!decoded.ok) throw new Error(decoded.reason);
    (decoded.session.at as { node: string }).node = "changed";
    (decoded.session.stack[0] as { node: string }).node = "changed too";
    expect(decoded.session.history[0]).toEqual({ at, stack: [{ flow: "menu", node: "main" }] });
  });

  it.each([
    ["an index past the table", { v: 2, lang: "es", p: [["menu", "main"]], at: 0, stack: [1], vars: {}, tries: 0, history: [] }],
    [
      "a history entry without a position",
      { v: 2, lang: "es", p: [["menu", "main"]], at: 0, stack: [], vars: {}, tries: 0, history: [[]] },
    ],
    ["a position that is not a pair", { v: 2, lang: "es", p: [["menu"]], at: 0, stack: [], vars: {}, tries: 0, history: [] }],
    ["a negative index", { v: 2, lang: "es", p: [["menu", "main"]], at: -1, stack: [], vars: {}, tries: 0, history: [] }],
    ["an unknown field", { v: 2, lang: "es", p: [], at: null, stack: [], vars: {}, tries: 0, history: [], x: 1 }],
  ])("calls a compact session with %s corrupt", (_name, data) => {
    expect(decodeSession(JSON.stringify(data))).toEqual({ ok: false, reason: "corrupt" });
  });
});

describe("sealed sessions", () => {
  const keyring = new Keyring({ k: Buffer.alloc(32, 7) }, "k");

  it("deflates only sessions over the threshold, and opens both kinds and those sealed before (always deflated)", async () => {
    const inner = new MemorySessionStore();
    const store = new EncryptedSessionStore(inner, keyring);
    const small = "s".repeat(COMPRESS_ABOVE);
    const large = `${"l".repeat(COMPRESS_ABOVE)}+`;
    await store.write("small", small, 0, 60_000);
    await store.write("large", large, 0, 60_000);
    await inner.write("older", `z1.${keyring.seal(deflateRawSync(small))}`, 0, 60_000);
    expect((await inner.read("small"))?.data).toMatch(/^enc1\./);
    expect((await inner.read("large"))?.data).toMatch(/^z1\.enc1\./);
    expect((await inner.read("small"))?.data).not.toContain("sss");
    expect((await store.read("small"))?.data).toBe(small);
    expect((await store.read("large"))?.data).toBe(large);
    expect((await store.read("older"))?.data).toBe(small);
  });

  it("keeps the largest session of a complaint under 2 KB sealed", async () => {
    const sessions = await complaintSessions();
    const inner = new MemorySessionStore();
    const store = new EncryptedSessionStore(inner, keyring);
    let largest = 0;
    for (const [i, session] of sessions.entries()) {
      await store.write(`s${i}`, encodeSession(session), 0, 60_000);
      largest = Math.max(largest, (await inner.read(`s${i}`))?.data.length ?? 0);
    }
    expect(largest).toBeGreaterThan(500);
    expect(largest).toBeLessThan(1800);
  });
});
