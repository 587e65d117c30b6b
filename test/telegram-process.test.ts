// `npm run start:telegram` as a real process against the fake Bot API: long
// polling, the webhook with its secret header, and a clean stop on SIGTERM.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";
import { startBot, WEBHOOK_SECRET } from "./helpers/bot-process.js";
import { FakeTelegram, FakeUser } from "./helpers/fake-telegram.js";
import { useTestRedis } from "./helpers/redis.js";

const redis = useTestRedis();

describe("npm run start:telegram", () => {
  it("serves people over long polling and stops cleanly on SIGTERM", async () => {
    const tg = new FakeTelegram();
    await tg.start();
    const bot = await startBot(tg, redis.prefix, {}, { polling: true });
    const ana = new FakeUser(tg, 8001, "es");
    const first = await ana.say("/start");
    expect(first.at(-1)).toBe("¿En qué te puedo ayudar? Elige una opción:");
    expect((await ana.say({ button: "complaint" }))[1]).toContain("¿Qué pasó?");
    const health = await fetch(`http://127.0.0.1:${bot.port}/health`).then((r) => r.json());
    expect(health).toMatchObject({ status: "ok", telegram: "polling" });
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(bot.logs.map((l) => l.event)).toContain("app.stopped");
    expect(JSON.stringify(bot.logs)).not.toContain("Qué pasó");
    await tg.stop();
  }, 60_000);

  it("takes updates on the webhook only with the secret header", async () => {
    const tg = new FakeTelegram();
    await tg.start();
    const secret = WEBHOOK_SECRET;
    const bot = await startBot(tg, redis.prefix);
    const setWebhook = tg.calls.find((c) => c.method === "setWebhook");
    expect(setWebhook?.body).toMatchObject({ url: "http://127.0.0.1/telegram/webhook", secret_token: secret });
    const update = (id: number) => ({
      update_id: id,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 8101, type: "private" },
        from: { id: 8101, is_bot: false, first_name: "W", language_code: "en" },
        text: "/start",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    });
    const post = (body: unknown, token?: string) =>
      fetch(`http://127.0.0.1:${bot.port}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { "x-telegram-bot-api-secret-token": token } : {}) },
        body: JSON.stringify(body),
      });
    expect((await post(update(1), "wrong")).status).toBe(401);
    expect((await post(update(1))).status).toBe(401);
    expect(tg.sent).toHaveLength(0);
    expect((await post(update(2), secret)).status).toBe(200);
    expect(tg.sent.map((m) => m.text).at(-1)).toBe("How can I help you? Choose an option:");
    // Telegram retrying the same update: answered 200, handled once.
    const count = tg.sent.length;
    expect((await post(update(2), secret)).status).toBe(200);
    expect(tg.sent).toHaveLength(count);
    bot.child.kill("SIGINT");
    expect(await bot.exited).toBe(0);
    await tg.stop();
  }, 60_000);

  it("refuses to start with a clear message when the configuration is wrong", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main/app.ts", "--channels", "telegram"], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", TELEGRAM_BOT_TOKEN: "not-a-token" },
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise((r) => child.on("close", r));
    expect(code).toBe(2);
    expect(stderr).toContain("TELEGRAM_BOT_TOKEN does not look like a bot token");
  });
});
