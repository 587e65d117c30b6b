// Handoff: the relay between caseworkers and the person. Each channel process
// follows the tickets' event stream and, for the tickets of the channels it
// serves, delivers what a caseworker wrote (paced by the channel's own
// sender), and gives the chat back to the bot when a caseworker closes it (a
// closing message and, if asked, "did we help?"). With several replicas the
// update ledger makes one of them deliver each message. A ticket waiting
// longer than the configured time gets the person an update instead of
// silence, once. Nothing here knows a platform: senders do.

import { once, type UpdateLedger } from "../channels/update-ledger.js";
import type { Output } from "../engine/types.js";
import type { Logger } from "../log/logger.js";
import type { Conversation } from "../runtime/conversation.js";
import type { HandoffService } from "./handoff.js";
import type { TicketEvent } from "./ticket-store.js";

/** Sends outputs to a person outside their turn; says why when it could not (e.g. WhatsApp's 24-hour window). */
export type Sender = (user: string, outputs: Output[]) => Promise<{ ok: true } | { ok: false; reason: string }>;

export interface RelayDeps {
  handoff: HandoffService;
  conversation: Conversation;
  /** The channels this process serves, by name. */
  senders: Record<string, Sender>;
  ledger: UpdateLedger;
  log: Logger;
  now?: () => Date;
  /** How often to look for tickets waiting too long. */
  checkEveryMs?: number;
}

export function startRelay(deps: RelayDeps): { stop(): Promise<void> } {
  const { handoff, conversation, senders, ledger, log } = deps;
  const store = handoff.store;
  const now = deps.now ?? (() => new Date());
  const controller = new AbortController();
  let seq = 0;

  const deliver = async (event: TicketEvent) => {
    const ticket = await store.get(event.ticket);
    const send = ticket ? senders[ticket.channel] : undefined;
    if (!ticket || !send) return;
    if (event.kind === "entry" && event.entry.from === "caseworker" && event.entry.text) {
      const text = event.entry.text;
      await once(ledger, `relay:${ticket.id}:${event.entry.at}:${event.entry.by ?? ""}`, async () => {
        const result = await send(ticket.user, [{ type: "text", text, buttons: [] }]);
        if (!result.ok) {
          await store.append(ticket.id, { at: now().toISOString(), from: "system", text: `not delivered: ${result.reason}` });
          log.warn("handoff.relay_failed", { ticket: ticket.id, reason: result.reason });
        }
      });
    }
    // Closed by a caseworker (not by the person going back to the bot): the bot takes the chat again.
    if (event.kind === "status" && event.status === "closed" && event.by) {
      await once(ledger, `relay:${ticket.id}:closed:${ticket.closedAt ?? seq++}`, async () => {
        const outputs = await conversation.begin(ticket.channel, ticket.user, event.feedback ? "handoff-closed" : "handoff-returned");
        await send(ticket.user, outputs);
      });
    }
  };

  const following = store
    .follow((event) => {
      deliver(event).catch((error) => log.error("handoff.relay_error", { ticket: event.ticket, error: (error as Error).message }));
    }, controller.signal)
    .catch((error) => log.error("handoff.follow_failed", { error: (error as Error).message }));

  // People waiting too long get an update, once per wait.
  const check = async () => {
    const limit = handoff.config.longWaitMinutes * 60_000;
    for (const t of await store.list()) {
      const send = senders[t.channel];
      if (!send || t.status !== "waiting" || t.updateSentAt || now().getTime() - Date.parse(t.waitingSince) < limit) continue;
      await once(ledger, `relay:${t.id}:update:${t.waitingSince}`, async () => {
        await store.mark(t.id, "updateSentAt", now());
        const text = conversation.translate(t.lang, "person:still_waiting");
        await send(t.user, [{ type: "text", text, buttons: [] }]);
        await store.append(t.id, { at: now().toISOString(), from: "bot", text });
      });
    }
  };
  const timer = setInterval(() => void check().catch(() => undefined), deps.checkEveryMs ?? 60_000);
  timer.unref();

  return {
    stop: async () => {
      clearInterval(timer);
      controller.abort();
      await following;
    },
  };
}
