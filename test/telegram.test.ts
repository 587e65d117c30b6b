// Telegram end to end: the real grammY stack (runner, sequentialize,
// auto-retry, throttler) talking over real HTTP to a fake Bot API server,
// with Redis sessions and the Redis update ledger.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunnerHandle, run } from "@grammyjs/runner";
import type { Bot } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packButton, unpackButton } from "../src/channels/buttons.js";
import { splitLong } from "../src/channels/split.js";
import { toTelegramHtml } from "../src/channels/telegram/render.js";
import { createTelegramBot, registerCommands } from "../src/channels/telegram/telegram-channel.js";
import { parseTelegramConfig, type TelegramConfig } from "../src/channels/telegram/telegram-config.js";
import { RedisUpdateLedger } from "../src/channels/update-ledger.js";
import { parseConfig } from "../src/config/config.js";
import { createRuntime, PROJECT_ROOT, type Runtime } from "../src/runtime/create-runtime.js";
import type { RedisClient } from "../src/sessions/redis-session-store.js";
import { FakeTelegram, FakeUser } from "./helpers/fake-telegram.js";
import { FIXTURES, silentLog } from "./helpers/fixtures.js";
import { connectTestRedis, deleteByPrefix, REDIS_URL, TEST_KEYS, uniquePrefix } from "./helpers/redis.js";

let client: RedisClient;
const prefix = uniquePrefix();
const runtimes: Runtime[] = [];
const runners: RunnerHandle[] = [];

beforeAll(async () => {
  client = await connectTestRedis();
});
afterAll(async () => {
  for (const r of runners) if (r.isRunning()) await r.stop();
  for (const rt of runtimes) await rt.close();
  await deleteByPrefix(client, prefix);
  await client.close();
});

async function startBot(tg: FakeTelegram, overrides: Partial<TelegramConfig> = {}): Promise<{ bot: Bot; runtime: Runtime }> {
  const config = parseConfig({
    REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_KEYS: TEST_KEYS,
    ATTACHMENTS_DIR: join(PROJECT_ROOT, "data", "test-attachments"),
  });
  const runtime = await createRuntime({ config, log: silentLog });
  runtimes.push(runtime);
  const telegram = {
    ...parseTelegramConfig({ TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot }),
    maxPerChatPerSecond: 1000,
    maxPerSecond: 10_000,
    maxRetrySeconds: 5,
    ...overrides,
  };
  const bot = createTelegramBot({
    config: telegram,
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: config.attachmentMaxBytes,
    ledger: new RedisUpdateLedger(client, prefix),
    translate: runtime.loaded.translate,
    log: silentLog,
  });
  await bot.init();
  await registerCommands(bot, runtime.loaded.translate);
  runners.push(run(bot));
  return { bot, runtime };
}

describe("Telegram rendering", () => {
  it("turns *bold* into HTML and escapes the rest", () => {
    expect(toTelegramHtml("Tu número es:\n\n*K7M2-9QXD*\n<script> & co")).toBe(
      "Tu número es:\n\n<b>K7M2-9QXD</b>\n&lt;script&gt; &amp; co",
    );
  });
  it("keeps callback data within 64 bytes and refuses forged shapes", () => {
    expect(packButton("abc123", "kb:northern-border-title-42")).toBe("abc123|kb:northern-border-title-42");
    expect(packButton("abc123", "x".repeat(60))).toBeUndefined();
    expect(unpackButton("abc123|programs")).toEqual({ ref: "abc123", id: "programs" });
    for (const bad of ["no-separator", `a|${"x".repeat(70)}`, "ABC|id", "a|<script>"]) expect(unpackButton(bad)).toBeUndefined();
  });
  it("splits long texts at line breaks under the limit", () => {
    const parts = splitLong(`${"línea de texto\n".repeat(600)}`, 4000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4000);
    expect(parts.join("\n").replace(/\s+/g, " ")).toBe("línea de texto\n".repeat(600).trim().replace(/\s+/g, " "));
  });
  it("validates its configuration with clear messages", () => {
    expect(() => parseTelegramConfig({})).toThrow("TELEGRAM_BOT_TOKEN is required");
    expect(() => parseTelegramConfig({ TELEGRAM_BOT_TOKEN: "nope" })).toThrow("does not look like a bot token");
    expect(() =>
      parseTelegramConfig({
        TELEGRAM_BOT_TOKEN: "1:abcdefghijklmnopqrstuvwxyz",
        TELEGRAM_WEBHOOK_URL: "https://bot.example.org/telegram/webhook",
      }),
    ).toThrow("TELEGRAM_WEBHOOK_SECRET is required");
  });
});

