// Sessions: a store wrapper that seals every session at rest (drafts of
// complaints live in sessions), deflating the larger ones first so that a
// stored session stays under 2 KB (npm run bench). The compact session form
// (session-codec.ts) keeps most sessions under the threshold: deflating every
// session cost about 9% of a turn's CPU (npm run bench:telegram). Stored as
// "z1.<sealed deflated bytes>" or "<sealed bytes>". Reading a value that does
// not open (an old plain session, a lost key) yields data that fails
// validation, so the conversation restarts kindly instead of crashing.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Keyring } from "../privacy/keyring.js";
import type { AlsoSet, SessionStore, Stored } from "./session-store.js";

const COMPRESSED = "z1.";
/** A session never inflates beyond this (a forged value cannot make us allocate more). */
const MAX_SESSION_BYTES = 1 << 20;
/**
 * Sessions longer than this (in UTF-16 units, about bytes: sessions are
 * mostly ASCII) are deflated. Sealed (base64, a third larger, plus the key id,
 * IV and tag) this many bytes take about 1,400, and Redis adds about 470 for
 * the key and the hash: under 2 KB (npm run bench measures it; at 1,200 a
 * session of 1,164 bytes took 2,072). In the wage-theft script about a third
 * of the turns' sessions are larger.
 */
export const COMPRESS_ABOVE = 1000;

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
    const sealed = data.length > COMPRESS_ABOVE ? COMPRESSED + this.keyring.seal(deflateRawSync(data)) : this.keyring.seal(data);
    return this.inner.write(key, sealed, expectedRev, ttlMs, also);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
