// Entry point: `npm run start:telegram` — the bot on Telegram. Long polling by
// default; a webhook served by the app's HTTP server when TELEGRAM_WEBHOOK_URL
// is set. On SIGTERM or SIGINT it stops taking updates, finishes those in
// flight, and closes Redis.
import { run } from "@grammyjs/runner";
import { webhookCallback } from "grammy";
import { keepAliveFetch } from "../channels/telegram/http-fetch.js";
import { createTelegramBot, registerCommands, TELEGRAM_CHANNEL, telegramSender } from "../channels/telegram/telegram-channel.js";
import { parseTelegramConfig, TelegramConfigError } from "../channels/telegram/telegram-config.js";
import { MemoryUpdateLedger, RedisUpdateLedger, type UpdateLedger } from "../channels/update-ledger.js";
import { ConfigError, parseConfig } from "../config/config.js";
import { FlowLoadError } from "../flows/errors.js";
import { startRelay } from "../handoff/relay.js";
import { MemoryTopicMap, RedisTopicMap, startCaseworkerGroup } from "../handoff/telegram-group.js";
import { startHttpServer } from "../http/server.js";
import { createLogger } from "../log/logger.js";
import { createRuntime } from "../runtime/create-runtime.js";
import { consoleFromEnv } from "./console-mount.js";

/** Upper bound for the whole shutdown, so an orchestrator's SIGKILL is never needed. */
const SHUTDOWN_MS = 25_000;

async function main(): Promise<number> {
  let config: ReturnType<typeof parseConfig>;
  let telegram: ReturnType<typeof parseTelegramConfig>;
  try {
    config = parseConfig(process.env);
    telegram = parseTelegramConfig(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const log = createLogger(config.logLevel);
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime({ config, log });
  } catch (error) {
    const known = error instanceof FlowLoadError || error instanceof ConfigError || error instanceof TelegramConfigError;
    process.stderr.write(`${known ? "" : "Could not start: "}${(error as Error).message}\n`);
    return 1;
  }
  // The same Redis connection as the sessions: one per process.
  const ledger: UpdateLedger = runtime.redis ? new RedisUpdateLedger(runtime.redis, config.redisPrefix) : new MemoryUpdateLedger();
  const apiClient = keepAliveFetch(telegram.apiRoot);
  let group: ReturnType<typeof startCaseworkerGroup> | undefined;
  const bot = createTelegramBot({
    onGroupMessage: async (m) => (group ? group.onGroupMessage(m) : false),
    fetch: apiClient,
    config: telegram,
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: config.attachmentMaxBytes,
    ledger,
    translate: runtime.loaded.translate,
    log,
  });
  try {
    await bot.init();
    await registerCommands(bot, runtime.loaded.translate);
  } catch (error) {
    process.stderr.write(
      `Could not reach the Telegram Bot API at ${telegram.apiRoot}: ${(error as Error).message.replace(/bot\d+:[\w-]+/g, "bot<token>")}\n`,
    );
    await apiClient.close();
    await runtime.close();
    return 1;
  }

  let inFlight = 0;
  let stop: () => Promise<void>;
  const mode = telegram.webhookUrl ? "webhook" : "polling";
  const path = "/telegram/webhook";
  const handle = webhookCallback(bot, "http", { secretToken: telegram.webhookSecret, timeoutMilliseconds: 25_000, onTimeout: "return" });
  const web = await consoleFromEnv(process.env, runtime, config.redisPrefix, log);
  const http = await startHttpServer({
    ...(web ? { mounts: web.mounts } : {}),
    port: telegram.port,
    health: () => ({ telegram: mode, updatesInFlight: inFlight }),
    routes: telegram.webhookUrl
      ? {
          [`POST ${path}`]: async (req, res) => {
            inFlight++;
            try {
              await handle(req, res);
            } finally {
              inFlight--;
            }
          },
        }
      : {},
  });
  if (telegram.webhookUrl) {
    await bot.api.setWebhook(telegram.webhookUrl, { secret_token: telegram.webhookSecret, drop_pending_updates: false });
    stop = async () => {
      await http.close(); // no new requests; the ones in flight finish
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
    };
  } else {
    await bot.api.deleteWebhook();
    const runner = run(bot, { runner: { fetch: { allowed_updates: ["message", "edited_message", "callback_query"] } } });
    stop = async () => {
      await runner.stop(); // stops fetching, waits for the updates in flight
      await http.close();
    };
  }
  if (telegram.caseworkerGroupId !== undefined) {
    group = startCaseworkerGroup({
      api: bot.api,
      groupId: telegram.caseworkerGroupId,
      handoff: runtime.handoff,
      topics: runtime.redis ? new RedisTopicMap(runtime.redis, config.redisPrefix) : new MemoryTopicMap(),
      ledger,
      log,
    });
  }
  const relay = startRelay({
    handoff: runtime.handoff,
    conversation: runtime.conversation,
    senders: { [TELEGRAM_CHANNEL]: telegramSender(bot.api) },
    ledger,
    log,
  });
  log.info("telegram.started", { mode, username: bot.botInfo.username, port: http.port });

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info("telegram.stopping", { signal });
      const timer = setTimeout(() => {
        log.error("telegram.shutdown_timeout", { ms: SHUTDOWN_MS });
        process.exit(1);
      }, SHUTDOWN_MS);
      timer.unref();
      stop()
        .then(() => relay.stop())
        .then(() => web?.close())
        .then(() => group?.stop())
        .then(() => apiClient.close())
        .then(() => runtime.close())
        .then(resolve, resolve);
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
  log.info("telegram.stopped");
  return 0;
}

process.exitCode = await main();
