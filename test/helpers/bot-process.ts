// The app as a real process (src/main/app.ts) serving Telegram by webhook
// against the fake Bot API, for tests that kill it, restart it, or run two.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { afterAll } from "vitest";
import { PROJECT_ROOT } from "../../src/runtime/create-runtime.js";
import type { FakeTelegram } from "./fake-telegram.js";
import { REDIS_URL, TEST_KEYS } from "./redis.js";

export const WEBHOOK_SECRET = "fault-test-secret-0123456789";

export interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
  /** Posts one update to the webhook: the HTTP status, or 0 when the connection failed. */
  post(update: Record<string, unknown>): Promise<number>;
}

/** Every bot this test file started: killed when it ends, however it ends (a timed-out test runs no finally). */
const started = new Set<ChildProcessWithoutNullStreams>();
const killAll = () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
};
afterAll(killAll);
process.once("exit", killAll);

/** The app serving Telegram: by webhook (posted to with `post`), or by long polling with `polling`. */
export async function startBot(
  tg: FakeTelegram,
  prefix: string,
  extra: Record<string, string> = {},
  options: { polling?: boolean } = {},
): Promise<BotProcess> {
  const webhook = options.polling
    ? {}
    : { TELEGRAM_WEBHOOK_URL: "http://127.0.0.1/telegram/webhook", TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET };
  const child = spawn(process.execPath, ["--import", "tsx", "src/main/app.ts", "--channels", "telegram"], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      ...webhook,
      TELEGRAM_MAX_PER_SECOND: "10000",
      TELEGRAM_MAX_PER_CHAT_PER_SECOND: "10000",
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DATA_KEYS: TEST_KEYS,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ...extra,
    },
  });
  started.add(child);
  child.once("close", () => started.delete(child));
  const logs: Record<string, unknown>[] = [];
  let buffer = "";
  child.stderr.on("data", (d) => {
    buffer += d;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  for (let i = 0; i < 400 && !logs.some((l) => l.event === "app.ready") && child.exitCode === null; i++)
    await new Promise((r) => setTimeout(r, 25));
  const ready = logs.find((l) => l.event === "app.ready");
  if (!ready) {
    child.kill("SIGKILL");
    throw new Error(`the bot did not start: ${JSON.stringify(logs)}`);
  }
  const port = Number(ready.port);
  return {
    child,
    port,
    logs,
    exited,
    post: (update) =>
      fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
        body: JSON.stringify(update),
      }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        () => 0,
      ),
  };
}

/** A private-chat text update as Telegram sends it. */
export function textUpdate(updateId: number, chatId: number, text: string): Record<string, unknown> {
  const command = text.startsWith("/") ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length ?? 1 }] : undefined;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private" },
      from: { id: chatId, is_bot: false, first_name: "P", language_code: "es" },
      text,
      ...(command ? { entities: command } : {}),
    },
  };
}

/** The same seeded generator the code uses: the same runs every time. */
export { seeded } from "../../src/util/seeded.js";