describe("Telegram bot against a fake Bot API server", () => {
  const tg = new FakeTelegram();
  beforeAll(async () => {
    await tg.start();
    await startBot(tg);
  });
  afterAll(async () => {
    for (const r of runners) if (r.isRunning()) await r.stop();
    await tg.stop();
  });

  it("registers its commands in each language", () => {
    const calls = tg.calls.filter((c) => c.method === "setMyCommands");
    expect(calls.map((c) => c.body.language_code ?? "default")).toEqual(["default", "es", "en", "ht"]);
    expect(JSON.stringify(calls[3]?.body.commands)).toContain("Efase done mwen");
  });

  it("/start -> language -> menu -> a full wage-theft report -> a case reference, with buttons", async () => {
    const ana = new FakeUser(tg, 5001, "fr");
    expect((await ana.say("/start"))[0]).toContain("¿En qué idioma quieres hablar?");
    const afterLanguage = await ana.say({ button: "es" });
    expect(afterLanguage[afterLanguage.length - 1]).toBe("¿En qué te puedo ayudar? Elige una opción:");
    expect((await ana.say({ button: "complaint" }))[1]).toContain("¿Qué pasó?");
    const steps: (string | { button: string })[] = [
      { button: "unpaid_wages" },
      { button: "us" },
      "Georgia",
      "Tifton",
      "Rancho Los Pinos",
      { button: "skip" },
      { button: "skip" },
      "cortar moras",
      { button: "agriculture" },
      { button: "h2a" },
      { button: "no" },
      "1/09/2026",
      { button: "skip" },
      { button: "day" },
      "$80 dolares",
      "30",
      "1500",
    ];
    for (const step of steps) await ana.say(step);
    expect(ana.replies().at(-1)?.text).toContain("Te deben más o menos <b>900 USD</b>");
    for (const step of [
      { button: "yes" },
      "No me pagaron lo que me prometieron por 30 días en la pisca.",
      { button: "skip" },
      { button: "chat" },
      { button: "yes" },
      { button: "no" },
    ]) {
      await ana.say(step);
    }
    expect(ana.replies().at(-1)?.text).toMatch(/^📋 Revisa tu reporte/);
    const filed = await ana.say({ button: "send" });
    expect(filed[0]).toMatch(/Tu número de reporte es:\n\n<b>[0-9A-Z]{4}-[0-9A-Z]{4}<\/b>/);
    const keyboard =
      ana
        .replies()
        .find((m) => m.reply_markup)
        ?.reply_markup?.inline_keyboard.flat() ?? [];
    for (const b of keyboard) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
  }, 60_000);

  it("handles an update delivered twice only once", async () => {
    const bea = new FakeUser(tg, 5002, "es");
    const before = bea.replies().length;
    const id = bea.text("/start");
    await bea.settle(before);
    const once = bea.replies().length;
    // Marked done in the same write as the turn's session.
    expect(await client.get(`${prefix}tg:update:${id}`)).toBe("done");
    bea.text("/start", id);
    await new Promise((r) => setTimeout(r, 400));
    expect(bea.replies().length).toBe(once);
  });

  it("answers a forged or old button with 'that menu has expired' and the current step", async () => {
    const carl = new FakeUser(tg, 5003, "es");
    await carl.say("/start");
    const answered = tg.callbackAnswers.length;
    const before = carl.replies().length;
    carl.pressData("zzzzzz|programs");
    const replies = (await carl.settle(before)).map((m) => m.text);
    expect(replies[0]).toBe("Ese menú ya no está activo. Este es el paso en el que vas:");
    expect(replies[1]).toBe("¿En qué te puedo ayudar? Elige una opción:");
    expect(tg.callbackAnswers.length).toBe(answered + 1);
    const garbage = carl.replies().length;
    carl.pressData("<script>alert(1)</script>");
    expect((await carl.settle(garbage))[0]?.text).toBe("Ese menú ya no está activo. Este es el paso en el que vas:");
  });

  it("honours a 429's retry_after and retries a 500", async () => {
    const dina = new FakeUser(tg, 5004, "es");
    await dina.say("/start");
    tg.fail("sendMessage", { status: 429, retryAfter: 1 });
    const t0 = Date.now();
    const replies = await dina.say("/menu");
    expect(replies).toEqual(["¿En qué te puedo ayudar? Elige una opción:"]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    const sends = tg.calls.filter((c) => c.method === "sendMessage" && c.at >= t0);
    expect(sends.map((c) => c.status)).toEqual([429, 200]);
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    tg.fail("sendMessage", { status: 500 });
    expect(await dina.say("/menu")).toEqual(["¿En qué te puedo ayudar? Elige una opción:"]);
  });

  it("takes a photo as evidence, downloading it once to hash and keep it", async () => {
    const eli = new FakeUser(tg, 5005, "es");
    await eli.say("/start");
    for (const step of [
      { button: "complaint" },
      { button: "fees" },
      { button: "mx" },
      "Chiapas",
      "Tapachula",
      "Finca Sur",
      { button: "skip" },
      { button: "skip" },
      "jornalero",
      { button: "agriculture" },
      { button: "none" },
      { button: "no" },
      "hace 3 semanas",
      { button: "skip" },
      "$2,000 pesos",
      { button: "skip" },
      "Me cobraron 2000 pesos por darme el trabajo en la finca.",
    ]) {
      await eli.say(step);
    }
    tg.addFile("photo-1", readFileSync(join(FIXTURES, "evidence", "receipt.jpg")));
    const before = eli.replies().length;
    eli.photo("photo-1", 77);
    expect((await eli.settle(before))[0]?.text).toBe("📎 Recibido (1). Manda más o toca <b>Listo</b>.");
    expect(tg.calls.filter((c) => c.method === "getFile").map((c) => c.body.file_id)).toEqual(["photo-1"]);
    tg.addFile("exe-1", readFileSync(join(FIXTURES, "evidence", "program.exe")));
    const b2 = eli.replies().length;
    eli.message({ document: { file_id: "exe-1", file_unique_id: "e", file_name: "foto.jpg", file_size: 64 } });
    expect((await eli.settle(b2))[0]?.text).toMatch(/^No puedo recibir ese tipo de archivo/);
  }, 60_000);

  it("ignores an update whose shape is wrong, and goes on serving", async () => {
    const ivy = new FakeUser(tg, 5007, "es");
    const sent = tg.sent.length;
    tg.push({ message: { message_id: 1, date: 0, chat: { id: "not-a-number", type: "private" }, text: "hola" } });
    tg.push({ callback_query: { id: "cq-bad", from: { id: 5007 }, data: "x".repeat(300) } });
    await new Promise((r) => setTimeout(r, 400));
    expect(tg.sent.length).toBe(sent);
    expect((await ivy.say("/start")).at(-1)).toBe("¿En qué te puedo ayudar? Elige una opción:");
  });

  it("gives stickers, locations and edits a short helpful reply", async () => {
    const fer = new FakeUser(tg, 5006, "en");
    await fer.say("/start");
    let before = fer.replies().length;
    fer.message({
      sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false },
    });
    expect((await fer.settle(before))[0]?.text).toBe("I can only read text messages. Please write your answer.");
    before = fer.replies().length;
    fer.message({ location: { latitude: 19.4, longitude: -99.1 } });
    expect((await fer.settle(before))[0]?.text).toBe("I can only read text messages. Please write your answer.");
    before = fer.replies().length;
    tg.push({
      edited_message: {
        message_id: 1,
        date: 0,
        edit_date: 1,
        chat: { id: 5006, type: "private" },
        from: { id: 5006, is_bot: false, first_name: "F" },
        text: "changed",
      },
    });
    expect((await fer.settle(before))[0]?.text).toBe(
      "I cannot see changes to a message already sent. Please send it again as a new message.",
    );
  });
});

