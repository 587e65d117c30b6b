// Channels: Telegram through grammY. A thin adapter: updates become engine
// inputs, outputs become Bot API calls; no flow logic here. One chat's updates
// are handled in order (sequentialize), different chats in parallel; every
// update once (UpdateLedger); 429s and 5xx retried (auto-retry, capped);
// sending paced to Telegram's limits (pacing.ts).
import { autoRetry } from "@grammyjs/auto-retry";
import { sequentialize } from "@grammyjs/runner";
import { type Api, Bot, type Context, GrammyError, HttpError, InlineKeyboard } from "grammy";
import { z } from "zod";
import type { AttachmentStore } from "../../cases/attachment-store.js";
import type { Translate } from "../../engine/types.js";
import { type Input, isLang, LANGUAGES, type Lang, type Output } from "../../engine/types.js";
import type { Sender } from "../../handoff/relay.js";
import type { Logger } from "../../log/logger.js";
import { personRef } from "../../log/logger.js";
import type { Metrics } from "../../observability/metrics.js";
import type { Conversation, Prefetched } from "../../runtime/conversation.js";
import type { AlsoSet } from "../../sessions/session-store.js";
import { packButton, unpackButton } from "../buttons.js";
import { fileInput, fileTooLarge } from "../files.js";
import { claimOrWait, UpdateInProgressError, type UpdateLedger } from "../update-ledger.js";
import { keepAliveFetch } from "./http-fetch.js";
import { pacing } from "./pacing.js";
import { splitForTelegram, toTelegramHtml } from "./render.js";
import type { TelegramConfig } from "./telegram-config.js";

export const TELEGRAM_CHANNEL = "telegram";

/** Bot commands and the engine input each one stands for. */
export const COMMANDS: Record<string, Input> = {
  start: { type: "start" },
  menu: { type: "button", id: "cmd:menu" },
  language: { type: "button", id: "cmd:language" },
  help: { type: "button", id: "cmd:help" },
  status: { type: "button", id: "cmd:status" },
  delete: { type: "button", id: "cmd:delete" },
};

const chat = z.object({ id: z.number().int(), type: z.string() });
const from = z.object({ id: z.number().int(), language_code: z.string().max(35).optional() });
const file = z.object({ file_id: z.string().min(1).max(256), file_size: z.number().int().nonnegative().optional() });
const message = z.object({
  chat,
  from: from.optional(),
  text: z.string().max(4096).optional(),
  message_thread_id: z.number().int().optional(),
  photo: z.array(file).min(1).optional(),
  document: file.optional(),
  voice: file.optional(),
  audio: file.optional(),
});
/** What the adapter reads from an update (everything else passes through untouched). */
const updateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: z
    .object({ id: z.string().min(1), from, data: z.string().max(256).optional(), message: z.object({ chat }).optional() })
    .optional(),
});

export interface TelegramDeps {
  config: TelegramConfig;
  conversation: Conversation;
  attachments: AttachmentStore;
  maxAttachmentBytes: number;
  ledger: UpdateLedger;
  translate: Translate;
  log: Logger;
  /** Messages in groups (the caseworkers' forum group): handled there, never as a person's turn. */
  onGroupMessage?: (m: { chatId: number; thread?: number; from: number; text?: string }) => Promise<boolean>;
  /** The Bot API client (its connection pool is the caller's to close); one of its own otherwise. */
  fetch?: ReturnType<typeof keepAliveFetch>;
  /** Counts replies that could not be sent (failed turns are counted by the conversation). */
  metrics?: Metrics;
}

function langHint(ctx: Context): Lang | undefined {
  const code = ctx.from?.language_code?.slice(0, 2);
  return isLang(code) ? code : undefined;
}

