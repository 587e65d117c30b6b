// WhatsApp: whose conversation is open, i.e. who wrote to us within the last
// 24 hours (WhatsApp's customer-service window). Only they may receive a
// message that is not a direct reply (a caseworker's answer); the bot never
// writes first. Kept in Redis with a 24-hour expiry when there is Redis, so
// every replica agrees; in memory otherwise.
import type { RedisClient } from "../../sessions/redis-session-store.js";
import type { OpenConversations } from "./wweb-channel.js";

export const WINDOW_MS = 24 * 3_600_000;

export class MemoryOpenConversations implements OpenConversations {
  private readonly last = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async touch(user: string) {
    this.last.set(user, this.now());
    if (this.last.size > 100_000) for (const [k, t] of this.last) if (this.now() - t >= WINDOW_MS) this.last.delete(k);
  }

  async isOpen(user: string) {
    const t = this.last.get(user);
    return t !== undefined && this.now() - t < WINDOW_MS;
  }
}

export class RedisOpenConversations implements OpenConversations {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    /** Which WhatsApp connection: whatsapp-web.js and the Cloud API numbers are separate windows. */
    private readonly namespace = "wa",
  ) {}

  private key(user: string) {
    return `${this.prefix}${this.namespace}:open:${user}`;
  }

  async touch(user: string) {
    await this.client.set(this.key(user), "1", { PX: WINDOW_MS });
  }

  async isOpen(user: string) {
    return (await this.client.exists(this.key(user))) === 1;
  }
}
