// Cases: encryption, evidence files, the case store contract (memory and
// Redis), exactly-once filing, outages, "delete my data" and retention.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DirectoryAttachmentStore } from "../src/cases/attachment-store.js";
import { type CaseRecord, type CaseStore, MemoryCaseStore, newCaseRef } from "../src/cases/case-store.js";
import { RedisCaseStore } from "../src/cases/redis-case-store.js";
import type { Output } from "../src/engine/types.js";
import { Keyring, keyringFromEnv } from "../src/privacy/keyring.js";
import { MemorySessionStore } from "../src/sessions/memory-session-store.js";
import type { SessionStore } from "../src/sessions/session-store.js";
import { demoRuntime, FIXTURES } from "./helpers/fixtures.js";
import { useTestRedis } from "./helpers/redis.js";
import { WAGE_THEFT_ES, WAGE_THEFT_ES_TO_EVIDENCE } from "./helpers/scripts.js";

const texts = (outputs: Output[]) => outputs.flatMap((o) => (o.type === "text" ? [o.text] : []));
const key = (b: number) => Buffer.alloc(32, b).toString("base64");

describe("Keyring (AES-256-GCM)", () => {
  it("seals and opens, and never shows the plain text", () => {
    const k = keyringFromEnv(`k1:${key(1)}`, undefined);
    const sealed = k.seal("Rancho Los Pinos, +52 55 1234 5678");
    expect(sealed).not.toContain("Rancho");
    expect(sealed.startsWith("enc1.k1.")).toBe(true);
    expect(k.open(sealed)).toBe("Rancho Los Pinos, +52 55 1234 5678");
    expect(k.seal("same")).not.toBe(k.seal("same"));
  });

  it("refuses a changed value", () => {
    const k = keyringFromEnv(`k1:${key(1)}`, undefined);
    const parts = k.seal("secret").split(".");
    parts[4] = Buffer.from("tampered!").toString("base64url");
    expect(() => k.open(parts.join("."))).toThrow();
  });

  it("rotates keys: old data opens with its own key, new data uses the current one, identities still match", () => {
    const old = keyringFromEnv(`k1:${key(1)}`, undefined);
    const sealed = old.seal("before rotation");
    const rotated = keyringFromEnv(`k1:${key(1)},k2:${key(2)}`, "k2");
    expect(rotated.open(sealed)).toBe("before rotation");
    expect(rotated.seal("after").startsWith("enc1.k2.")).toBe(true);
    expect(rotated.pseudonyms("telegram:42")).toContain(old.pseudonyms("telegram:42")[0]);
    expect(() => keyringFromEnv(`k2:${key(2)}`, undefined).open(sealed)).toThrow('unknown data key "k1"');
  });

  it("rejects keys of the wrong size and unknown current ids, clearly", () => {
    expect(() => keyringFromEnv("k1:AAAA", undefined)).toThrow("must be 32 bytes");
    expect(() => keyringFromEnv(`k1:${key(1)}`, "k9")).toThrow('the current data key "k9" is not among the keys');
  });
});

describe("attachment store", () => {
  const dir = mkdtempSync(join(tmpdir(), "evidence-"));
  const keyring = Keyring.temporary();
  const store = new DirectoryAttachmentStore(dir, keyring, 1024);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps photos, PDFs and voice notes by their content, hashed and encrypted on disk", async () => {
    for (const [file, kind, mime] of [
      ["receipt.jpg", "photo", "image/jpeg"],
      ["contract.pdf", "document", "application/pdf"],
      ["voice-note.ogg", "voice", "audio/ogg"],
    ] as const) {
      const data = readFileSync(join(FIXTURES, "evidence", file));
      const put = await store.put(data);
      if (!put.ok) throw new Error(put.reason);
      expect(put.media).toMatchObject({ kind, mime, size: data.length });
      expect(put.media.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.get(put.media.id, put.media.sha256)).toEqual(data);
      const onDisk = readFileSync(join(dir, `${put.media.id}.enc`));
      expect(onDisk.includes(data.subarray(0, 8))).toBe(false);
    }
  });

  it("refuses other types whatever their name, empty files and files over the limit", async () => {
    expect(await store.put(readFileSync(join(FIXTURES, "evidence", "program.exe")))).toEqual({ ok: false, reason: "type" });
    expect(await store.put(Buffer.from("<html><script>alert(1)</script></html>"))).toEqual({ ok: false, reason: "type" });
    expect(await store.put(Buffer.alloc(0))).toEqual({ ok: false, reason: "empty" });
    expect(await store.put(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2000)]))).toEqual({
      ok: false,
      reason: "too_large",
    });
  });

  it("notices a file changed after intake", async () => {
    const put = await store.put(readFileSync(join(FIXTURES, "evidence", "receipt.jpg")));
    if (!put.ok) throw new Error(put.reason);
    await expect(store.get(put.media.id, "0".repeat(64))).rejects.toThrow("does not match the hash taken at intake");
  });
});

