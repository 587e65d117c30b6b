// WhatsApp through whatsapp-web.js (a linked phone): a thin adapter, like the
// Telegram one. Messages become engine inputs, outputs become numbered text
// (buttons and lists are deprecated in whatsapp-web.js). It listens to
// one-to-one chats only; every message is handled once (the update ledger);
// it only ever replies, or sends what a caseworker wrote to someone whose
// conversation is open; sending is paced with jitter. The client's life
// (QR or pairing code, ready, auth failure, disconnection) is tracked for the
// health endpoint, and a lost connection is restarted with backoff.
import { z } from "zod";
import type { AttachmentStore } from "../../cases/attachment-store.js";
import type { Input, Output, Translate } from "../../engine/types.js";
import type { Sender } from "../../handoff/relay.js";
import { type Logger, personRef } from "../../log/logger.js";
import type { Conversation } from "../../runtime/conversation.js";
import { fileInput, fileTooLarge } from "../files.js";
import type { Pacer } from "../pacer.js";
import { claimOrWait, type UpdateLedger } from "../update-ledger.js";
import { langHintOf, WHATSAPP_CHANNEL } from "./common.js";
import { renderNumbered } from "./render.js";
import type { ServiceWindow } from "./service-window.js";

/** The part of whatsapp-web.js's `Client` the adapter uses (the real one, or a fake with the same names in tests). */
export interface WwebClient {
  // biome-ignore lint/suspicious/noExplicitAny: event payloads differ per event; each handler validates what it reads
  on(event: string, listener: (...args: any[]) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<unknown>;
}

/** The parts of a whatsapp-web.js `Message` the adapter reads; everything else passes untouched. */
const messageSchema = z.object({
  id: z.object({ _serialized: z.string().min(1).max(200) }),
  from: z.string().min(1).max(100),
  fromMe: z.boolean(),
  isStatus: z.boolean().optional(),
  broadcast: z.boolean().optional(),
  type: z.string().max(40),
  body: z.string().max(100_000).optional(),
  hasMedia: z.boolean().optional(),
  _data: z.object({ size: z.number().nonnegative().optional() }).loose().optional(),
});

/** What downloadMedia() gives back: whatsapp-web.js's MessageMedia. */
const mediaSchema = z.object({ mimetype: z.string().max(200), data: z.string(), filesize: z.number().nullish() });

interface WwebMessage {
  downloadMedia(): Promise<unknown>;
}

/** Message types that carry evidence the attachment store may take (it checks the content itself). */
const MEDIA_TYPES = new Set(["image", "document", "ptt", "audio", "video"]);
/** WhatsApp's own bookkeeping, not something the person sent: no reply. */
const SILENT_TYPES = new Set([
  "e2e_notification",
  "notification",
  "notification_template",
  "gp2",
  "group_notification",
  "protocol",
  "ciphertext",
  "revoked",
  "call_log",
  "broadcast_notification",
  "debug",
  "reaction",
  "unknown",
]);

/**
 * The chats we serve: a person's own chat, "<number>@c.us" or, on newer
 * accounts, "<id>@lid". Groups (@g.us), status (status@broadcast),
 * broadcast lists and channels (@newsletter) are ignored.
 */
export function personOf(chatId: string): string | undefined {
  const number = chatId.match(/^(\d{5,20})@c\.us$/)?.[1];
  if (number) return number;
  const lid = chatId.match(/^(\d{5,30})@lid$/)?.[1];
  return lid ? `lid:${lid}` : undefined;
}

export function chatIdOf(user: string): string {
  return user.startsWith("lid:") ? `${user.slice(4)}@lid` : `${user}@c.us`;
}

export type WwebState = "stopped" | "starting" | "qr" | "pairing" | "authenticated" | "ready" | "disconnected" | "auth_failure";

export interface WwebDeps {
  /** Makes a new client (the real one with its auth strategy and Chromium, or a fake). */
  createClient: () => WwebClient;
  conversation: Conversation;
  attachments: AttachmentStore;
  maxAttachmentBytes: number;
  ledger: UpdateLedger;
  translate: Translate;
  pace: Pacer;
  /** Who wrote within 24 hours: the only people a message outside a turn may go to. */
  window: ServiceWindow;
  log: Logger;
  /** A QR code to show to the operator (terminal, login page). */
  onQr?: (qr: string) => void;
  /** A pairing code to type on the phone. */
  onPairingCode?: (code: string) => void;
  /** Restart waits: first, then doubling up to max. */
  backoff?: { firstMs: number; maxMs: number };
}

export class WhatsAppWebChannel {
  private client: WwebClient | undefined;
  private current: WwebState = "stopped";
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private inFlight = 0;
  /** The latest QR code or pairing code while waiting to be linked, for the login page. */
  login: { qr?: string; code?: string } = {};

