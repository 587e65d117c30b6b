// Sessions: the in-memory store, the embedded default when REDIS_URL is unset.
// Lost when the process ends; expiry is checked on read. Check and set happen
// in one synchronous block so the compare-and-set cannot interleave.
import type { SessionStore, Stored } from "./session-store.js";

export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, Stored & { expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private current(key: string): (Stored & { expiresAt: number }) | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async read(key: string): Promise<Stored | undefined> {
    const entry = this.current(key);
    return entry && { rev: entry.rev, data: entry.data };
  }

  async write(key: string, data: string, expectedRev: number, ttlMs: number): Promise<boolean> {
    const rev = this.current(key)?.rev ?? 0;
    if (rev !== expectedRev) return false;
    this.entries.set(key, { rev: rev + 1, data, expiresAt: this.now() + ttlMs });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
