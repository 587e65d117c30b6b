// Handoff: where tickets live. A ticket's personal part (the chat: channel and
// the person's id, a linked case) and its transcript are sealed with the data
// keys; the fields the queue needs (status, priority, assignee, times) are
// plain. In Redis, state changes that must not race (claiming, transferring,
// closing) are single Lua scripts on those plain fields, so two caseworkers
// can never both claim a ticket; every change is also published on a stream,
// which the console's live updates and the relay to the person read from any
// process. An in-memory store with the same behaviour serves single-process
// runs and tests of other parts.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { z } from "zod";
import { LANGUAGES, type Lang } from "../engine/types.js";
import type { Keyring } from "../privacy/keyring.js";
import type { RedisClient } from "../sessions/redis-session-store.js";
import { type Entry, type Priority, TICKET_REASONS, type Ticket, type TicketReason, type TicketStatus } from "./types.js";

/** Most transcript entries kept per ticket (the oldest go first). */
export const MAX_ENTRIES = 500;

export interface OpenRequest {
  channel: string;
  user: string;
  lang: Lang;
  reason: TicketReason;
  priority: Priority;
  /** The person asked for a person (the bot goes silent). */
  requested: boolean;
  caseRef?: string;
  alert?: string;
}

export type TicketEvent =
  | { ticket: string; kind: "entry"; entry: Entry }
  /** `feedback`: on closing, whether the person is asked "did we help?". */
  | { ticket: string; kind: "status"; status: TicketStatus; by?: string; feedback?: boolean };

export type ClaimResult = "claimed" | "taken" | "missing";

export interface TicketStore {
  /** Opens a ticket for this chat, or returns its open one (raising it to urgent, marking it requested), or reopens a recent closed one. */
  open(request: OpenRequest, now: Date, reopenDays: number): Promise<{ ticket: Ticket; created: boolean; reopened: boolean }>;
  /** The chat's ticket that is not closed, if any. */
  activeFor(channel: string, user: string): Promise<Ticket | undefined>;
  /** The chat's latest ticket, closed or not. */
  latestFor(channel: string, user: string): Promise<Ticket | undefined>;
  get(id: string): Promise<Ticket | undefined>;
  /** Waiting tickets, urgent first then longest waiting; then held and recently closed ones. */
  list(): Promise<Ticket[]>;
  claim(id: string, caseworker: string, now: Date): Promise<ClaimResult>;
  transfer(id: string, from: string | undefined, to: string): Promise<boolean>;
  /** `by`: the caseworker, or undefined when the person went back to the bot. */
  close(id: string, by: string | undefined, now: Date, feedback?: boolean): Promise<boolean>;
  mark(id: string, field: "firstReplyAt" | "updateSentAt", now: Date): Promise<void>;
  append(id: string, entry: Entry): Promise<void>;
  entries(id: string): Promise<Entry[]>;
  /** Follows changes from now on, until `signal` aborts. */
  follow(onEvent: (event: TicketEvent) => void, signal: AbortSignal): Promise<void>;
}

const sealedPart = z.strictObject({
  channel: z.string().min(1),
  user: z.string().min(1),
  caseRef: z.string().optional(),
  alert: z.string().optional(),
});
const statusSchema = z.enum(["waiting", "held", "closed"]);
const entrySchema = z.strictObject({
  at: z.string(),
  from: z.enum(["person", "bot", "caseworker", "note", "system"]),
  text: z.string().optional(),
  media: z
    .strictObject({
      kind: z.enum(["photo", "document", "voice"]),
      id: z.string(),
      sha256: z.string(),
      mime: z.string(),
      size: z.number(),
    })
    .optional(),
  by: z.string().optional(),
});

export function newTicketId(): string {
  return randomBytes(9).toString("base64url");
}

/** A short reference to show people and caseworkers ("T-4F9Q"). */
export function ticketRef(id: string): string {
  return `T-${id
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(-4)
    .toUpperCase()}`;
}

