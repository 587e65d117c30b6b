// WhatsApp Cloud API end to end: signed webhooks posted over real HTTP to the
// adapter on the app's HTTP server, replies sent over real HTTP to a fake
// Graph API (test/helpers/fake-graph.ts), with Redis sessions, the Redis
// update ledger and the Redis service window; and `npm run
// start:whatsapp-cloud` as a real process.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisUpdateLedger } from "../src/channels/update-ledger.js";
import { type CloudChannel, createCloudChannel, WEBHOOK_PATH } from "../src/channels/whatsapp/cloud/cloud-channel.js";
import { renderForCloud } from "../src/channels/whatsapp/cloud/cloud-render.js";
import { signatureValid } from "../src/channels/whatsapp/cloud/webhook-schema.js";
import { langHintOf } from "../src/channels/whatsapp/common.js";
import { RedisServiceWindow } from "../src/channels/whatsapp/service-window.js";
import { parseCloudConfig } from "../src/channels/whatsapp/whatsapp-config.js";
import { parseConfig } from "../src/config/config.js";
import { startHttpServer } from "../src/http/server.js";
import { createRuntime, PROJECT_ROOT, type Runtime } from "../src/runtime/create-runtime.js";
import type { RedisClient } from "../src/sessions/redis-session-store.js";
import { envelope, FakeGraph, FakePerson, inbound, postWebhook, type SentMessage, sign, textOf } from "./helpers/fake-graph.js";
import { FIXTURES, silentLog } from "./helpers/fixtures.js";
import { connectTestRedis, deleteByPrefix, REDIS_URL, TEST_KEYS, uniquePrefix } from "./helpers/redis.js";
import { WAGE_THEFT, WAGE_THEFT_ES, WAGE_THEFT_ES_TO_EVIDENCE } from "./helpers/scripts.js";

const prefix = uniquePrefix();
const graph = new FakeGraph();
let client: RedisClient;
let runtime: Runtime;
let channel: CloudChannel;
let webhookUrl: string;
let closeHttp: () => Promise<void>;
/** The adapter's clock runs this far ahead of the real one (for the 24-hour window). */
let clockOffset = 0;
let nextNumber = 5215550000100;

/** A new person with a Mexican number (no language hint), or the number given. */
function person(waId = String(nextNumber++)) {
  return new FakePerson(graph, webhookUrl, waId);
}

const knowledgeTitle = (lang: string, id: string) =>
  (JSON.parse(readFileSync(join(PROJECT_ROOT, "locales", lang, "knowledge.json"), "utf8")) as Record<string, { title: string }>)[id]?.title;

beforeAll(async () => {
  client = await connectTestRedis();
  await graph.start();
  const config = parseConfig({
    REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_KEYS: TEST_KEYS,
    ATTACHMENTS_DIR: join(PROJECT_ROOT, "data", "test-attachments"),
  });
  runtime = await createRuntime({ config, log: silentLog });
  const now = () => Date.now() + clockOffset;
  channel = createCloudChannel({
    config: { ...parseCloudConfig(graph.env()), maxPerSecond: 10_000, maxPerChatPerSecond: 1000 },
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: config.attachmentMaxBytes,
    ledger: new RedisUpdateLedger(client, prefix, "wa"),
    window: new RedisServiceWindow(client, prefix, runtime.keyring, now),
    translate: runtime.loaded.translate,
    log: silentLog,
    retry: { firstDelayMs: 20, maxDelayMs: 2000 },
    now,
  });
  const http = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    routes: channel.routes,
    health: () => ({ whatsappCloud: "webhook", inFlight: channel.inFlight }),
  });
  webhookUrl = `http://127.0.0.1:${http.port}${WEBHOOK_PATH}`;
  closeHttp = http.close;
});

afterAll(async () => {
  await closeHttp?.();
  await runtime?.close();
  await graph.stop();
  await deleteByPrefix(client, prefix);
  await client.close();
});

