// WhatsApp through whatsapp-web.js: the adapter against a fake client with the
// library's own names, the real runtime with Redis sessions, the Redis update
// ledger, lease and session store; the login page over real HTTP.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepLease, RedisLease } from "../src/channels/lease.js";
import { createPacer } from "../src/channels/pacer.js";
import { RedisUpdateLedger } from "../src/channels/update-ledger.js";
import { loginPage } from "../src/channels/whatsapp/login-page.js";
import { RedisRemoteAuthStore } from "../src/channels/whatsapp/remote-auth-store.js";
import { renderNumbered, WHATSAPP_TEXT_LIMIT } from "../src/channels/whatsapp/render.js";
import { MemoryServiceWindow, RedisServiceWindow, WINDOW_MARGIN_MS, WINDOW_MS } from "../src/channels/whatsapp/service-window.js";
import { parseWwebConfig } from "../src/channels/whatsapp/whatsapp-config.js";
import { personOf, WhatsAppWebChannel } from "../src/channels/whatsapp/wweb-channel.js";
import { parseConfig } from "../src/config/config.js";
import { startHttpServer } from "../src/http/server.js";
import { Keyring } from "../src/privacy/keyring.js";
import { createRuntime, PROJECT_ROOT, type Runtime } from "../src/runtime/create-runtime.js";
import type { RedisClient } from "../src/sessions/redis-session-store.js";
import { FakePhone, FakeWwebClient, settle, wwebMessage } from "./helpers/fake-wweb.js";
import { FIXTURES, silentLog } from "./helpers/fixtures.js";
import { connectTestRedis, deleteByPrefix, REDIS_URL, TEST_KEYS, uniquePrefix } from "./helpers/redis.js";
import { WAGE_THEFT, WAGE_THEFT_ES, WAGE_THEFT_ES_TO_EVIDENCE } from "./helpers/scripts.js";

let client: RedisClient;
let runtime: Runtime;
const prefix = uniquePrefix();
const clients: FakeWwebClient[] = [];
/** How many of the next clients fail to start (the browser did not launch). */
let failingStarts = 0;
let channel: WhatsAppWebChannel;
const latest = () => clients.at(-1) as FakeWwebClient;

beforeAll(async () => {
  client = await connectTestRedis();
  const config = parseConfig({
    REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_KEYS: TEST_KEYS,
    ATTACHMENTS_DIR: join(PROJECT_ROOT, "data", "test-attachments"),
  });
  runtime = await createRuntime({ config, log: silentLog });
  channel = new WhatsAppWebChannel({
    createClient: () => {
      const c = new FakeWwebClient();
      if (failingStarts > 0) {
        failingStarts--;
        c.failInitialize = 1;
      }
      clients.push(c);
      return c;
    },
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: config.attachmentMaxBytes,
    ledger: new RedisUpdateLedger(client, prefix, "wa"),
    translate: runtime.loaded.translate,
    pace: createPacer({ perSecond: 10_000, perChatPerSecond: 10_000 }),
    window: new RedisServiceWindow(client, prefix, runtime.keyring),
    log: silentLog,
    backoff: { firstMs: 10, maxMs: 40 },
  });
  await channel.start();
});

afterAll(async () => {
  await channel.stop();
  await runtime.close();
  await deleteByPrefix(client, prefix);
  await client.close();
});

function phone(number: string) {
  return new FakePhone(channel, latest, number);
}