/** Builds the bot; nothing runs until the caller starts polling or serves the webhook. */
export function createTelegramBot(deps: TelegramDeps): Bot {
  const { config, conversation, log } = deps;
  // Keep-alive connections to the Bot API (one handshake, not one per message), on a light client.
  const apiFetch = deps.fetch ?? keepAliveFetch(config.apiRoot);
  const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot, fetch: apiFetch as never } });
  // Outgoing calls: paced first, then retried; a retry waits at most maxRetrySeconds.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: config.maxRetrySeconds }));
  bot.api.config.use(pacing(config.maxPerSecond, config.maxPerChatPerSecond));

  // The boundary: the parts of an update this adapter reads must have the shape it expects.
  bot.use(async (ctx, next) => {
    if (updateSchema.safeParse(ctx.update).success) return next();
    log.warn("telegram.invalid_update", { update: typeof ctx.update?.update_id === "number" ? ctx.update.update_id : -1 });
  });

  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));

  // Once per update, across restarts and processes. "Done" goes with the turn's session when it can.
  const doneMarks = new WeakMap<Context, AlsoSet>();
  const prefetched = new WeakMap<Context, Prefetched>();
  bot.use(async (ctx, next) => {
    const id = ctx.update.update_id;
    const firstClaim = deps.ledger.claim(id);
    // A person's turn: its reads go to Redis with the claim, one round trip (dropped if this is a duplicate).
    if (ctx.chat?.type === "private") prefetched.set(ctx, conversation.prefetch(TELEGRAM_CHANNEL, String(ctx.chat.id)));
    let claimed = await firstClaim;
    if (!claimed) {
      prefetched.delete(ctx); // read before the claim was ours: may be out of date by then
      // Held by another handler: wait for it (a crashed process's claim lapses within the lease).
      claimed = (await claimOrWait(deps.ledger, id)) === "claimed";
    }
    if (!claimed) {
      log.info("telegram.duplicate_update", { update: id });
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      return;
    }
    const mark = deps.ledger.doneWithSession?.(id);
    if (mark) doneMarks.set(ctx, mark);
    try {
      await next();
      if (mark?.written) deps.ledger.settled?.(id);
      else await deps.ledger.done(id);
    } catch (error) {
      if (mark?.written) deps.ledger.settled?.(id);
      // Saved with its session already: a redelivery would run the turn twice.
      if (!mark?.written) await deps.ledger.release(id).catch(() => undefined);
      throw error;
    }
  });

  const turn = async (ctx: Context, input: Input) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined || ctx.chat?.type !== "private") return; // one-to-one chats only
    const user = String(chatId);
    const outputs = await conversation.handle(TELEGRAM_CHANNEL, user, input, langHint(ctx), doneMarks.get(ctx), prefetched.get(ctx));
    await send(ctx, outputs);
  };

  const send = (ctx: Context, outputs: Output[]) => sendOutputs(ctx.api, ctx.chat?.id as number, outputs);

  // Groups are not people: only the caseworkers' forum group means something, and only to the handoff.
  bot.on("message", async (ctx, next) => {
    if (ctx.chat.type === "private") return next();
    if (!deps.onGroupMessage || !ctx.from || ctx.from.is_bot) return;
    await deps.onGroupMessage({
      chatId: ctx.chat.id,
      from: ctx.from.id,
      ...(ctx.message.message_thread_id !== undefined ? { thread: ctx.message.message_thread_id } : {}),
      ...(ctx.message.text !== undefined ? { text: ctx.message.text } : {}),
    });
  });

  bot.on("callback_query:data", async (ctx) => {
    // Answer first, always: the button stops spinning even if the turn fails.
    await ctx.answerCallbackQuery().catch(() => undefined);
    const button = unpackButton(ctx.callbackQuery.data);
    await turn(ctx, button ? { type: "button", ...button } : { type: "button", id: "forged", ref: "x" });
  });
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery());

  bot.on("message:text", async (ctx) => {
    const text = ctx.message.text;
    const command = text.match(/^\/([a-z]+)(?:@\w+)?(?:\s|$)/)?.[1];
    const input = command && command in COMMANDS ? (COMMANDS[command] as Input) : { type: "text" as const, text };
    await turn(ctx, input);
  });

  bot.on(["message:photo", "message:document", "message:voice", "message:audio"], async (ctx) => {
    const m = ctx.message;
    const file = m.photo ? m.photo[m.photo.length - 1] : (m.document ?? m.voice ?? m.audio);
    if (!file) return;
    await turn(ctx, await download(ctx, file.file_id, file.file_size));
  });

  // Anything else in a private chat (stickers, locations, contacts, edits...) gets a short, helpful reply.
  bot.on("edited_message", (ctx) => turn(ctx, { type: "unsupported", reason: "edited" }));
  bot.on("message", (ctx) => turn(ctx, { type: "unsupported" }));

  /**
   * Evidence is downloaded right away, not later: the hash must be taken at
   * intake, and Telegram's file links expire. Big files are refused from
   * their declared size, before downloading.
   */
  const download = async (ctx: Context, fileId: string, size: number | undefined): Promise<Input> => {
    if (size !== undefined && size > deps.maxAttachmentBytes) return fileTooLarge(deps.maxAttachmentBytes);
    const file = await ctx.api.getFile(fileId);
    if (!file.file_path) return { type: "unsupported" };
    const response = await fetch(`${config.apiRoot}/file/bot${config.token}/${file.file_path}`);
    if (!response.ok) throw new Error(`file download failed: HTTP ${response.status}`);
    return fileInput(deps.attachments, Buffer.from(await response.arrayBuffer()), deps.maxAttachmentBytes);
  };

  // The one error boundary: log with context (no message text), answer politely.
  bot.catch(async (err) => {
    const ctx = err.ctx;
    const e = err.error;
    // Not handled, and not to be counted as delivered: the webhook answers with an error, so Telegram tries again later.
    if (e instanceof UpdateInProgressError) {
      log.warn("telegram.update_in_progress", { update: e.updateId });
      throw e;
    }
    const kind = e instanceof GrammyError ? `api:${e.method}:${e.error_code}` : e instanceof HttpError ? "network" : "bug";
    if (kind !== "bug") deps.metrics?.errors.inc({ kind: "send" });
    log.error("telegram.update_failed", {
      update: ctx.update.update_id,
      person: ctx.chat ? personRef(TELEGRAM_CHANNEL, String(ctx.chat.id)) : undefined,
      kind,
      error: e instanceof Error ? e.message.replace(/bot\d+:[\w-]+/g, "bot<token>") : String(e),
    });
    if (ctx.chat?.type === "private") {
      const lang = (await conversation.languageOf(TELEGRAM_CHANNEL, String(ctx.chat.id)).catch(() => undefined)) ?? langHint(ctx);
      const apology = conversation.apology(lang);
      if (apology.type === "text")
        await ctx.api.sendMessage(ctx.chat.id, toTelegramHtml(apology.text), { parse_mode: "HTML" }).catch(() => undefined);
    }
  });

  return bot;
}