describe("WhatsApp Cloud webhook security", () => {
  it("answers Meta's verification handshake only with the right token", async () => {
    const url = (token: string, mode = "subscribe") =>
      `${webhookUrl}?hub.mode=${mode}&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const ok = await fetch(url(graph.verifyToken));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe("1158201444");
    expect((await fetch(url("wrong-token-0123456789"))).status).toBe(403);
    expect((await fetch(url(graph.verifyToken, "unsubscribe"))).status).toBe(403);
    expect((await fetch(webhookUrl)).status).toBe(403);
    expect((await fetch(`${webhookUrl}?hub.mode=subscribe&hub.verify_token=${graph.verifyToken}`)).status).toBe(403);
  });

  it("refuses a missing or wrong signature with 401 and does nothing", async () => {
    const ana = person();
    const body = envelope(graph.phoneNumberId, { messages: [ana.message("text", { text: { body: "hola" } })] });
    const sent = graph.sent.length;
    expect(await postWebhook(webhookUrl, body, undefined)).toBe(401);
    expect(await postWebhook(webhookUrl, body, sign(body, "another-app-secret-012345"))).toBe(401);
    expect(await postWebhook(webhookUrl, body, "sha256=zz")).toBe(401);
    expect(await postWebhook(webhookUrl, `${body} `, sign(body, graph.appSecret))).toBe(401);
    expect(graph.sent.length).toBe(sent);
    expect(await client.exists(`${prefix}session:whatsapp:${ana.waId}`)).toBe(0);
    expect(signatureValid(Buffer.from(body), sign(body, graph.appSecret), graph.appSecret)).toBe(true);
  });

  it("refuses invalid JSON or shape with 400; ignores other numbers and delivery receipts", async () => {
    const sent = graph.sent.length;
    const signed = (body: string) => postWebhook(webhookUrl, body, sign(body, graph.appSecret));
    expect(await signed("{not json")).toBe(400);
    expect(await signed(JSON.stringify({ object: "whatsapp_business_account", entry: "nope" }))).toBe(400);
    const noFrom = envelope(graph.phoneNumberId, { messages: [{ id: "wamid.x", type: "text", text: { body: "hola" } }] });
    expect(await signed(noFrom)).toBe(400);
    const other = envelope("555000111", { messages: [inbound("5215550009999", "text", { text: { body: "hola" } })] });
    expect(await signed(other)).toBe(200);
    const receipt = envelope(graph.phoneNumberId, {
      statuses: [{ id: "wamid.out1", status: "failed", recipient_id: "5215550009999", errors: [{ code: 131047, title: "x" }] }],
    });
    expect(await signed(receipt)).toBe(200);
    expect(graph.sent.length).toBe(sent);
    expect(await client.exists(`${prefix}session:whatsapp:5215550009999`)).toBe(0);
  });
});

describe("WhatsApp Cloud conversations", () => {
  it("files a complaint in Spanish from the first message to a case reference, with buttons and lists", async () => {
    const ana = person();
    const first = await ana.say("hola");
    expect(first).toHaveLength(1);
    expect(first[0]?.interactive?.type).toBe("button");
    expect(textOf(first[0])).toContain("¿En qué idioma quieres hablar?");
    expect(first[0]?.interactive?.action.buttons?.map((b) => b.reply.title)).toEqual(["Español", "English", "Kreyòl ayisyen"]);
    const menu = (await ana.say({ button: "es" })).at(-1);
    // The main menu's labels are longer than a list row allows: numbered text.
    expect(menu?.type).toBe("text");
    expect(textOf(menu)).toMatch(/^¿En qué te puedo ayudar\? Elige una opción:\n\n\*1\.\* Programas de trabajo y visas\n/);
    expect(textOf(menu)).toMatch(/_Responde con el número de tu opción\._$/);
    expect(menu?.text?.preview_url).toBe(false);

    // The typed script, with some answers tapped instead: the country (buttons), the pay unit (a list), yes/no buttons.
    const tapped: Record<number, string> = { 2: "mx", 14: "week", 18: "yes" };
    const replies: SentMessage[][] = [];
    for (const [i, answer] of WAGE_THEFT_ES.entries()) {
      const button = tapped[i];
      replies.push(await ana.say(button ? { button } : answer));
    }
    const countryQuestion = replies[1]?.at(-1);
    expect(countryQuestion?.interactive?.type).toBe("button");
    const payUnit = replies[13]?.at(-1);
    expect(payUnit?.interactive?.type).toBe("list");
    expect(payUnit?.interactive?.action.button).toBe("Ver opciones");
    expect(textOf(ana.replies().at(-1))).toMatch(/Revisa tu reporte/);
    const filed = await ana.say({ button: "send" });
    expect(textOf(filed[0])).toMatch(/Tu número de reporte es:\n\n\*[0-9A-Z]{4}-[0-9A-Z]{4}\*/);
  });

  it.each(["en", "ht"] as const)("files a complaint in %s, typing the answers", async (lang) => {
    const cy = person();
    await cy.say("hola");
    await cy.say({ button: lang });
    for (const answer of WAGE_THEFT[lang]) await cy.say(answer);
    const filed = await cy.say({ button: "send" });
    expect(textOf(filed[0])).toMatch(/\*[0-9A-Z]{4}-[0-9A-Z]{4}\*/);
  });

  it.each([
    ["es", "k es la visa h2a", "h2-visas"],
    ["en", "what is the H-2A visa", "h2-visas"],
    ["ht", "ki sa viza H-2A a ye", "h2-visas"],
  ])("answers a question from the knowledge base in %s", async (lang, question, article) => {
    const bea = person();
    await bea.say("hola");
    await bea.say({ button: lang });
    const answer = await bea.say(question);
    expect(textOf(answer[0]).split("\n")[0]).toBe(`*${knowledgeTitle(lang, article)}*`);
  });
});

describe("WhatsApp Cloud messages", () => {
  it("handles a message delivered twice (same wamid) once", async () => {
    const caro = person();
    await caro.say("hola");
    await caro.say({ button: "es" });
    const menu = caro.message("text", { text: { body: "menú" } });
    const before = caro.replies().length;
    expect(await caro.deliver(menu)).toBe(200);
    const once = caro.replies().length;
    expect(once).toBe(before + 1);
    expect(await caro.deliver(menu)).toBe(200);
    expect(caro.replies().length).toBe(once);
  });

  it("takes a photo and a voice note as evidence, refusing too big (before downloading) and wrong types", async () => {
    const dani = person();
    await dani.say("hola");
    await dani.say({ button: "es" });
    for (const answer of WAGE_THEFT_ES.slice(0, WAGE_THEFT_ES_TO_EVIDENCE)) await dani.say(answer);
    expect(textOf(dani.replies().at(-1))).toMatch(/^Paso 7 de 9\nSi tienes pruebas/);
    const downloads = (id: string) => graph.calls.filter((c) => c.path === `/media-bytes/${id}`).length;

    // Meta does not know this media yet: the turn cannot run, the request fails so Meta redelivers it.
    const photo = dani.message("image", { image: { id: "9001", mime_type: "image/jpeg", sha256: "x" } });
    let before = dani.replies().length;
    expect(await dani.deliver(photo)).toBe(500);
    expect(textOf(dani.replies()[before])).toBe(
      "Perdón, algo falló de nuestro lado. Por favor intenta otra vez en un momento. Lo que ya escribiste no se perdió.",
    );
    graph.addMedia("9001", readFileSync(join(FIXTURES, "evidence", "receipt.jpg")), "image/jpeg");
    before = dani.replies().length;
    expect(await dani.deliver(photo)).toBe(200);
    expect(textOf(dani.replies()[before])).toBe("📎 Recibido (1). Manda más o toca *Listo*.");
    expect(downloads("9001")).toBe(1);

    graph.addMedia("9002", readFileSync(join(FIXTURES, "evidence", "voice-note.ogg")), "audio/ogg; codecs=opus");
    expect(textOf((await dani.deliverAndRead(dani.message("audio", { audio: { id: "9002", voice: true } })))[0])).toBe(
      "📎 Recibido (2). Manda más o toca *Listo*.",
    );

    graph.addMedia("9003", Buffer.from("tiny"), "video/mp4", 50 * 1024 * 1024);
    expect(textOf((await dani.deliverAndRead(dani.message("video", { video: { id: "9003" } })))[0])).toBe(
      "Ese archivo es muy grande. El máximo es 10 MB.",
    );
    expect(downloads("9003")).toBe(0);
    // Declared small but bigger when downloaded: refused all the same, without keeping it.
    graph.addMedia("9005", Buffer.alloc(11 * 1024 * 1024, 1), "image/jpeg", 1000);
    expect(textOf((await dani.deliverAndRead(dani.message("image", { image: { id: "9005" } })))[0])).toBe(
      "Ese archivo es muy grande. El máximo es 10 MB.",
    );

    graph.addMedia("9004", readFileSync(join(FIXTURES, "evidence", "program.exe")), "application/pdf");
    const exe = dani.message("document", { document: { id: "9004", filename: "recibo.pdf", mime_type: "application/pdf" } });
    expect(textOf((await dani.deliverAndRead(exe))[0])).toMatch(/^No puedo recibir ese tipo de archivo/);
  });

  it("answers old or forged buttons with 'that menu has expired', stickers with a helpful reply, and ignores reactions", async () => {
    const eva = person();
    await eva.say("hola");
    await eva.say({ button: "es" });
    const forged = (id: string) => eva.message("interactive", { interactive: { type: "button_reply", button_reply: { id, title: "x" } } });
    let replies = await eva.deliverAndRead(forged("zzzzzz|programs"));
    expect(textOf(replies[0])).toBe("Ese menú ya no está activo. Este es el paso en el que vas:");
    expect(textOf(replies[1])).toMatch(/^¿En qué te puedo ayudar\?/);
    replies = await eva.deliverAndRead(forged("<script>alert(1)</script>"));
    expect(textOf(replies[0])).toBe("Ese menú ya no está activo. Este es el paso en el que vas:");
    replies = await eva.deliverAndRead(eva.message("sticker", { sticker: { id: "77", mime_type: "image/webp", animated: false } }));
    expect(textOf(replies[0])).toBe("Solo puedo leer mensajes de texto. Escribe tu respuesta, por favor.");
    replies = await eva.deliverAndRead(eva.message("location", { location: { latitude: 19.4, longitude: -99.1 } }));
    expect(textOf(replies[0])).toBe("Solo puedo leer mensajes de texto. Escribe tu respuesta, por favor.");
    replies = await eva.deliverAndRead(eva.message("reaction", { reaction: { message_id: "wamid.out1", emoji: "👍" } }));
    expect(replies).toEqual([]);
    // A template's quick reply is read like what the person tapped.
    replies = await eva.deliverAndRead(eva.message("button", { button: { payload: "menu", text: "menú" } }));
    expect(textOf(replies[0])).toMatch(/^¿En qué te puedo ayudar\?/);
  });

  it("starts a Haitian number (+509) in Kreyòl without asking", async () => {
    expect(langHintOf("50937000000")).toBe("ht");
    expect(langHintOf("5215550000000")).toBeUndefined();
    const fito = person("50937000001");
    const first = await fito.say("bonjou");
    expect(textOf(first[0])).toMatch(/^Bonjou! 👋/);
  });
});

describe("WhatsApp Cloud rendering", () => {
  it("sends a long menu as a list and a yes/no as reply buttons (English)", async () => {
    const gus = person();
    await gus.say("hola");
    const menu = (await gus.say({ button: "en" })).at(-1);
    expect(menu?.interactive?.type).toBe("list");
    expect(menu?.interactive?.body.text).toBe("How can I help you? Choose an option:");
    expect(menu?.interactive?.action.button).toBe("See options");
    const rows = menu?.interactive?.action.sections?.[0]?.rows ?? [];
    expect(rows).toHaveLength(9);
    for (const r of rows) {
      expect(r.title.length).toBeLessThanOrEqual(24);
      expect(Buffer.byteLength(r.id)).toBeLessThanOrEqual(64);
      expect(r.id).toMatch(/\|/);
    }
    await gus.say({ button: "complaint" });
    const country = (await gus.say("1")).at(-1);
    expect(country?.type).toBe("interactive");
    expect(country?.interactive?.type).toBe("button");
    expect(country?.interactive?.action.buttons?.map((b) => b.reply.title)).toEqual(["Mexico", "United States"]);
  });

  it("falls back to numbered text when labels, text or button data do not fit", () => {
    const words = { replyNumber: "Reply with the number of your choice.", optionsButton: "See options" };
    const yesNo = {
      type: "text" as const,
      text: "Is it true?",
      buttons: [
        { id: "yes", label: "Yes" },
        { id: "no", label: "No" },
      ],
      ref: "abc",
    };
    expect(renderForCloud(yesNo, words)[0]?.type).toBe("interactive");
    const numbered = (o: typeof yesNo) => {
      const [m, ...rest] = renderForCloud(o, words);
      expect(rest).toEqual([]);
      expect(m?.type).toBe("text");
      return m?.type === "text" ? m.text.body : "";
    };
    expect(
      numbered({
        ...yesNo,
        buttons: [
          { id: "a", label: "A label of 21 chars.." },
          { id: "b", label: "B" },
        ],
      }),
    ).toBe("Is it true?\n\n*1.* A label of 21 chars..\n*2.* B\n_Reply with the number of your choice._");
    expect(numbered({ ...yesNo, text: "x".repeat(1025) })).toContain("*1.* Yes");
    expect(numbered({ ...yesNo, buttons: [{ id: "y".repeat(70), label: "Yes" }] })).toContain("*1.* Yes");
    const many = Array.from({ length: 11 }, (_, i) => ({ id: `o${i}`, label: `Option ${i}` }));
    expect(numbered({ ...yesNo, buttons: many })).toContain("*11.* Option 10");
    expect(numbered({ ...yesNo, buttons: many.slice(0, 4).map((b) => ({ ...b, label: "x".repeat(25) })) })).toContain("*4.*");
    const list = renderForCloud({ ...yesNo, buttons: many.slice(0, 10) }, words)[0];
    expect(list?.type === "interactive" && list.interactive.type).toBe("list");
  });
});

describe("WhatsApp Cloud sending", () => {
  it("sends outside a turn only within 24 hours of the person's last message", async () => {
    const hana = person();
    const sent = graph.sent.length;
    expect(await channel.sendToPerson(hana.waId, "Hola, soy Marta de la organización.")).toEqual({ ok: false, reason: "outside_window" });
    expect(graph.sent.length).toBe(sent);
    await hana.say("hola");
    expect(await channel.sendToPerson(hana.waId, "Hola, soy Marta de la organización.")).toEqual({ ok: true });
    expect(textOf(hana.replies().at(-1))).toBe("Hola, soy Marta de la organización.");
    const buttons = await channel.sendToPerson(hana.waId, [
      {
        type: "text",
        text: "¿Te sirvió?",
        buttons: [
          { id: "yes", label: "Sí" },
          { id: "no", label: "No" },
        ],
      },
    ]);
    expect(buttons).toEqual({ ok: true });
    expect(hana.replies().at(-1)?.interactive?.type).toBe("button");
    // Meta's word is final: a re-engagement error is "outside the window" too.
    graph.fail({ status: 400, code: 131047 });
    expect(await channel.sendToPerson(hana.waId, "¿Sigues ahí?")).toEqual({ ok: false, reason: "outside_window" });
    graph.fail({ status: 400, code: 100 });
    expect(await channel.sendToPerson(hana.waId, "¿Sigues ahí?")).toEqual({ ok: false, reason: "failed" });
    const total = graph.sent.length;
    clockOffset = 25 * 3_600_000;
    try {
      expect(await channel.sendToPerson(hana.waId, "¿Sigues ahí?")).toEqual({ ok: false, reason: "outside_window" });
    } finally {
      clockOffset = 0;
    }
    expect(graph.sent.length).toBe(total);
    // The window's key is a pseudonym, not the phone number.
    const keys = await client.keys(`${prefix}wa:window:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).not.toContain(hana.waId);
  });

  it("retries a 500 and honours a 429's Retry-After", async () => {
    const iris = person();
    await iris.say("hola");
    await iris.say({ button: "es" });
    const sendsSince = (from: number) => graph.calls.slice(from).filter((c) => c.method === "POST");
    let calls = graph.calls.length;
    graph.fail({ status: 500 });
    const replies = await iris.say("menú");
    expect(replies.map((m) => textOf(m).split("\n")[0])).toEqual(["¿En qué te puedo ayudar? Elige una opción:"]);
    expect(sendsSince(calls).map((c) => c.status)).toEqual([500, 200]);
    calls = graph.calls.length;
    const t0 = Date.now();
    graph.fail({ status: 429, retryAfter: 1 });
    expect(await iris.say("menú")).toHaveLength(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    const [limited, ok] = sendsSince(calls);
    expect([limited?.status, ok?.status]).toEqual([429, 200]);
    expect((ok?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("does not run a saved turn again when its replies could not be sent", async () => {
    const juan = person();
    await juan.say("hola");
    await juan.say({ button: "es" });
    // Every try of the reply and of the apology fails (4 tries each).
    graph.fail({ status: 500 }, 8);
    const menu = juan.message("text", { text: { body: "menú" } });
    const before = juan.replies().length;
    expect(await juan.deliver(menu)).toBe(200);
    expect(await juan.deliver(menu)).toBe(200);
    expect(juan.replies().length).toBe(before);
    expect(textOf((await juan.say("menú"))[0])).toMatch(/^¿En qué te puedo ayudar\?/);
  });

  it("reports itself on /health", async () => {
    const health = await fetch(webhookUrl.replace(WEBHOOK_PATH, "/health")).then((r) => r.json());
    expect(health).toEqual({ status: "ok", whatsappCloud: "webhook", inFlight: 0 });
  });
});

describe("npm run start:whatsapp-cloud", () => {
  const run = (env: Record<string, string>) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main/app.ts", "--channels", "whatsapp-cloud"], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "info", ...env },
    });
    const logs: Record<string, unknown>[] = [];
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const lines = () => {
      logs.length = 0;
      for (const line of stderr.split("\n").filter(Boolean)) {
        try {
          logs.push(JSON.parse(line));
        } catch {
          logs.push({ raw: line });
        }
      }
      return logs;
    };
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    return { child, exited, lines, stderr: () => stderr };
  };

  it("lists every configuration problem and exits 2", async () => {
    const bot = run({ WHATSAPP_CLOUD_PHONE_NUMBER_ID: "abc", SESSION_TTL_DAYS: "-1" });
    expect(await bot.exited).toBe(2);
    expect(bot.stderr()).toContain("WHATSAPP_CLOUD_TOKEN is required");
    expect(bot.stderr()).toContain("WHATSAPP_CLOUD_PHONE_NUMBER_ID must be digits");
    expect(bot.stderr()).toContain("WHATSAPP_CLOUD_VERIFY_TOKEN is required");
    expect(bot.stderr()).toContain("SESSION_TTL_DAYS");
  });

  it("serves the webhook, logs no phone numbers or message text, and stops cleanly on SIGTERM", async () => {
    const bot = run({
      ...graph.env(0),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DATA_KEYS: TEST_KEYS,
      WHATSAPP_CLOUD_MAX_PER_CHAT_PER_SECOND: "100",
    });
    let started: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && !started; i++) {
      await new Promise((r) => setTimeout(r, 50));
      started = bot.lines().find((l) => l.event === "app.ready");
    }
    if (!started) throw new Error(`did not start: ${bot.stderr()}`);
    const base = `http://127.0.0.1:${started.port}`;
    const kim = new FakePerson(graph, `${base}${WEBHOOK_PATH}`, "5215550009876");
    expect(textOf((await kim.say("hola, me llamo Kim"))[0])).toContain("¿En qué idioma quieres hablar?");
    expect(textOf((await kim.say({ button: "es" })).at(-1))).toMatch(/^¿En qué te puedo ayudar\?/);
    expect(await fetch(`${base}/health`).then((r) => r.json())).toEqual({
      status: "ok",
      channels: ["whatsapp-cloud"],
      whatsappCloud: "webhook",
      inFlight: 0,
    });
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(bot.lines().map((l) => l.event)).toContain("app.stopped");
    expect(bot.stderr()).not.toContain("5215550009876");
    expect(bot.stderr()).not.toContain("Kim");
  }, 20_000);
});