describe("WhatsApp rendering", () => {
  it("numbers the options, with a hint, and keeps them together at the end of long texts", () => {
    const buttons = [
      { id: "yes", label: "Sí" },
      { id: "no", label: "No" },
    ];
    expect(renderNumbered({ type: "text", text: "¿Seguimos?", buttons }, "Responde con el número.")).toEqual([
      "¿Seguimos?\n\n*1.* Sí\n*2.* No\n_Responde con el número._",
    ]);
    const long = `${"Una línea de texto.\n".repeat(400)}`;
    const parts = renderNumbered({ type: "text", text: long, buttons }, "Responde con el número.");
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(WHATSAPP_TEXT_LIMIT);
    expect(parts.at(-1)).toMatch(/\*1\.\* Sí\n\*2\.\* No\n_Responde con el número._$/);
    expect(parts.join("").replace(/\s/g, "").length).toBeGreaterThan(long.replace(/\s/g, "").length);
  });

  it("serves one-to-one chats only", () => {
    expect(personOf("5215512345678@c.us")).toBe("5215512345678");
    expect(personOf("123456789012345@lid")).toBe("lid:123456789012345");
    for (const other of ["120363041234567890@g.us", "status@broadcast", "120363@newsletter", "x@c.us"])
      expect(personOf(other)).toBeUndefined();
  });

  it("validates its configuration with clear messages", () => {
    const c = parseWwebConfig({});
    expect(c).toMatchObject({ sessionDir: "data/whatsapp-session", auth: "local", chromiumPath: "/usr/bin/chromium" });
    expect(() => parseWwebConfig({ WHATSAPP_AUTH: "remote" })).toThrow(/WHATSAPP_AUTH=remote keeps the session in Redis: set REDIS_URL/);
    expect(() =>
      parseWwebConfig({ WHATSAPP_AUTH: "remote", WHATSAPP_PAIRING_PHONE: "+52 55 1234", WHATSAPP_LOGIN_PASSWORD: "short" }),
    ).toThrow(
      /WHATSAPP_PAIRING_PHONE: the phone number in international form[\s\S]*WHATSAPP_LOGIN_PASSWORD must be at least 12 characters[\s\S]*set REDIS_URL/,
    );
  });
});

