// WhatsApp through Meta's official Cloud API: a thin adapter, like the
// Telegram one. Meta posts messages to our webhook; each becomes an engine
// input, and the outputs go back through the Graph API (graph-client.ts) as
// reply buttons, lists or numbered text (cloud-render.ts). No flow logic here.
//
// Decisions:
// - The webhook answers 200 only once the messages in the request are
//   handled, so Meta redelivers a request that failed (or a process that died
//   mid-way). The update ledger makes a redelivered message run once.
// - A message is marked done as soon as its turn is saved, before the replies
//   are sent: running the turn again would apply the answer twice. So only a
//   turn that could not run (Redis down, media not fetched) makes the request
//   fail (500) and be redelivered; a failed send is logged, not repeated.
// - One error boundary per message: it logs without personal data and
//   apologizes in the person's language, once per message even when Meta
//   redelivers it several times during an outage.
// - A request's messages are handled in order for each person, different
//   people in parallel; the conversation's per-person queue does the rest.
// - Every send is paced per person and overall (pacer.ts).
// - Sending outside a turn (sendToPerson) respects the 24-hour window
//   (service-window.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AttachmentStore } from "../../../cases/attachment-store.js";
import { DEFAULT_LANGUAGE, type Input, type Lang, type Output, type Translate } from "../../../engine/types.js";
import { readBody } from "../../../http/server.js";
import { type Logger, personRef } from "../../../log/logger.js";
import type { Conversation } from "../../../runtime/conversation.js";
import { unpackButton } from "../../buttons.js";
import { fileInput, fileTooLarge } from "../../files.js";
import { createPacer, type Pacer } from "../../pacer.js";
import { claimOrWait, UpdateInProgressError, type UpdateLedger } from "../../update-ledger.js";
import { langHintOf, type SendResult, WHATSAPP_CHANNEL } from "../common.js";
import type { ServiceWindow } from "../service-window.js";
import type { CloudConfig } from "../whatsapp-config.js";
import { renderForCloud } from "./cloud-render.js";
import { GraphClient, GraphError, REENGAGEMENT_CODE, type RetryPolicy } from "./graph-client.js";
import { type InboundMessage, parseWebhook, sameSecret, signatureValid } from "./webhook-schema.js";

/** Where Meta posts (and verifies) the webhook, on the app's HTTP server. */
export const WEBHOOK_PATH = "/webhooks/whatsapp";
/** Meta's webhook bodies are a few KB; a batch stays far under this. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface CloudChannelDeps {
  config: CloudConfig;
  conversation: Conversation;
  attachments: AttachmentStore;
  maxAttachmentBytes: number;
  ledger: UpdateLedger;
  window: ServiceWindow;
  translate: Translate;
  log: Logger;
  /** The language of replies sent before the person has one (the runtime's DEFAULT_LANGUAGE setting). */
  defaultLang?: Lang;
  /** Retries of Graph API calls (tests shorten the waits). */
  retry?: Partial<RetryPolicy>;
  /** The clock, for the service window's times. */
  now?: () => number;
}

export interface CloudChannel {
  /** The webhook: `GET` (Meta's verification handshake) and `POST` (messages), keyed for startHttpServer. */
  routes: Record<string, Route>;
  /**
   * Sends to a person outside a turn (a caseworker's answer). Within 24 hours
   * of their last message only; otherwise nothing is sent and the reason is
   * returned, so the sender can be told why.
   */
  sendToPerson(user: string, message: Output[] | string): Promise<SendResult>;
  /** Webhook requests being handled now. */
  readonly inFlight: number;
}

/** How many message ids to remember having apologized for. */
const APOLOGIES_REMEMBERED = 10_000;

