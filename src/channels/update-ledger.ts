// Channels: every incoming update (a Telegram update, a WhatsApp message) is
// handled once, even when the platform delivers it again (a webhook retry, a
// restart) or two bot processes see it. An update is claimed before it is
// handled (a short lease, so a crash frees it) and marked done once its turn
// is saved. Ids are the platform's own (Telegram's update_id, WhatsApp's
// message id), kept per platform under `namespace`.
import type { RedisClient } from "../sessions/redis-session-store.js";
import type { AlsoSet } from "../sessions/session-store.js";

export type UpdateId = number | string;

export interface UpdateLedger {
  /** True if this process may handle the update now. */
  claim(updateId: UpdateId): Promise<boolean>;
  done(updateId: UpdateId): Promise<void>;
  /** The handling failed before its turn was saved: let a redelivery try again. */
  release(updateId: UpdateId): Promise<void>;
  /**
   * "Done" as a write the session store makes with the turn's session (one
   * atomic step, one round trip less). When the turn saved no session (a
   * caseworker holds the chat, the data was erased) `written` stays unset and
   * the caller calls done() as before.
   */
  doneWithSession?(updateId: UpdateId): AlsoSet;
}

const LEASE_MS = 60_000;
/** Telegram redelivers for at most a day. */
const REMEMBER_MS = 24 * 3_600_000;

export class MemoryUpdateLedger implements UpdateLedger {
  private readonly seen = new Map<UpdateId, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(id: UpdateId) {
    const until = this.seen.get(id);
    if (until !== undefined && until > this.now()) return false;
    this.seen.set(id, this.now() + LEASE_MS);
    if (this.seen.size > 100_000) for (const [k, v] of this.seen) if (v <= this.now()) this.seen.delete(k);
    return true;
  }

  async done(id: UpdateId) {
    this.seen.set(id, this.now() + REMEMBER_MS);
  }

  async release(id: UpdateId) {
    this.seen.delete(id);
  }
}

export class RedisUpdateLedger implements UpdateLedger {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    /** Which platform's ids: "tg" (Telegram), "wa" (WhatsApp)... */
    private readonly namespace = "tg",
  ) {}

  private key = (id: UpdateId) => `${this.prefix}${this.namespace}:update:${id}`;

  async claim(id: UpdateId) {
    return (await this.client.set(this.key(id), "claimed", { NX: true, PX: LEASE_MS })) === "OK";
  }

  async done(id: UpdateId) {
    await this.client.set(this.key(id), "done", { PX: REMEMBER_MS });
  }

  async release(id: UpdateId) {
    await this.client.del(this.key(id));
  }

  doneWithSession(id: UpdateId): AlsoSet {
    return { key: this.key(id), value: "done", ttlMs: REMEMBER_MS };
  }
}
