// Part: Telegram (grammY). Long polling by default; a webhook on the app's
// HTTP server when TELEGRAM_WEBHOOK_URL is set (needed for several replicas:
// Telegram lets only one process poll). The caseworkers' forum group, when
// TELEGRAM_CASEWORKER_GROUP_ID is set.
import { type RunnerHandle, run } from "@grammyjs/runner";
import { BotError, webhookCallback } from "grammy";
import { keepAliveFetch } from "../../channels/telegram/http-fetch.js";
import { createTelegramBot, registerCommands, TELEGRAM_CHANNEL, telegramSender } from "../../channels/telegram/telegram-channel.js";
import { MemoryUpdateLedger, RedisUpdateLedger, type UpdateLedger } from "../../channels/update-ledger.js";
import { MemoryTopicMap, RedisTopicMap, startCaseworkerGroup } from "../../handoff/telegram-group.js";
import { type Part, type PartContext, StartError } from "./part.js";

const WEBHOOK_PATH = "/telegram/webhook";

export async function telegramPart({ app, runtime, log }: PartContext): Promise<Part> {
  const telegram = app.telegram;
  if (!telegram) throw new Error("telegram part without its configuration");
  const prefix = app.core.redisPrefix;
  const ledger: UpdateLedger = runtime.redis
    ? new RedisUpdateLedger(runtime.redis, prefix, "tg", app.core.updateLeaseMs)
    : new MemoryUpdateLedger();
  const apiClient = keepAliveFetch(telegram.apiRoot);
  let group: ReturnType<typeof startCaseworkerGroup> | undefined;
  const bot = createTelegramBot({
    onGroupMessage: async (m) => (group ? group.onGroupMessage(m) : false),
    fetch: apiClient,
    config: telegram,
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: app.core.attachmentMaxBytes,
    ledger,
    translate: runtime.loaded.translate,
    log,
    metrics: runtime.metrics,
  });
  try {
    await bot.init();
    await registerCommands(bot, runtime.loaded.translate);
  } catch (error) {
    await apiClient.close();
    throw new StartError(
      `Could not reach the Telegram Bot API at ${telegram.apiRoot}: ${(error as Error).message.replace(/bot\d+:[\w-]+/g, "bot<token>")}`,
    );
  }

  const mode = telegram.webhookUrl ? "webhook" : "polling";
  let inFlight = 0;
  let runner: RunnerHandle | undefined;
  let webhookSet = false;
  let stopping = false;
  const handle = webhookCallback(bot, "http", { secretToken: telegram.webhookSecret, timeoutMilliseconds: 25_000, onTimeout: "return" });

  return {
    name: "telegram",
    routes: telegram.webhookUrl
      ? {
          [`POST ${WEBHOOK_PATH}`]: async (req, res) => {
            // Shutting down: Telegram gets an error and delivers the update again (to another replica, or to us after the restart).
            if (stopping) {
              res.writeHead(503).end();
              return;
            }
            inFlight++;
            try {
              await handle(req, res);
            } catch (error) {
              // grammY rethrows from webhooks: the same error boundary as long polling (logs, apologises).
              if (!(error instanceof BotError)) throw error;
              await bot.errorHandler(error); // rethrows "still in progress": a 500, so Telegram delivers it again
              if (!res.headersSent) res.writeHead(200).end();
            } finally {
              inFlight--;
            }
          },
        }
      : {},
    senders: { [TELEGRAM_CHANNEL]: telegramSender(bot.api) },
    async start() {
      if (telegram.webhookUrl) {
        await bot.api.setWebhook(telegram.webhookUrl, { secret_token: telegram.webhookSecret, drop_pending_updates: false });
        webhookSet = true;
      } else {
        await bot.api.deleteWebhook();
        runner = run(bot, { runner: { fetch: { allowed_updates: ["message", "edited_message", "callback_query"] } } });
      }
      if (telegram.caseworkerGroupId !== undefined) {
        group = startCaseworkerGroup({
          api: bot.api,
          groupId: telegram.caseworkerGroupId,
          handoff: runtime.handoff,
          topics: runtime.redis ? new RedisTopicMap(runtime.redis, prefix) : new MemoryTopicMap(),
          ledger,
          log,
        });
      }
      log.info("telegram.started", { mode, username: bot.botInfo.username });
    },
    ready: () => {
      if (mode === "webhook") return webhookSet ? true : "webhook not set yet";
      return runner?.isRunning() ? true : "not polling";
    },
    health: () => ({ telegram: mode, updatesInFlight: inFlight }),
    async stop() {
      stopping = true;
      if (runner?.isRunning()) await runner.stop(); // stops fetching, waits for the updates in flight
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
      await group?.stop();
      await apiClient.close();
    },
  };
}