/** Queue order: urgent before normal, then the longest waiting first. */
export function queueScore(priority: Priority, waitingSince: string): number {
  return (priority === "urgent" ? 0 : 1e13) + Date.parse(waitingSince);
}

export function sortTickets(tickets: Ticket[]): Ticket[] {
  const rank = (t: Ticket) => (t.status === "waiting" ? 0 : t.status === "held" ? 1 : 2);
  return [...tickets].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.status === "waiting" ? queueScore(a.priority, a.waitingSince) - queueScore(b.priority, b.waitingSince) : 0) ||
      Date.parse(b.waitingSince) - Date.parse(a.waitingSince),
  );
}

function reopenable(t: Ticket, now: Date, reopenDays: number): boolean {
  return t.status === "closed" && t.closedAt !== undefined && now.getTime() - Date.parse(t.closedAt) <= reopenDays * 86_400_000;
}

export class MemoryTicketStore implements TicketStore {
  /** `newId`: tests make ids predictable. */
  constructor(private readonly newId: () => string = newTicketId) {}

  private readonly tickets = new Map<string, Ticket>();
  private readonly logs = new Map<string, Entry[]>();
  private readonly byPerson = new Map<string, string>();
  private readonly events = new EventEmitter();

  private emit(event: TicketEvent) {
    this.events.emit("event", event);
  }

  async open(r: OpenRequest, now: Date, reopenDays: number) {
    const key = `${r.channel}:${r.user}`;
    const existing = this.tickets.get(this.byPerson.get(key) ?? "");
    if (existing && existing.status !== "closed") {
      if (r.priority === "urgent") existing.priority = "urgent";
      existing.requested ||= r.requested;
      existing.caseRef ??= r.caseRef;
      return { ticket: { ...existing }, created: false, reopened: false };
    }
    if (existing && reopenable(existing, now, reopenDays)) {
      Object.assign(existing, {
        status: "waiting",
        waitingSince: now.toISOString(),
        requested: r.requested,
        reason: r.reason,
        priority: r.priority,
      });
      delete existing.closedAt;
      delete existing.heldAt;
      this.emit({ ticket: existing.id, kind: "status", status: "waiting" });
      return { ticket: { ...existing }, created: false, reopened: true };
    }
    const at = now.toISOString();
    const ticket: Ticket = { id: this.newId(), ...r, status: "waiting", createdAt: at, waitingSince: at };
    this.tickets.set(ticket.id, ticket);
    this.byPerson.set(key, ticket.id);
    this.emit({ ticket: ticket.id, kind: "status", status: "waiting" });
    return { ticket: { ...ticket }, created: true, reopened: false };
  }

  async latestFor(channel: string, user: string) {
    const t = this.tickets.get(this.byPerson.get(`${channel}:${user}`) ?? "");
    return t ? { ...t } : undefined;
  }

  async activeFor(channel: string, user: string) {
    const t = this.tickets.get(this.byPerson.get(`${channel}:${user}`) ?? "");
    return t && t.status !== "closed" ? { ...t } : undefined;
  }

  async get(id: string) {
    const t = this.tickets.get(id);
    return t ? { ...t } : undefined;
  }

  async list() {
    return sortTickets([...this.tickets.values()].map((t) => ({ ...t })));
  }

  async claim(id: string, caseworker: string, now: Date): Promise<ClaimResult> {
    const t = this.tickets.get(id);
    if (!t) return "missing";
    if (t.status !== "waiting") return "taken";
    Object.assign(t, { status: "held", assignee: caseworker, heldAt: now.toISOString() });
    this.emit({ ticket: id, kind: "status", status: "held", by: caseworker });
    return "claimed";
  }

  async transfer(id: string, from: string | undefined, to: string) {
    const t = this.tickets.get(id);
    if (t?.status !== "held" || (from !== undefined && t.assignee !== from)) return false;
    t.assignee = to;
    this.emit({ ticket: id, kind: "status", status: "held", by: to });
    return true;
  }

