// Sessions: the in-memory store, the embedded default when REDIS_URL is unset.
// Lost when the process ends; expiry is checked on read.
import type { SessionStore, Stored } from "./session-store.js";

export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, Stored & { expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async read(key: string): Promise<Stored | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return { rev: entry.rev, data: entry.data };
  }

  async write(key: string, data: string, expectedRev: number, ttlMs: number): Promise<boolean> {
    const current = (await this.read(key))?.rev ?? 0;
    if (current !== expectedRev) return false;
    this.entries.set(key, { rev: current + 1, data, expiresAt: this.now() + ttlMs });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
