// Sessions: a store wrapper that seals every session at rest (drafts of
// complaints live in sessions). Reading a value that does not open (an old
// plain session, a lost key) yields data that fails validation, so the
// conversation restarts kindly instead of crashing.
import type { Keyring } from "../privacy/keyring.js";
import type { AlsoSet, SessionStore, Stored } from "./session-store.js";

export class EncryptedSessionStore implements SessionStore {
  constructor(
    private readonly inner: SessionStore,
    private readonly keyring: Keyring,
  ) {}

  async read(key: string): Promise<Stored | undefined> {
    const stored = await this.inner.read(key);
    if (!stored) return undefined;
    try {
      return { rev: stored.rev, data: this.keyring.open(stored.data) };
    } catch {
      return { rev: stored.rev, data: "unreadable" };
    }
  }

  write(key: string, data: string, expectedRev: number, ttlMs: number, also?: AlsoSet): Promise<boolean> {
    return this.inner.write(key, this.keyring.seal(data), expectedRev, ttlMs, also);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
