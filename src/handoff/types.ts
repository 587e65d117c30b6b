// Handoff: the shapes of tickets — a chat handed to caseworkers — shared by the
// store, the runtime, the relay and the console.
import type { Lang, MediaRef } from "../engine/types.js";

export const TICKET_REASONS = ["asked", "safety", "urgent_complaint", "not_understood"] as const;
export type TicketReason = (typeof TICKET_REASONS)[number];
export type TicketStatus = "waiting" | "held" | "closed";
export type Priority = "urgent" | "normal";

export interface Ticket {
  id: string;
  /** Which chat: the channel and the person's id on it (kept sealed at rest). */
  channel: string;
  user: string;
  lang: Lang;
  reason: TicketReason;
  priority: Priority;
  status: TicketStatus;
  /** True when the person asked for a person: the bot stays silent until the ticket closes. */
  requested: boolean;
  /** The caseworker holding it (their account id). */
  assignee?: string;
  /** A complaint case linked to it (its reference). */
  caseRef?: string;
  /** For the safety reason: which alert. */
  alert?: string;
  createdAt: string;
  /** When it last started waiting (opened or reopened): the queue's order and the waiting time. */
  waitingSince: string;
  heldAt?: string;
  firstReplyAt?: string;
  closedAt?: string;
  /** Set once the person was told the wait is long (no silence). */
  updateSentAt?: string;
}

export type EntryFrom = "person" | "bot" | "caseworker" | "note" | "system";

export interface Entry {
  at: string;
  from: EntryFrom;
  text?: string;
  media?: MediaRef;
  /** The caseworker's account id (replies, notes, actions). */
  by?: string;
}