  async close(id: string, by: string | undefined, now: Date, feedback = false) {
    const t = this.tickets.get(id);
    if (!t || t.status === "closed") return false;
    Object.assign(t, { status: "closed", closedAt: now.toISOString() });
    this.emit({ ticket: id, kind: "status", status: "closed", ...(by ? { by } : {}), feedback });
    return true;
  }

  async mark(id: string, field: "firstReplyAt" | "updateSentAt", now: Date) {
    const t = this.tickets.get(id);
    if (t && !t[field]) t[field] = now.toISOString();
  }

  async append(id: string, entry: Entry) {
    const log = this.logs.get(id) ?? [];
    log.push(entry);
    if (log.length > MAX_ENTRIES) log.splice(0, log.length - MAX_ENTRIES);
    this.logs.set(id, log);
    this.emit({ ticket: id, kind: "entry", entry });
  }

  async entries(id: string) {
    return [...(this.logs.get(id) ?? [])];
  }

  follow(onEvent: (event: TicketEvent) => void, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      this.events.on("event", onEvent);
      signal.addEventListener("abort", () => {
        this.events.off("event", onEvent);
        resolve();
      });
    });
  }
}

const CLAIM = `
if redis.call('HGET', KEYS[1], 'status') ~= 'waiting' then
  if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'held', 'assignee', ARGV[1], 'heldAt', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', '10000', '*', 'ticket', ARGV[3], 'kind', 'status', 'status', 'held', 'by', ARGV[1])
return 1
`;
const TRANSFER = `
if redis.call('HGET', KEYS[1], 'status') ~= 'held' then return 0 end
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'assignee') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'assignee', ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', '10000', '*', 'ticket', ARGV[3], 'kind', 'status', 'status', 'held', 'by', ARGV[2])
return 1
`;
const CLOSE = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status or status == 'closed' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', '10000', '*', 'ticket', ARGV[2], 'kind', 'status', 'status', 'closed', 'by', ARGV[3], 'feedback', ARGV[4])
return 1
`;

/** Frees a lock only if it is still the caller's. */
const UNLOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export class RedisTicketStore implements TicketStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly keyring: Keyring,
  ) {}

  private k = (name: string) => `${this.prefix}handoff:${name}`;
  private ticketKey = (id: string) => this.k(`ticket:${id}`);
  private personKeys = (channel: string, user: string) => this.keyring.pseudonyms(`${channel}:${user}`).map((p) => this.k(`person:${p}`));

  private decode(id: string, h: Record<string, string>): Ticket | undefined {
    if (!h.data || !h.status) return undefined;
    const sealed = sealedPart.safeParse(JSON.parse(this.keyring.open(h.data)));
    const lang = LANGUAGES.find((l) => l === h.lang);
    const reason = TICKET_REASONS.find((r) => r === h.reason);
    const status = statusSchema.safeParse(h.status);
    if (!sealed.success || !lang || !reason || !status.success) return undefined;
    const t: Ticket = {
      id,
      ...sealed.data,
      lang,
      reason,
      priority: h.priority === "urgent" ? "urgent" : "normal",
      status: status.data,
      requested: h.requested === "1",
      createdAt: h.createdAt ?? "",
      waitingSince: h.waitingSince ?? "",
    };
    for (const f of ["assignee", "heldAt", "firstReplyAt", "closedAt", "updateSentAt"] as const) if (h[f]) t[f] = h[f];
    return t;
  }

  async get(id: string) {
    return this.decode(id, await this.client.hGetAll(this.ticketKey(id)));
  }

  async latestFor(channel: string, user: string): Promise<Ticket | undefined> {
    const ids = await this.client.mGet(this.personKeys(channel, user));
    const id = ids.find((v): v is string => typeof v === "string");
    return id ? this.get(id) : undefined;
  }

  async activeFor(channel: string, user: string) {
    const t = await this.latestFor(channel, user);
    return t && t.status !== "closed" ? t : undefined;
  }

  private async publish(event: TicketEvent) {
    const fields: Record<string, string> = { ticket: event.ticket, kind: event.kind };
    if (event.kind === "entry") fields.entry = this.keyring.seal(JSON.stringify(event.entry));
    else {
      fields.status = event.status;
      if (event.by) fields.by = event.by;
    }
    await this.client.xAdd(this.k("events"), "*", fields, { TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: 10_000 } });
  }

  /**
   * One open at a time per person, across processes: two replicas handling
   * "I want a person" from the same chat at once must find one ticket, not
   * make two. A short lock in Redis (freed by its holder, or after 5 s if the
   * holder died).
   */
  async open(r: OpenRequest, now: Date, reopenDays: number) {
    const lock = `${this.personKeys(r.channel, r.user)[0]}:lock`;
    const token = randomBytes(8).toString("hex");
    for (let waited = 0; (await this.client.set(lock, token, { NX: true, PX: 5000 })) !== "OK"; waited += 20) {
      if (waited > 6000) throw new Error("ticket open: another process holds this chat's lock");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    try {
      return await this.openLocked(r, now, reopenDays);
    } finally {
      await this.client.eval(UNLOCK, { keys: [lock], arguments: [token] }).catch(() => undefined);
    }
  }

  private async openLocked(r: OpenRequest, now: Date, reopenDays: number) {
    const existing = await this.latestFor(r.channel, r.user);
    const key = existing ? this.ticketKey(existing.id) : "";
    if (existing && existing.status !== "closed") {
      const changes: Record<string, string> = {};
      if (r.priority === "urgent" && existing.priority !== "urgent") changes.priority = "urgent";
      if (r.requested && !existing.requested) changes.requested = "1";
      if (Object.keys(changes).length) {
        await this.client.hSet(key, changes);
        if (existing.status === "waiting" && changes.priority)
          await this.client.zAdd(this.k("queue"), { score: queueScore("urgent", existing.waitingSince), value: existing.id });
      }
      return {
        ticket: { ...existing, ...(changes.priority ? { priority: "urgent" as const } : {}), requested: existing.requested || r.requested },
        created: false,
        reopened: false,
      };
    }
    const at = now.toISOString();
    if (existing && reopenable(existing, now, reopenDays)) {
      await this.client.hSet(key, {
        status: "waiting",
        waitingSince: at,
        requested: r.requested ? "1" : "0",
        reason: r.reason,
        priority: r.priority,
      });
      await this.client.hDel(key, ["closedAt", "heldAt"]);
      await this.client.zAdd(this.k("queue"), { score: queueScore(r.priority, at), value: existing.id });
      await this.publish({ ticket: existing.id, kind: "status", status: "waiting" });
      const ticket = (await this.get(existing.id)) as Ticket;
      return { ticket, created: false, reopened: true };
    }
    const id = newTicketId();
    const sealed = this.keyring.seal(
      JSON.stringify({
        channel: r.channel,
        user: r.user,
        ...(r.caseRef ? { caseRef: r.caseRef } : {}),
        ...(r.alert ? { alert: r.alert } : {}),
      }),
    );
    await this.client.hSet(this.ticketKey(id), {
      data: sealed,
      lang: r.lang,
      reason: r.reason,
      priority: r.priority,
      status: "waiting",
      requested: r.requested ? "1" : "0",
      createdAt: at,
      waitingSince: at,
    });
    await this.client.set(this.personKeys(r.channel, r.user)[0] as string, id);
    await this.client.zAdd(this.k("queue"), { score: queueScore(r.priority, at), value: id });
    await this.client.zAdd(this.k("all"), { score: now.getTime(), value: id });
    await this.publish({ ticket: id, kind: "status", status: "waiting" });
    return { ticket: (await this.get(id)) as Ticket, created: true, reopened: false };
  }

  async list() {
    const ids = await this.client.zRange(this.k("all"), 0, -1, { REV: true });
    const hashes = await Promise.all(ids.slice(0, 2000).map((id) => this.client.hGetAll(this.ticketKey(id))));
    return sortTickets(ids.flatMap((id, i) => this.decode(id, hashes[i] ?? {}) ?? []));
  }

  async claim(id: string, caseworker: string, now: Date): Promise<ClaimResult> {
    const r = await this.client.eval(CLAIM, {
      keys: [this.ticketKey(id), this.k("queue"), this.k("events")],
      arguments: [caseworker, now.toISOString(), id],
    });
    return r === 1 ? "claimed" : r === -1 ? "missing" : "taken";
  }

  async transfer(id: string, from: string | undefined, to: string) {
    return (await this.client.eval(TRANSFER, { keys: [this.ticketKey(id), this.k("events")], arguments: [from ?? "", to, id] })) === 1;
  }

  async close(id: string, by: string | undefined, now: Date, feedback = false) {
    return (
      (await this.client.eval(CLOSE, {
        keys: [this.ticketKey(id), this.k("queue"), this.k("events")],
        arguments: [now.toISOString(), id, by ?? "", feedback ? "1" : "0"],
      })) === 1
    );
  }

  async mark(id: string, field: "firstReplyAt" | "updateSentAt", now: Date) {
    await this.client.hSetNX(this.ticketKey(id), field, now.toISOString());
  }

  async append(id: string, entry: Entry) {
    const key = this.k(`log:${id}`);
    await this.client.rPush(key, this.keyring.seal(JSON.stringify(entry)));
    await this.client.lTrim(key, -MAX_ENTRIES, -1);
    await this.publish({ ticket: id, kind: "entry", entry });
  }

  async entries(id: string) {
    const sealed = await this.client.lRange(this.k(`log:${id}`), 0, -1);
    return sealed.flatMap((s) => {
      const parsed = entrySchema.safeParse(JSON.parse(this.keyring.open(s)));
      return parsed.success ? [parsed.data as Entry] : [];
    });
  }

  /** Reads the event stream on a connection of its own (blocking reads would hold up every other command). */
  async follow(onEvent: (event: TicketEvent) => void, signal: AbortSignal): Promise<void> {
    // From when follow() was called, not from when the connection is up (stream ids are times in ms);
    // 2 s earlier against clock skew with the server — followers ignore what they already have.
    let last = `${Date.now() - 2000}-0`;
    const reader = this.client.duplicate();
    reader.on("error", () => undefined);
    await reader.connect();
    try {
      while (!signal.aborted) {
        let failed = false;
        const reply = (await reader.xRead({ key: this.k("events"), id: last }, { BLOCK: 1000, COUNT: 100 }).catch(() => {
          failed = true;
          return null;
        })) as { messages: { id: string; message: Record<string, string> }[] }[] | null;
        // Redis away: the offline client fails at once, so wait before asking again (never a busy loop).
        if (failed) await new Promise((r) => setTimeout(r, 500));
        for (const { id, message } of reply?.[0]?.messages ?? []) {
          last = id;
          const ticket = message.ticket ?? "";
          if (message.kind === "entry" && message.entry) {
            const parsed = entrySchema.safeParse(JSON.parse(this.keyring.open(message.entry)));
            if (parsed.success) onEvent({ ticket, kind: "entry", entry: parsed.data as Entry });
          } else if (message.kind === "status" && statusSchema.safeParse(message.status).success) {
            onEvent({
              ticket,
              kind: "status",
              status: message.status as TicketStatus,
              ...(message.by ? { by: message.by } : {}),
              ...(message.feedback ? { feedback: message.feedback === "1" } : {}),
            });
          }
        }
      }
    } finally {
      await reader.close().catch(() => undefined);
    }
  }
}
