// WhatsApp (both adapters): the 24-hour customer-service window. Outside a
// reply, WhatsApp lets a business write to a person only within 24 hours of the
// person's last message (after that, only approved templates). We remember
// when each person last wrote, so a message sent outside a turn (a
// caseworker's answer) is refused here, with a reason, instead of by Meta.
// In Redis when there is one (every replica agrees; a 24-hour expiry), in
// memory otherwise. The Redis key is the person's keyed pseudonym, not their
// phone number; a lookup tries every key's pseudonym, so a key rotation does
// not close anyone's window.
import type { Keyring } from "../../privacy/keyring.js";
import type { RedisClient } from "../../sessions/redis-session-store.js";

export const WINDOW_MS = 24 * 3_600_000;
/** We stop a minute early: a message queued at 23:59:59 would reach Meta after the window. */
export const WINDOW_MARGIN_MS = 60_000;

export interface ServiceWindow {
  /** The person wrote at `at` (ms since the epoch). */
  touch(user: string, at: number): Promise<void>;
  /** True if a message may be sent to the person now. */
  isOpen(user: string): Promise<boolean>;
}

const open = (last: number | undefined, now: number) => last !== undefined && now - last < WINDOW_MS - WINDOW_MARGIN_MS;

export class MemoryServiceWindow implements ServiceWindow {
  private readonly last = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async touch(user: string, at: number) {
    if (at > (this.last.get(user) ?? 0)) this.last.set(user, at);
    if (this.last.size > 100_000) for (const [k, t] of this.last) if (!open(t, this.now())) this.last.delete(k);
  }

  async isOpen(user: string) {
    return open(this.last.get(user), this.now());
  }
}

/** Keeps the later of the stored and the new time (messages may be handled out of order), expiring with the window. */
const TOUCH = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1
`;

export class RedisServiceWindow implements ServiceWindow {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly keyring: Keyring,
    private readonly now: () => number = Date.now,
  ) {}

  private keys(user: string) {
    return this.keyring.pseudonyms(`whatsapp:${user}`).map((p) => `${this.prefix}wa:window:${p}`);
  }

  async touch(user: string, at: number) {
    const ttl = Math.round(at + WINDOW_MS - this.now());
    if (ttl <= 0) return;
    await this.client.eval(TOUCH, { keys: [this.keys(user)[0] as string], arguments: [String(at), String(ttl)] });
  }

  async isOpen(user: string) {
    const values = await this.client.mGet(this.keys(user));
    const times = values.filter((v): v is string => typeof v === "string").map(Number);
    return open(times.length > 0 ? Math.max(...times) : undefined, this.now());
  }
}