describe("WhatsApp through whatsapp-web.js", () => {
  it("takes a person from the first message to a filed complaint, with numbered replies", async () => {
    const ana = phone("5215511110001");
    const first = await ana.say("hola");
    expect(first[0]).toMatch(/^¿En qué idioma quieres hablar\?[\s\S]*\*1\.\* Español\n\*2\.\* English\n\*3\.\* Kreyòl ayisyen/);
    expect(first[0]).toContain("_Responde con el número de tu opción._");
    const menu = await ana.say("1");
    expect(menu.at(-1)).toMatch(/^¿En qué te puedo ayudar\? Elige una opción:\n\n\*1\.\* Programas/);
    for (const answer of WAGE_THEFT_ES) await ana.say(answer);
    expect(ana.replies().at(-1)).toMatch(/^📋 Revisa tu reporte/);
    // The label, without accents or capitals, works as well as the number.
    const filed = await ana.say("ENVIAR");
    expect(filed[0]).toMatch(/Tu número de reporte es:\n\n\*[0-9A-Z]{4}-[0-9A-Z]{4}\*/);
    expect(latest().sent.every((m) => m.chatId === ana.chatId || !m.chatId.startsWith("5215511110001"))).toBe(true);
  }, 60_000);

  it.each([
    ["2", "en"],
    ["3", "ht"],
  ] as const)(
    "files a complaint in every language (choice %s: %s)",
    async (choice, lang) => {
      const ha = phone(`52155111102${choice}0`);
      await ha.say("hola");
      await ha.say(choice);
      for (const answer of WAGE_THEFT[lang]) await ha.say(answer);
      const filed = await ha.say("1");
      expect(filed[0]).toMatch(/\*[0-9A-Z]{4}-[0-9A-Z]{4}\*/);
    },
    60_000,
  );

  it.each([
    ["1", "k es la visa h2a", "h2-visas", "es"],
    ["2", "what is the H-2A visa", "h2-visas", "en"],
    ["3", "ki sa viza H-2A a ye", "h2-visas", "ht"],
  ])("answers a question from the knowledge base (language %s)", async (choice, question, article, lang) => {
    const bo = phone(`52155111101${choice}0`);
    await bo.say("hola");
    await bo.say(choice);
    const answer = await bo.say(question);
    const title = (
      JSON.parse(readFileSync(join(PROJECT_ROOT, "locales", lang, "knowledge.json"), "utf8")) as Record<string, { title: string }>
    )[article]?.title;
    expect(title).toBeTruthy();
    expect(answer[0]).toContain(`*${title}*`);
  });

  it("ignores groups, status updates, broadcasts and its own messages", async () => {
    const before = latest().sent.length;
    const ignored = [
      wwebMessage("120363041234567890@g.us", { body: "hola", author: "5215511110099@c.us" }),
      wwebMessage("status@broadcast", { body: "hola", isStatus: true }),
      wwebMessage("5215511110002@c.us", { body: "hola", fromMe: true }),
      wwebMessage("5215511110002@c.us", { body: "hola", broadcast: true }),
      wwebMessage("5215511110002@c.us", { type: "e2e_notification" }),
      { not: "a message" },
    ];
    for (const m of ignored) latest().emit("message", m);
    await settle(channel);
    expect(latest().sent.length).toBe(before);
    expect(await runtime.store.read("session:whatsapp:5215511110002")).toBeUndefined();
  });

  it("handles a message delivered twice only once", async () => {
    const cy = phone("5215511110003");
    const m = wwebMessage(cy.chatId, { body: "hola" });
    expect(await cy.send(m)).toHaveLength(1);
    expect(await cy.send(m)).toHaveLength(0);
  });

  it("stores photos, documents and voice notes as evidence, and refuses what it cannot take", async () => {
    const di = phone("5215511110004");
    await di.say("hola");
    await di.say("1");
    for (const answer of WAGE_THEFT_ES.slice(0, WAGE_THEFT_ES_TO_EVIDENCE)) await di.say(answer);
    expect(di.replies().at(-1)).toMatch(/foto|documento|nota de voz/i);
    const photo = await di.send(
      wwebMessage(di.chatId, { type: "image" }, { mimetype: "image/jpeg", data: readFileSync(join(FIXTURES, "evidence", "receipt.jpg")) }),
    );
    expect(photo[0]).toMatch(/^📎 Recibido \(1\)/);
    const voice = await di.send(
      wwebMessage(
        di.chatId,
        { type: "ptt" },
        { mimetype: "audio/ogg; codecs=opus", data: readFileSync(join(FIXTURES, "evidence", "voice-note.ogg")) },
      ),
    );
    expect(voice[0]).toMatch(/^📎 Recibido \(2\)/);
    const exe = await di.send(
      wwebMessage(
        di.chatId,
        { type: "document" },
        { mimetype: "image/jpeg", data: readFileSync(join(FIXTURES, "evidence", "program.exe")) },
      ),
    );
    expect(exe[0]).toMatch(/^No puedo recibir ese tipo de archivo/);
    let downloaded = false;
    const big = await di.send({
      ...wwebMessage(di.chatId, { type: "video", hasMedia: true, _data: { size: 200 * 1024 * 1024 } }),
      downloadMedia: async () => {
        downloaded = true;
        return undefined;
      },
    });
    expect(big[0]).toMatch(/^Ese archivo es muy grande/);
    expect(downloaded).toBe(false);
  }, 60_000);

  it("gives stickers, locations and edits a short helpful reply", async () => {
    const ed = phone("5215511110005");
    await ed.say("hola");
    await ed.say("1");
    expect((await ed.send(wwebMessage(ed.chatId, { type: "sticker", hasMedia: true })))[0]).toMatch(/^Solo puedo leer mensajes de texto/);
    expect((await ed.send(wwebMessage(ed.chatId, { type: "location" })))[0]).toMatch(/^Solo puedo leer mensajes de texto/);
    expect((await ed.send(wwebMessage(ed.chatId, { body: "otro texto" }), "message_edit"))[0]).toMatch(
      /^No puedo ver cambios en un mensaje ya enviado/,
    );
  });

  it("writes outside a turn only to someone who wrote within 24 hours", async () => {
    expect(await channel.sendToPerson("5215511119999", "Hola, soy Laura.")).toEqual({ ok: false, reason: "outside_window" });
    const fe = phone("5215511110006");
    await fe.say("hola");
    expect(await channel.sendToPerson("5215511110006", "Hola, soy Laura.")).toEqual({ ok: true });
    expect(fe.replies().at(-1)).toBe("Hola, soy Laura.");
    let now = 0;
    const window = new MemoryServiceWindow(() => now);
    await window.touch("p", 1_000);
    now = 1_000 + WINDOW_MS - WINDOW_MARGIN_MS - 1;
    expect(await window.isOpen("p")).toBe(true);
    now = 1_000 + WINDOW_MS - WINDOW_MARGIN_MS;
    expect(await window.isOpen("p")).toBe(false);
  });

  it("restarts the client with backoff after a disconnection or a failed start, and reports its state", async () => {
    expect(channel.health().whatsapp).toBe("ready");
    const old = latest();
    // The first replacement fails to start; the next one works.
    failingStarts = 1;
    const count = clients.length;
    old.emit("disconnected", "NAVIGATION");
    expect(channel.health().whatsapp).toBe("disconnected");
    await waitFor(() => channel.health().whatsapp === "ready");
    expect(old.destroyed).toBe(1);
    expect(clients.length).toBe(count + 2);
    expect(clients[count]?.initialized).toBe(1);
    const gi = phone("5215511110007");
    expect((await gi.say("hola"))[0]).toMatch(/^¿En qué idioma/);
    // Events from the replaced client change nothing.
    old.emit("disconnected", "LOGOUT");
    expect(channel.health().whatsapp).toBe("ready");
  });

  it("shows the QR code and the state on the operators' login page, behind a password", async () => {
    let state = { state: "qr" as const, qr: "2@AbCdEf123456,ghIJ,kl==" };
    const http = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      health: () => ({}),
      routes: { "GET /whatsapp/login": loginPage("correct horse battery", () => state) },
    });
    const url = `http://127.0.0.1:${http.port}/whatsapp/login`;
    const auth = (p: string) => ({ authorization: `Basic ${Buffer.from(`op:${p}`).toString("base64")}` });
    try {
      expect((await fetch(url)).status).toBe(401);
      const page = await fetch(url, { headers: auth("correct horse battery") });
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toBe("no-store");
      const html = await page.text();
      expect(html).toContain("<svg");
      expect(html).toContain("Linked devices");
      state = { state: "ready" as never, qr: "" };
      expect(await (await fetch(url, { headers: auth("correct horse battery") })).text()).not.toContain("<svg");
      for (let i = 0; i < 5; i++) expect((await fetch(url, { headers: auth("wrong") })).status).toBe(401);
      expect((await fetch(url, { headers: auth("correct horse battery") })).status).toBe(429);
    } finally {
      await http.close();
    }
  });
});