describe("Telegram: two bot processes sharing Redis", () => {
  it("process each update once, even when both receive it", async () => {
    const tg = new FakeTelegram();
    await tg.start();
    await startBot(tg);
    await startBot(tg);
    const gil = new FakeUser(tg, 6001, "es");
    for (let i = 0; i < 5; i++) {
      const before = gil.replies().length;
      gil.text(i === 0 ? "/start" : "/menu");
      await gil.settle(before, 300);
    }
    // /start: greeting, privacy notice, menu (3 messages); then /menu x4: one each.
    expect(gil.replies().map((m) => m.text.slice(0, 12))).toHaveLength(7);
    for (const r of runners.splice(-2)) await r.stop();
    await tg.stop();
  }, 30_000);
});

describe("Telegram pacing", () => {
  it("keeps about the configured messages per second in one chat", async () => {
    const tg = new FakeTelegram();
    await tg.start();
    await startBot(tg, { maxPerChatPerSecond: 4 });
    const hal = new FakeUser(tg, 7001, "es");
    const replies = await (async () => {
      const before = hal.replies().length;
      hal.text("/start");
      return hal.settle(before, 600);
    })();
    expect(replies).toHaveLength(3);
    for (let i = 1; i < replies.length; i++) expect((replies[i]?.at ?? 0) - (replies[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(230);
    for (const r of runners.splice(-1)) await r.stop();
    await tg.stop();
  }, 30_000);
});