export function createCloudChannel(deps: CloudChannelDeps): CloudChannel {
  const { config, conversation, log, ledger, window } = deps;
  const now = deps.now ?? Date.now;
  const graph = new GraphClient({ apiBase: config.apiBase, token: config.token, phoneNumberId: config.phoneNumberId, retry: deps.retry });
  const pace: Pacer = createPacer({ perSecond: config.maxPerSecond, perChatPerSecond: config.maxPerChatPerSecond });
  const apologized = new Set<string>();
  let inFlight = 0;

  const languageOf = async (user: string): Promise<Lang> =>
    (await conversation.languageOf(WHATSAPP_CHANNEL, user).catch(() => undefined)) ??
    langHintOf(user) ??
    deps.defaultLang ??
    DEFAULT_LANGUAGE;

  /** Sends outputs in order, each message paced; the person's language is looked up only if options need words. */
  const send = async (user: string, outputs: Output[]) => {
    let lang: Lang | undefined;
    for (const o of outputs) {
      if (o.type !== "text") continue;
      if (o.buttons.length > 0) lang ??= await languageOf(user);
      const l = lang ?? deps.defaultLang ?? DEFAULT_LANGUAGE;
      const words = {
        replyNumber: deps.translate(l, "common:channel.reply_number"),
        optionsButton: deps.translate(l, "common:channel.options_button"),
      };
      for (const message of renderForCloud(o, words)) {
        await pace(user);
        await graph.sendMessage(user, message);
      }
    }
  };

  /** Evidence is fetched at intake (the hash is taken now; Meta's media links expire). Too big is refused by size first. */
  const download = async (mediaId: string): Promise<Input> => {
    const max = deps.maxAttachmentBytes;
    const info = await graph.mediaInfo(mediaId);
    if (info.fileSize !== undefined && info.fileSize > max) return fileTooLarge(max);
    const data = await graph.download(info.url, max);
    return data ? fileInput(deps.attachments, data, max) : fileTooLarge(max);
  };

  /** The engine input for a message; undefined for what needs no reply (a reaction). */
  const inputOf = async (m: InboundMessage): Promise<Input | undefined> => {
    if (m.type === "text" && m.text) return { type: "text", text: m.text.body };
    if (m.type === "interactive" && m.interactive) {
      const reply = m.interactive.button_reply ?? m.interactive.list_reply;
      if (!reply) return { type: "unsupported" };
      const button = unpackButton(reply.id);
      return button ? { type: "button", ...button } : { type: "button", id: "forged", ref: "x" };
    }
    if (m.type === "button" && m.button) {
      // A template's quick reply: our own button data if we put it there, else what the person tapped, read as typed.
      const button = m.button.payload ? unpackButton(m.button.payload) : undefined;
      if (button) return { type: "button", ...button };
      const said = m.button.text ?? m.button.payload;
      return said ? { type: "text", text: said } : { type: "unsupported" };
    }
    if (m.type === "image" || m.type === "document" || m.type === "audio" || m.type === "video") {
      const media = m[m.type]; // voice notes are audio too
      return media ? download(media.id) : { type: "unsupported" };
    }
    if (m.type === "reaction") return undefined;
    // Stickers, locations, contacts, "unsupported" (e.g. a poll), anything new: a short, helpful reply.
    return { type: "unsupported" };
  };

  const apologize = async (user: string, messageId: string) => {
    if (apologized.has(messageId)) return;
    apologized.add(messageId);
    if (apologized.size > APOLOGIES_REMEMBERED) apologized.delete(apologized.values().next().value as string);
    const apology = conversation.apology(await languageOf(user));
    await send(user, [apology]).catch(() => undefined);
  };

  const failureFields = (error: unknown) =>
    error instanceof GraphError
      ? { kind: `graph:${error.operation}:${error.status}`, code: error.code, trace: error.traceId }
      : { kind: "bug", error: error instanceof Error ? error.message : String(error) };

  /** Handles one message; false when its turn could not run (the request then fails and Meta redelivers). */
  const handle = async (m: InboundMessage): Promise<boolean> => {
    const user = m.from;
    const person = personRef(WHATSAPP_CHANNEL, user);
    let claimed = false;
    let outputs: Output[];
    const mark = ledger.doneWithSession?.(m.id); // "done" saved with the turn's session
    try {
      // Held by another handler: wait for it (a crashed process's claim lapses within the lease).
      claimed = (await claimOrWait(ledger, m.id)) === "claimed";
      if (!claimed) {
        log.info("whatsapp-cloud.duplicate_message", { person });
        return true;
      }
      const input = await inputOf(m);
      if (!input) {
        await ledger.done(m.id);
        return true;
      }
      // Meta's time of the message, not ours: a redelivery hours later must not reopen the window.
      const sentAt = m.timestamp ? Math.min(Number(m.timestamp) * 1000, now()) : now();
      await window.touch(user, sentAt);
      outputs = await conversation.handle(WHATSAPP_CHANNEL, user, input, langHintOf(user), mark);
    } catch (error) {
      // Still held elsewhere: no apology, Meta delivers it again later.
      if (error instanceof UpdateInProgressError) return false;
      log.error("whatsapp-cloud.message_failed", { person, type: m.type, ...failureFields(error) });
      if (claimed && !mark?.written) await ledger.release(m.id).catch(() => undefined);
      if (mark?.written) ledger.settled?.(m.id);
      await apologize(user, m.id);
      return false;
    }
    if (mark?.written) ledger.settled?.(m.id);
    else await ledger.done(m.id).catch((error) => log.warn("whatsapp-cloud.ledger_failed", { person, error: (error as Error).message }));
    try {
      await send(user, outputs);
    } catch (error) {
      log.error("whatsapp-cloud.send_failed", { person, ...failureFields(error) });
      await apologize(user, m.id);
    }
    return true;
  };

  /** Messages in order for each person, people in parallel. */
  const handleAll = async (messages: InboundMessage[]): Promise<boolean> => {
    const byPerson = new Map<string, InboundMessage[]>();
    for (const m of messages) byPerson.set(m.from, [...(byPerson.get(m.from) ?? []), m]);
    const results = await Promise.all(
      [...byPerson.values()].map(async (mine) => {
        let ok = true;
        for (const m of mine) ok = (await handle(m)) && ok;
        return ok;
      }),
    );
    return results.every(Boolean);
  };

  const verify: Route = async (req, res) => {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    const challenge = query.get("hub.challenge") ?? "";
    const token = query.get("hub.verify_token") ?? "";
    if (
      query.get("hub.mode") === "subscribe" &&
      sameSecret(token, config.verifyToken) &&
      challenge.length > 0 &&
      challenge.length <= 1000
    ) {
      log.info("whatsapp-cloud.webhook_verified");
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }).end(challenge);
      return;
    }
    log.warn("whatsapp-cloud.webhook_verify_refused");
    res.writeHead(403).end();
  };

  const webhook: Route = async (req, res) => {
    inFlight++;
    try {
      const raw = await readBody(req, MAX_WEBHOOK_BYTES);
      if (!signatureValid(raw, req.headers["x-hub-signature-256"], config.appSecret)) {
        log.warn("whatsapp-cloud.bad_signature", { bytes: raw.length });
        res.writeHead(401).end();
        return;
      }
      const batch = parseWebhook(raw, config.phoneNumberId);
      if (!batch) {
        log.warn("whatsapp-cloud.invalid_body", { bytes: raw.length });
        res.writeHead(400).end();
        return;
      }
      for (const code of batch.failedStatusCodes) log.warn("whatsapp-cloud.delivery_failed", { code });
      const ok = await handleAll(batch.messages);
      res.writeHead(ok ? 200 : 500).end();
    } finally {
      inFlight--;
    }
  };

  const sendToPerson = async (user: string, message: Output[] | string): Promise<SendResult> => {
    const outputs: Output[] = typeof message === "string" ? [{ type: "text", text: message, buttons: [] }] : message;
    const person = personRef(WHATSAPP_CHANNEL, user);
    try {
      if (!/^\d{5,20}$/.test(user)) return { ok: false, reason: "failed" };
      if (!(await window.isOpen(user))) return { ok: false, reason: "outside_window" };
      await send(user, outputs);
      return { ok: true };
    } catch (error) {
      // Our clock and Meta's may disagree by a little: Meta's word is final.
      if (error instanceof GraphError && error.code === REENGAGEMENT_CODE) return { ok: false, reason: "outside_window" };
      log.error("whatsapp-cloud.send_to_person_failed", { person, ...failureFields(error) });
      return { ok: false, reason: "failed" };
    }
  };

  return {
    routes: { [`GET ${WEBHOOK_PATH}`]: verify, [`POST ${WEBHOOK_PATH}`]: webhook },
    sendToPerson,
    get inFlight() {
      return inFlight;
    },
  };
}
