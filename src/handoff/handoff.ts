// Handoff: when a chat goes to caseworkers and what the bot does meanwhile.
// A ticket is opened (or its open one raised, or a recent closed one
// reopened) when the person asks for a person, when a safety alert or an
// urgent complaint comes in, or when the bot failed to understand several
// times in a row. While a caseworker holds the chat — or the person asked and
// waits for one — the bot stays silent: what the person sends goes to the
// ticket's transcript, except "delete my data" and the words to go back to
// the bot. Other tickets (a safety alert nobody asked a person about yet)
// wait in the queue while the bot goes on, and their transcript still grows.

import { fold } from "../engine/text.js";
import type { Input, Lang, Vars } from "../engine/types.js";
import type { Logger } from "../log/logger.js";
import { personRef } from "../log/logger.js";
import type { EffectHandler } from "../runtime/effects.js";
import type { EventHandler } from "../runtime/events.js";
import { type TicketStore, ticketRef } from "./ticket-store.js";
import type { Priority, Ticket, TicketReason } from "./types.js";

export interface HandoffConfig {
  /** A person who writes within this many days of a closed ticket reopens it. */
  reopenDays: number;
  /** Tickets waiting longer raise an alert in the console and the person gets an update. */
  longWaitMinutes: number;
  /** Service hours to tell people, as the deployer writes them (e.g. "lunes a viernes, 9 a 17 h"); unset: not said. */
  hours?: string;
}

/** What the conversation does with an input while a ticket is open. */
export type Gate = { pass: true; input?: Input } | { pass: false };
/** No open ticket: the bot handles everything. */
const PASS = async (): Promise<Gate> => ({ pass: true });

export class HandoffService {
  constructor(
    readonly store: TicketStore,
    readonly config: HandoffConfig,
    private readonly log: Logger,
    /** Words (folded) that take the person back to the bot, from commands.json ("bot", "volver al bot"...). */
    private readonly backWords: ReadonlySet<string>,
    /** Words (folded) of the "delete my data" command, which always reaches the bot. */
    private readonly deleteWords: ReadonlySet<string>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async open(
    who: { channel: string; user: string; lang: Lang },
    reason: TicketReason,
    extra: { priority?: Priority; requested?: boolean; caseRef?: string; alert?: string } = {},
  ) {
    const opened = await this.store.open(
      {
        channel: who.channel,
        user: who.user,
        lang: who.lang,
        reason,
        priority: extra.priority ?? (reason === "safety" || reason === "urgent_complaint" ? "urgent" : "normal"),
        requested: extra.requested ?? false,
        ...(extra.caseRef ? { caseRef: extra.caseRef } : {}),
        ...(extra.alert ? { alert: extra.alert } : {}),
      },
      this.now(),
      this.config.reopenDays,
    );
    if (opened.created || opened.reopened) {
      await this.store.append(opened.ticket.id, { at: this.now().toISOString(), from: "system", text: `opened: ${reason}` });
      this.log.info(opened.created ? "handoff.opened" : "handoff.reopened", {
        ticket: opened.ticket.id,
        person: personRef(who.channel, who.user),
        reason,
        priority: opened.ticket.priority,
      });
    }
    return opened;
  }

  /**
   * Whether the bot handles an input, in two steps: the chat's open ticket is
   * looked up first (so the read can travel with others to Redis), then the
   * returned function decides for the input and records what the person sent.
   */
  async gate(channel: string, user: string): Promise<(input: Input) => Promise<Gate>> {
    const ticket = await this.store.activeFor(channel, user);
    return ticket ? (input) => this.decide(ticket, input) : PASS;
  }

  private async decide(ticket: Ticket, input: Input): Promise<Gate> {
    const text = input.type === "text" ? fold(input.text).replace(/^\//, "") : "";
    const silent = ticket.status === "held" || ticket.requested;
    if (input.type === "text" || input.type === "media")
      await this.store.append(ticket.id, {
        at: this.now().toISOString(),
        from: "person",
        ...(input.type === "text" ? { text: input.text } : { media: input.media }),
      });
    if (!silent) return { pass: true };
    if (this.backWords.has(text) || (input.type === "button" && input.id === "cmd:bot")) {
      await this.store.close(ticket.id, undefined, this.now());
      await this.store.append(ticket.id, { at: this.now().toISOString(), from: "system", text: "the person went back to the bot" });
      return { pass: true, input: { type: "button", id: "cmd:menu" } };
    }
    if (this.deleteWords.has(text)) {
      await this.store.close(ticket.id, undefined, this.now());
      return { pass: true };
    }
    return { pass: false };
  }

  /** Effects flows ask for: "handoff.open" (the person asked for a person). */
  effects(): Record<string, EffectHandler> {
    return {
      "handoff.open": async (_data, who) => {
        const { ticket } = await this.open({ channel: who.channel, user: who.userId, lang: who.lang }, "asked", { requested: true });
        const ahead = (await this.store.list()).filter(
          (t) => t.status === "waiting" && t.id !== ticket.id && Date.parse(t.waitingSince) <= Date.parse(ticket.waitingSince),
        ).length;
        return { ok: true, data: { ref: ticketRef(ticket.id), ahead, hours: this.config.hours ?? "" } };
      },
      "handoff.feedback": async (data, who) => {
        const ticket = await this.store.latestFor(who.channel, who.userId);
        const helped = data.h_helped === "yes";
        if (ticket)
          await this.store.append(ticket.id, {
            at: this.now().toISOString(),
            from: "system",
            text: `feedback: ${helped ? "helped" : "not helped"}`,
          });
        return { ok: true, data: {} };
      },
    };
  }

  /** Events that open tickets without the person asking: a safety alert, the bot giving up. */
  events(): EventHandler {
    return async (name, data, who) => {
      if (!who) return;
      const person = { channel: who.channel, user: who.userId, lang: who.lang };
      if (name === "safety.alert") await this.open(person, "safety", { alert: typeof data.alert === "string" ? data.alert : undefined });
      if (name === "bot.stuck") await this.open(person, "not_understood");
    };
  }

  /** An urgent complaint was filed: a ticket linked to its case, urgent. */
  async urgentComplaint(who: { channel: string; userId: string; lang: Lang }, caseRef: string) {
    await this.open({ channel: who.channel, user: who.userId, lang: who.lang }, "urgent_complaint", { caseRef });
  }
}

/** Wraps case.submit so an urgent complaint also opens an urgent ticket. */
export function withUrgentHandoff(effects: Record<string, EffectHandler>, handoff: HandoffService): Record<string, EffectHandler> {
  const submit = effects["case.submit"];
  if (!submit) return effects;
  return {
    ...effects,
    "case.submit": async (data: Vars, who) => {
      const result = await submit(data, who);
      if (result.ok && result.data.urgent === true && typeof result.data.ref === "string")
        await handoff.urgentComplaint(who, result.data.ref);
      return result;
    },
  };
}
