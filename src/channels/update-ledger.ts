// Channels: every incoming update (a Telegram update, a WhatsApp message) is
// handled once, even when the platform delivers it again (a webhook retry, a
// restart) or two bot processes see it. An update is claimed before it is
// handled and marked done once its turn is saved. The claim is a short lease
// its holder renews while the turn runs, so a crashed process frees it within
// the lease and a redelivery is handled then; until then a redelivery is told
// "in progress" (the webhook answers with an error, so the platform tries
// again later) instead of being dropped as done. Ids are the platform's own
// (Telegram's update_id, WhatsApp's message id), kept per platform under
// `namespace`.
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../sessions/redis-session-store.js";
import type { AlsoSet } from "../sessions/session-store.js";

export type UpdateId = number | string;

export interface UpdateLedger {
  /** True if this process may handle the update now. */
  claim(updateId: UpdateId): Promise<boolean>;
  /** After a refused claim: true while another handler still holds it (not done yet). */
  inProgress(updateId: UpdateId): Promise<boolean>;
  done(updateId: UpdateId): Promise<void>;
  /** The handling failed before its turn was saved: let a redelivery try again. */
  release(updateId: UpdateId): Promise<void>;
  /**
   * "Done" as a write the session store makes with the turn's session (one
   * atomic step, one round trip less). When the turn saved no session (a
   * caseworker holds the chat, the data was erased) `written` stays unset and
   * the caller calls done() as before; when it was written, the caller calls
   * settled() so the lease stops being renewed.
   */
  doneWithSession?(updateId: UpdateId): AlsoSet;
  settled?(updateId: UpdateId): void;
  /** How long an unrenewed claim lasts. */
  readonly leaseMs: number;
}

/** An update delivered again while another handler still holds it, for longer than its lease. */
export class UpdateInProgressError extends Error {
  constructor(readonly updateId: UpdateId) {
    super(`update ${updateId} is still being handled`);
  }
}

/**
 * Claims an update, waiting while another handler holds it: a crashed
 * process's claim lapses within the lease, and then this delivery handles it.
 * "done" means it was handled already. Throws UpdateInProgressError when it is
 * still held after twice the lease (a live handler that is very slow).
 */
export async function claimOrWait(ledger: UpdateLedger, id: UpdateId): Promise<"claimed" | "done"> {
  const until = Date.now() + 2 * ledger.leaseMs;
  for (;;) {
    if (await ledger.claim(id)) return "claimed";
    if (!(await ledger.inProgress(id))) return "done";
    if (Date.now() >= until) throw new UpdateInProgressError(id);
    await new Promise((r) => setTimeout(r, Math.min(500, ledger.leaseMs / 4)));
  }
}

/** How long a claim lasts unless renewed: the longest a crashed process keeps a message waiting. */
export const DEFAULT_LEASE_MS = 15_000;
/** Telegram redelivers for at most a day. */
const REMEMBER_MS = 24 * 3_600_000;

export class MemoryUpdateLedger implements UpdateLedger {
  readonly leaseMs = DEFAULT_LEASE_MS;
  private readonly seen = new Map<UpdateId, { until: number; done: boolean }>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(id: UpdateId) {
    const entry = this.seen.get(id);
    if (entry !== undefined && entry.until > this.now()) return false;
    this.seen.set(id, { until: Number.POSITIVE_INFINITY, done: false }); // one process: held until done or released
    if (this.seen.size > 100_000) for (const [k, v] of this.seen) if (v.until <= this.now()) this.seen.delete(k);
    return true;
  }

  async inProgress(id: UpdateId) {
    const entry = this.seen.get(id);
    return entry !== undefined && !entry.done && entry.until > this.now();
  }

  async done(id: UpdateId) {
    this.seen.set(id, { until: this.now() + REMEMBER_MS, done: true });
  }

  async release(id: UpdateId) {
    this.seen.delete(id);
  }
}

/** Renews a claim only while it is still this process's. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

export class RedisUpdateLedger implements UpdateLedger {
  /** Whose claims these are: a new id for every process. */
  private readonly owner = `claimed:${randomBytes(6).toString("hex")}`;
  private readonly renewals = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    /** Which platform's ids: "tg" (Telegram), "wa" (WhatsApp)... */
    private readonly namespace = "tg",
    readonly leaseMs = DEFAULT_LEASE_MS,
  ) {}

  private key = (id: UpdateId) => `${this.prefix}${this.namespace}:update:${id}`;

  async claim(id: UpdateId) {
    const key = this.key(id);
    const won = (await this.client.set(key, this.owner, { NX: true, PX: this.leaseMs })) === "OK";
    if (won) {
      const timer = setInterval(() => {
        this.client
          .eval(RENEW, { keys: [key], arguments: [this.owner, String(this.leaseMs)] })
          .then((renewed) => renewed === 0 && this.settled(id))
          .catch(() => undefined); // Redis away: the lease may lapse; the session's compare-and-set still guards the turn
      }, this.leaseMs / 3);
      timer.unref();
      this.renewals.set(key, timer);
    }
    return won;
  }

  async inProgress(id: UpdateId) {
    const value = await this.client.get(this.key(id));
    return value?.startsWith("claimed") ?? false;
  }

  settled(id: UpdateId) {
    const key = this.key(id);
    clearInterval(this.renewals.get(key));
    this.renewals.delete(key);
  }

  async done(id: UpdateId) {
    this.settled(id);
    await this.client.set(this.key(id), "done", { PX: REMEMBER_MS });
  }

  async release(id: UpdateId) {
    this.settled(id);
    await this.client.del(this.key(id));
  }

  doneWithSession(id: UpdateId): AlsoSet {
    return { key: this.key(id), value: "done", ttlMs: REMEMBER_MS };
  }
}

/** Runs `fn` in the one process that claims `id` first, and marks it done after (whether it worked or not). */
export async function once(ledger: UpdateLedger, id: UpdateId, fn: () => Promise<void>): Promise<void> {
  if (!(await ledger.claim(id))) return;
  try {
    await fn();
  } finally {
    await ledger.done(id);
  }
}
