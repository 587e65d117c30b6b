// Sessions: a store wrapper that compresses and seals every session at rest
// (drafts of complaints live in sessions). Compressed first: a session repeats
// itself (the "back" history holds copies of the same positions), and deflate
// makes it about a third of its size, which keeps a stored session under 2 KB
// (npm run bench). Stored as "z1.<sealed deflated bytes>"; values sealed
// before compression (no "z1." prefix) still open. Reading a value that does
// not open (an old plain session, a lost key) yields data that fails
// validation, so the conversation restarts kindly instead of crashing.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Keyring } from "../privacy/keyring.js";
import type { AlsoSet, SessionStore, Stored } from "./session-store.js";

const COMPRESSED = "z1.";
/** A session never inflates beyond this (a forged value cannot make us allocate more). */
const MAX_SESSION_BYTES = 1 << 20;

export class EncryptedSessionStore implements SessionStore {
  constructor(
    private readonly inner: SessionStore,
    private readonly keyring: Keyring,
  ) {}

  async read(key: string): Promise<Stored | undefined> {
    const stored = await this.inner.read(key);
    if (!stored) return undefined;
    try {
      const data = stored.data.startsWith(COMPRESSED)
        ? inflateRawSync(this.keyring.openBuffer(stored.data.slice(COMPRESSED.length)), { maxOutputLength: MAX_SESSION_BYTES }).toString(
            "utf8",
          )
        : this.keyring.open(stored.data);
      return { rev: stored.rev, data };
    } catch {
      return { rev: stored.rev, data: "unreadable" };
    }
  }

  write(key: string, data: string, expectedRev: number, ttlMs: number, also?: AlsoSet): Promise<boolean> {
    return this.inner.write(key, COMPRESSED + this.keyring.seal(deflateRawSync(data)), expectedRev, ttlMs, also);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