  constructor(private readonly deps: WwebDeps) {}

  get state(): WwebState {
    return this.current;
  }

  health() {
    return { whatsapp: this.current, restarts: this.restarts, messagesInFlight: this.inFlight };
  }

  /** Starts a client; on failure or disconnection it is replaced, with backoff, until stop(). */
  async start(): Promise<void> {
    this.stopping = false;
    const client = this.deps.createClient();
    this.client = client;
    this.current = "starting";
    this.listen(client);
    try {
      await client.initialize();
    } catch (error) {
      this.deps.log.error("whatsapp.initialize_failed", { error: (error as Error).message });
      if (this.client === client) this.current = "disconnected";
      this.scheduleRestart(client);
    }
  }

  /** Stops taking messages, waits for those in flight, closes the browser. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    const client = this.client;
    this.client = undefined;
    this.current = "stopped";
    await client?.destroy().catch(() => undefined);
  }

  private listen(client: WwebClient) {
    const { log } = this.deps;
    const mine = () => this.client === client; // events of a replaced client are stale
    client.on("qr", (qr: string) => {
      if (!mine()) return;
      this.current = "qr";
      this.login = { qr };
      log.info("whatsapp.qr", {});
      this.deps.onQr?.(qr);
    });
    client.on("code", (code: string) => {
      if (!mine()) return;
      this.current = "pairing";
      this.login = { code };
      log.info("whatsapp.pairing_code", {});
      this.deps.onPairingCode?.(code);
    });
    client.on("authenticated", () => {
      if (mine()) this.current = "authenticated";
    });
    client.on("auth_failure", (message: string) => {
      if (!mine()) return;
      this.current = "auth_failure";
      log.error("whatsapp.auth_failure", { reason: String(message).slice(0, 200) });
      this.scheduleRestart(client);
    });
    client.on("ready", () => {
      if (!mine()) return;
      this.current = "ready";
      this.login = {};
      this.restarts = 0;
      log.info("whatsapp.ready", {});
    });
    client.on("change_state", (state: string) => {
      if (mine()) log.info("whatsapp.state", { state: String(state) });
    });
    client.on("disconnected", (reason: string) => {
      if (!mine()) return;
      this.current = "disconnected";
      log.warn("whatsapp.disconnected", { reason: String(reason) });
      this.scheduleRestart(client);
    });
    client.on("message", (message: unknown) => {
      if (mine()) void this.receive(message as WwebMessage, false);
    });
    client.on("message_edit", (message: unknown) => {
      if (mine()) void this.receive(message as WwebMessage, true);
    });
  }

  /** Replaces a failed client after a wait that doubles with each failure in a row. */
  private scheduleRestart(client: WwebClient) {
    if (this.stopping || this.client !== client || this.restartTimer) return;
    const { firstMs, maxMs } = this.deps.backoff ?? { firstMs: 2_000, maxMs: 120_000 };
    const wait = Math.min(maxMs, firstMs * 2 ** this.restarts);
    this.restarts++;
    this.deps.log.info("whatsapp.restart_scheduled", { inMs: wait, attempt: this.restarts });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping || this.client !== client) return;
      void client.destroy().catch(() => undefined);
      void this.start();
    }, wait);
  }

  private async receive(raw: WwebMessage, edited: boolean) {
    if (this.stopping) return;
    const parsed = messageSchema.safeParse(raw);
    if (!parsed.success) {
      this.deps.log.warn("whatsapp.invalid_message", {});
      return;
    }
    const m = parsed.data;
    if (m.fromMe || m.isStatus || m.broadcast) return;
    const user = personOf(m.from);
    if (!user) return; // groups, status, channels
    if (!edited && SILENT_TYPES.has(m.type)) return;
    const id = edited ? `${m.id._serialized}:edit:${m.body ?? ""}`.slice(0, 300) : m.id._serialized;
    const { ledger, log } = this.deps;
    this.inFlight++;
    try {
      if ((await claimOrWait(ledger, id)) === "done") {
        log.info("whatsapp.duplicate_message", {});
        return;
      }
      const mark = ledger.doneWithSession?.(id); // "done" saved with the turn's session
      try {
        await this.deps.window.touch(user, Date.now());
        const input = edited ? ({ type: "unsupported", reason: "edited" } as const) : await this.toInput(m, raw);
        const outputs = await this.deps.conversation.handle(WHATSAPP_CHANNEL, user, input, langHintOf(user), mark);
        if (mark?.written) ledger.settled?.(id);
        else await ledger.done(id);
        await this.send(m.from, user, outputs);
      } catch (error) {
        if (mark?.written) ledger.settled?.(id);
        else await ledger.release(id).catch(() => undefined);
        throw error;
      }
    } catch (error) {
      // The one error boundary: log with context (no text, no number), answer politely.
      log.error("whatsapp.message_failed", { person: personRef(WHATSAPP_CHANNEL, user), error: (error as Error).message });
      const lang = (await this.deps.conversation.languageOf(WHATSAPP_CHANNEL, user).catch(() => undefined)) ?? langHintOf(user);
      await this.send(m.from, user, [this.deps.conversation.apology(lang)]).catch(() => undefined);
    } finally {
      this.inFlight--;
    }
  }

  private async toInput(m: z.infer<typeof messageSchema>, raw: WwebMessage): Promise<Input> {
    if (m.type === "chat") return { type: "text", text: m.body ?? "" };
    if (!MEDIA_TYPES.has(m.type) || !m.hasMedia) return { type: "unsupported" };
    const { attachments, maxAttachmentBytes } = this.deps;
    const declared = m._data?.size;
    if (declared !== undefined && declared > maxAttachmentBytes) return fileTooLarge(maxAttachmentBytes);
    const media = mediaSchema.safeParse(await raw.downloadMedia());
    if (!media.success) return { type: "unsupported" }; // expired or deleted on the phone
    // base64 is 4/3 of the bytes: refuse before decoding when it is surely too big.
    if ((media.data.data.length * 3) / 4 > maxAttachmentBytes + 3) return fileTooLarge(maxAttachmentBytes);
    return fileInput(attachments, Buffer.from(media.data.data, "base64"), maxAttachmentBytes);
  }

  /** Sends the outputs of a turn as paced numbered-text messages. */
  private async send(chatId: string, user: string, outputs: Output[]) {
    const texts = outputs.filter((o): o is Extract<Output, { type: "text" }> => o.type === "text");
    if (texts.length === 0) return;
    const client = this.client;
    if (!client) throw new Error("whatsapp client not running");
    const needsHint = texts.some((o) => o.buttons.length > 0);
    const lang = needsHint
      ? ((await this.deps.conversation.languageOf(WHATSAPP_CHANNEL, user).catch(() => undefined)) ?? langHintOf(user) ?? "es")
      : "es";
    const hint = this.deps.translate(lang, "common:channel.reply_number");
    for (const o of texts) {
      for (const part of renderNumbered(o, hint)) {
        await this.deps.pace(chatId);
        await client.sendMessage(chatId, part);
      }
    }
  }

  /** What caseworkers write (and the bot's word when the chat comes back), for the relay. */
  sender(): Sender {
    return async (user, outputs) => {
      if (this.current !== "ready" || !this.client) return { ok: false, reason: "not_connected" };
      if (!(await this.deps.window.isOpen(user))) return { ok: false, reason: "outside_window" };
      try {
        await this.send(chatIdOf(user), user, outputs);
        return { ok: true };
      } catch (error) {
        this.deps.log.error("whatsapp.send_failed", { person: personRef(WHATSAPP_CHANNEL, user), error: (error as Error).message });
        return { ok: false, reason: "failed" };
      }
    };
  }

  /**
   * A message from outside a turn (a caseworker's reply). Never unsolicited:
   * only to someone who wrote within WhatsApp's 24-hour window.
   */
  sendToPerson(user: string, text: string): ReturnType<Sender> {
    return this.sender()(user, [{ type: "text", text, buttons: [] }]);
  }
}