describe("one WhatsApp session holder", () => {
  it("lets one process hold the lease, hands it over on release, and takes it over when the holder dies", async () => {
    const key = `${prefix}wa:lease:test`;
    const events: string[] = [];
    const keeper = (name: string, lease: RedisLease) =>
      keepLease(
        lease,
        { start: async () => void events.push(`${name} start`), stop: async () => void events.push(`${name} stop`) },
        { everyMs: 20 },
      );
    const a = keeper("a", new RedisLease(client, key, 300));
    await waitFor(() => a.holding());
    const b = keeper("b", new RedisLease(client, key, 300));
    await new Promise((r) => setTimeout(r, 100));
    expect(b.holding()).toBe(false);
    await a.close(); // a clean shutdown releases it
    await waitFor(() => b.holding());
    expect(events).toEqual(["a start", "a stop", "b start"]);
    await b.close();
    expect(await client.get(key)).toBeNull();
    // A holder that dies takes the lease and never renews nor releases it: c waits for it to expire.
    expect(await new RedisLease(client, key, 300).acquire()).toBe(true);
    const t0 = Date.now();
    const c = keeper("c", new RedisLease(client, key, 300));
    await waitFor(() => c.holding());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    await c.close();
    expect(events).toEqual(["a start", "a stop", "b start", "b stop", "c start", "c stop"]);
    expect(await client.get(key)).toBeNull();
  });

  it("keeps the linked session in Redis for RemoteAuth, sealed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wa-auth-"));
    const store = new RedisRemoteAuthStore(client, prefix, Keyring.temporary(), dir);
    const zip = Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.from("secret-session-cookie".repeat(10))]);
    writeFileSync(join(dir, "RemoteAuth-main.zip"), zip);
    expect(await store.sessionExists({ session: "RemoteAuth-main" })).toBe(false);
    await store.save({ session: "RemoteAuth-main" });
    expect(await store.sessionExists({ session: "RemoteAuth-main" })).toBe(true);
    expect(await client.get(`${prefix}wa:auth:RemoteAuth-main`)).not.toContain("secret-session-cookie");
    await store.extract({ session: "RemoteAuth-main", path: join(dir, "back.zip") });
    expect(readFileSync(join(dir, "back.zip")).equals(zip)).toBe(true);
    await store.delete({ session: "RemoteAuth-main" });
    expect(await store.sessionExists({ session: "RemoteAuth-main" })).toBe(false);
  });
});

async function waitFor(condition: () => boolean, ms = 3000) {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}
