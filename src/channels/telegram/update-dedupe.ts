// Telegram: every update is handled once, even when Telegram delivers it again
// (a webhook retry, a restart) or two bot processes see it. An update is
// claimed before it is handled (a short lease, so a crash frees it) and marked
// done once its turn is saved.
import type { RedisClient } from "../../sessions/redis-session-store.js";

export interface UpdateLedger {
  /** True if this process may handle the update now. */
  claim(updateId: number): Promise<boolean>;
  done(updateId: number): Promise<void>;
  /** The handling failed before its turn was saved: let a redelivery try again. */
  release(updateId: number): Promise<void>;
}

const LEASE_MS = 60_000;
/** Telegram redelivers for at most a day. */
const REMEMBER_MS = 24 * 3_600_000;

export class MemoryUpdateLedger implements UpdateLedger {
  private readonly seen = new Map<number, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(id: number) {
    const until = this.seen.get(id);
    if (until !== undefined && until > this.now()) return false;
    this.seen.set(id, this.now() + LEASE_MS);
    if (this.seen.size > 100_000) for (const [k, v] of this.seen) if (v <= this.now()) this.seen.delete(k);
    return true;
  }

  async done(id: number) {
    this.seen.set(id, this.now() + REMEMBER_MS);
  }

  async release(id: number) {
    this.seen.delete(id);
  }
}

export class RedisUpdateLedger implements UpdateLedger {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  private key = (id: number) => `${this.prefix}tg:update:${id}`;

  async claim(id: number) {
    return (await this.client.set(this.key(id), "claimed", { NX: true, PX: LEASE_MS })) === "OK";
  }

  async done(id: number) {
    await this.client.set(this.key(id), "done", { PX: REMEMBER_MS });
  }

  async release(id: number) {
    await this.client.del(this.key(id));
  }
}