/** Sends engine outputs to a chat: HTML text, split if long, the buttons as an inline keyboard under the last part. */
export async function sendOutputs(api: Api, chatId: number, outputs: Output[]): Promise<void> {
  for (const o of outputs) {
    if (o.type !== "text") continue;
    const parts = splitForTelegram(o.text);
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      const keyboard = last && o.buttons.length > 0 ? new InlineKeyboard() : undefined;
      for (const b of o.buttons) {
        const data = packButton(o.ref, b.id);
        if (data && keyboard) keyboard.text(b.label, data).row();
      }
      await api.sendMessage(chatId, toTelegramHtml(part), { parse_mode: "HTML", ...(keyboard ? { reply_markup: keyboard } : {}) });
    }
  }
}

/** What caseworkers write, sent to a Telegram chat (paced and retried like every send). */
export function telegramSender(api: Api): Sender {
  return async (user, outputs) => {
    const chatId = Number(user);
    if (!Number.isSafeInteger(chatId)) return { ok: false, reason: "not a Telegram chat" };
    try {
      await sendOutputs(api, chatId, outputs);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: error instanceof GrammyError ? `telegram:${error.error_code}` : "network" };
    }
  };
}

/** The command menu, in each of our languages (and Spanish as the default). */
export async function registerCommands(bot: Bot, translate: Translate): Promise<void> {
  const names = Object.keys(COMMANDS);
  for (const lang of [undefined, ...LANGUAGES]) {
    const commands = names.map((command) => ({ command, description: translate(lang ?? "es", `common:bot_commands.${command}`) }));
    await bot.api.setMyCommands(commands, lang ? { language_code: lang } : {});
  }
}