function record(over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    ref: newCaseRef(),
    draftId: `draft-${randomBytes(4).toString("hex")}`,
    owner: "owner-a",
    createdAt: "2026-11-20T10:00:00.000Z",
    status: "open",
    urgent: false,
    lang: "es",
    channel: "terminal",
    category: "unpaid_wages",
    sealed: "enc1.x",
    ...over,
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function caseStoreContract(name: string, make: () => CaseStore, expire: (ms: number) => Promise<void>, now: () => number) {
  describe(`CaseStore contract: ${name}`, () => {
    it("creates a case once per draft, however often it is filed", async () => {
      const store = make();
      const first = record();
      expect(await store.create(first)).toEqual({ ref: first.ref, created: true });
      const again = { ...first, ref: newCaseRef() };
      expect(await store.create(again)).toEqual({ ref: first.ref, created: false });
      expect(await store.get(again.ref)).toBeUndefined();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.create({ ...first, ref: newCaseRef() })));
      expect(new Set(results.map((r) => r.ref))).toEqual(new Set([first.ref]));
    });

    it("finds cases by owner and by date, and updates them", async () => {
      const store = make();
      const a = record({ owner: "owner-x", createdAt: "2026-10-01T00:00:00.000Z" });
      const b = record({ owner: "owner-x", createdAt: "2026-11-01T00:00:00.000Z" });
      const anonymous = record({ owner: null, createdAt: "2026-11-02T00:00:00.000Z" });
      for (const r of [a, b, anonymous]) await store.create(r);
      expect((await store.byOwner(["owner-x", "nobody"])).map((c) => c.ref)).toEqual([a.ref, b.ref]);
      const since = (await store.list("2026-10-15T00:00:00.000Z")).map((c) => c.ref);
      expect(since).toContain(b.ref);
      expect(since).toContain(anonymous.ref);
      expect(since).not.toContain(a.ref);
      await store.update({ ...a, owner: null, sealed: "enc1.changed" });
      expect((await store.byOwner(["owner-x"])).map((c) => c.ref)).toEqual([b.ref]);
      expect((await store.get(a.ref))?.sealed).toBe("enc1.changed");
    });

    it("deletes closed cases after the retention period", async () => {
      const store = make();
      const c = record();
      await store.create(c);
      await store.close(c.ref, new Date(now()), 100);
      expect((await store.get(c.ref))?.status).toBe("closed");
      await expire(250);
      expect(await store.get(c.ref)).toBeUndefined();
    });
  });
}

let clock = Date.now();
caseStoreContract(
  "memory",
  () => new MemoryCaseStore(() => clock),
  async (ms) => {
    clock += ms;
  },
  () => clock,
);

const redis = useTestRedis();
caseStoreContract("redis", () => new RedisCaseStore(redis.client, redis.prefix), sleep, Date.now);

describe("Redis case store", () => {
  it("announces each new case once on the caseworkers' stream, without personal data", async () => {
    const store = new RedisCaseStore(redis.client, `${redis.prefix}stream:`);
    const c = record({ urgent: true, category: "documents_taken" });
    await store.create(c);
    await store.create({ ...c, ref: newCaseRef() });
    const events = await redis.client.xRange(store.streamKey(), "-", "+");
    expect(events).toHaveLength(1);
    expect(events?.[0]?.message).toEqual({
      type: "case.created",
      ref: c.ref,
      urgent: "true",
      lang: "es",
      channel: "terminal",
      category: "documents_taken",
    });
  });
});

/** A complete intake, as the complaint flow leaves it in the session just before "Send". */
async function fillReport(conversation: ReturnType<typeof demoRuntime>["conversation"], user: string) {
  const say = (text: string) => conversation.handle("t", user, { type: "text", text }, "es");
  for (const a of ["hola", ...WAGE_THEFT_ES]) await say(a);
  return say;
}

