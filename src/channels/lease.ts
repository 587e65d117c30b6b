// Channels: a lease, so that only one process holds something that must not
// be held twice (the linked WhatsApp session: two browsers on one session get
// the number logged out). The holder renews it; it is released on shutdown; if
// the holder dies, it expires and another process takes it over.
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../sessions/redis-session-store.js";

export interface Lease {
  /** True if this process holds the lease now (taken or already held). */
  acquire(): Promise<boolean>;
  /** Extends the lease; false if it was lost (expired and taken by another). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
  readonly ttlMs: number;
}

/** One process, nothing to share: always held. */
export class LocalLease implements Lease {
  constructor(readonly ttlMs = 30_000) {}
  async acquire() {
    return true;
  }
  async renew() {
    return true;
  }
  async release() {}
}

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisLease implements Lease {
  /** Who this process is, as the lease's value (random: a restarted process is someone new). */
  readonly holder = randomBytes(12).toString("hex");

  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
    readonly ttlMs = 30_000,
  ) {}

  async acquire() {
    if ((await this.client.set(this.key, this.holder, { NX: true, PX: this.ttlMs })) === "OK") return true;
    return this.renew();
  }

  async renew() {
    return (await this.client.eval(RENEW, { keys: [this.key], arguments: [this.holder, String(this.ttlMs)] })) === 1;
  }

  async release() {
    await this.client.eval(RELEASE, { keys: [this.key], arguments: [this.holder] });
  }
}

export interface LeaseKeeper {
  holding(): boolean;
  /** Stops renewing; stops the holder's work and releases the lease if held. */
  close(): Promise<void>;
}

/**
 * Keeps trying to take the lease; runs `start` when it is taken and `stop`
 * when it is lost. A renewal that fails because the store does not answer is
 * not a loss yet: the work stops only once the lease would have expired,
 * since by then another process may have taken it.
 */
export function keepLease(
  lease: Lease,
  hooks: { start(): Promise<void>; stop(): Promise<void>; onChange?: (holding: boolean) => void },
  options: { everyMs?: number; now?: () => number } = {},
): LeaseKeeper {
  const every = options.everyMs ?? Math.max(50, Math.floor(lease.ttlMs / 3));
  const now = options.now ?? Date.now;
  let holding = false;
  let renewedAt = 0;
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  const set = async (next: boolean) => {
    holding = next;
    hooks.onChange?.(next);
    await (next ? hooks.start() : hooks.stop());
  };
  const tick = async () => {
    if (closed) return;
    try {
      if (!holding) {
        if (await lease.acquire()) {
          renewedAt = now();
          await set(true);
        }
      } else if (await lease.renew()) renewedAt = now();
      else await set(false);
    } catch {
      if (holding && now() - renewedAt >= lease.ttlMs) await set(false);
    }
  };
  const timer = setInterval(() => {
    running = running.then(tick);
  }, every);
  running = running.then(tick);
  return {
    holding: () => holding,
    close: async () => {
      closed = true;
      clearInterval(timer);
      await running;
      if (holding) {
        await set(false);
        await lease.release().catch(() => undefined);
      }
    },
  };
}