describe("filing", () => {
  it("writes the case before confirming, exactly once, even when the session write fails after filing", async () => {
    const caseStore = new MemoryCaseStore();
    const sessions = new MemorySessionStore();
    let failNextWrite = false;
    const flaky: SessionStore = {
      read: (k) => sessions.read(k),
      delete: (k) => sessions.delete(k),
      write: async (k, d, rev, ttl) => {
        if (failNextWrite) {
          failNextWrite = false;
          throw new Error("connection lost");
        }
        return sessions.write(k, d, rev, ttl);
      },
    };
    const { conversation, cleanup } = demoRuntime({ store: flaky, caseStore });
    const say = await fillReport(conversation, "w1");
    failNextWrite = true;
    await expect(say("1")).rejects.toThrow("connection lost");
    expect(await caseStore.list()).toHaveLength(1);
    // The worker never saw a confirmation, so they press "Send" again: the same case, not a second one.
    const again = texts(await say("1"));
    expect(again[0]).toContain("*TEST-0001*");
    expect(await caseStore.list()).toHaveLength(1);
    // A double tap after the confirmation creates nothing either.
    await say("1");
    expect(await caseStore.list()).toHaveLength(1);
    cleanup();
  });

  it("tells the worker to try again when the store is down, and keeps nothing half-written", async () => {
    const caseStore = new MemoryCaseStore();
    let down = true;
    const outage: CaseStore = Object.assign(Object.create(caseStore), {
      create: async (r: CaseRecord) => {
        if (down) throw new Error("redis down");
        return caseStore.create(r);
      },
    });
    const { conversation, cleanup } = demoRuntime({ caseStore: outage });
    const say = await fillReport(conversation, "w2");
    const failed = texts(await say("1"));
    expect(failed[0]).toBe(
      "Perdón, no pudimos guardar tu reporte en este momento. No se perdió nada: intenta enviarlo otra vez en un rato.",
    );
    expect(failed[1]).toMatch(/^📋 Revisa tu reporte/);
    expect(await caseStore.list()).toHaveLength(0);
    down = false;
    expect(texts(await say("1"))[0]).toContain("Tu reporte quedó guardado");
    expect(await caseStore.list()).toHaveLength(1);
    cleanup();
  });

  it("keeps personal answers sealed, marks minors urgent, and links anonymous reports to nobody", async () => {
    const { conversation, caseStore, cases, cleanup } = demoRuntime();
    const say = await fillReport(conversation, "w3");
    await say("1");
    const [c] = await caseStore.list();
    expect(c?.sealed).not.toContain("Empacadora");
    expect(c?.owner).not.toBeNull();
    expect(cases.open(c as CaseRecord)).toMatchObject({
      c_employer: "Empacadora Sol",
      c_owed: { amount: 2000, currency: null },
      chat: { channel: "t", userId: "w3" },
    });
    cleanup();
  });
});

describe("delete my data", () => {
  it("removes the session, and the contact, chat link and evidence of the worker's cases", async () => {
    const rt = demoRuntime();
    const say = (text: string) => rt.conversation.handle("t", "w4", { type: "text", text }, "es");
    for (const a of ["hola", ...WAGE_THEFT_ES.slice(0, WAGE_THEFT_ES_TO_EVIDENCE)]) await say(a);
    const put = await rt.attachments.put(readFileSync(join(FIXTURES, "evidence", "receipt.jpg")));
    if (!put.ok) throw new Error(put.reason);
    await rt.conversation.handle("t", "w4", { type: "media", media: put.media }, "es");
    for (const a of ["listo", "2", "+52 33 1234 5678", "si", "si", "1"]) await say(a);
    const [before] = await rt.caseStore.list();
    expect(rt.cases.open(before as CaseRecord)).toMatchObject({ c_phone: "+523312345678" });
    await expect(rt.attachments.get(put.media.id, put.media.sha256)).resolves.toBeDefined();

    expect(texts(await say("borrar mis datos"))[0]).toMatch(/^¿Quieres borrar tus datos/);
    expect(texts(await say("si"))).toEqual(["🗑️ Listo, borramos tus datos. Si nos escribes otra vez, empezaremos de cero."]);
    expect(await rt.store.read("session:t:w4")).toBeUndefined();
    const [after] = await rt.caseStore.list();
    const answersAfter = rt.cases.open(after as CaseRecord);
    expect(answersAfter).not.toHaveProperty("c_phone");
    expect(answersAfter).not.toHaveProperty("chat");
    expect(answersAfter).toMatchObject({ c_contact: "erased", c_evidence: [], c_employer: "Empacadora Sol" });
    expect(after?.owner).toBeNull();
    await expect(rt.attachments.get(put.media.id, put.media.sha256)).rejects.toThrow();
    // The next message starts from zero: a greeting, not the old conversation.
    expect(texts(await say("estado"))[0]).toMatch(/^¡Hola!/);
    rt.cleanup();
  });
});
