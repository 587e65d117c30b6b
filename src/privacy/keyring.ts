// Privacy: encryption of personal data at rest. AES-256-GCM (node:crypto) with
// a key id in every sealed value, so keys can be rotated: new data is sealed
// with the current key, old data opens with the key it names. Keys come from
// DATA_KEYS ("kid:base64key,kid2:base64key", 32 bytes each) and DATA_KEY_ID
// picks the current one.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomFillSync } from "node:crypto";

const PREFIX = "enc1";

const IV_BYTES = 12;
/**
 * Random IVs drawn from a pool filled 512 at a time: one call into the CSPRNG
 * per 512 sealed values instead of one each (randomBytes(12) was 2% of a turn
 * in npm run bench:telegram). Every IV is still 96 fresh random bits, used once.
 */
let ivPool = Buffer.alloc(0);
let ivAt = 0;
function nextIv(): Buffer {
  if (ivAt + IV_BYTES > ivPool.length) {
    ivPool = randomFillSync(Buffer.allocUnsafe(IV_BYTES * 512)); // a new buffer: IVs handed out earlier stay as they were
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivPool.subarray(ivAt - IV_BYTES, ivAt);
}

/** Chats whose pseudonyms are kept, most recent last (an HMAC per lookup was 1% of a turn). */
const PSEUDONYMS_KEPT = 10_000;

export class Keyring {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: Record<string, Buffer>,
    readonly currentId: string,
  ) {
    this.keys = new Map(Object.entries(keys));
    const current = this.keys.get(currentId);
    if (!current) throw new Error(`the current data key "${currentId}" is not among the keys`);
    for (const [id, key] of this.keys) {
      if (key.length !== 32) throw new Error(`data key "${id}" must be 32 bytes (base64 of 32 random bytes)`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`data key id "${id}" may only use letters, digits, _ and -`);
    }
  }

  /** A throwaway key for the embedded default: data sealed with it is unreadable after a restart. */
  static temporary(): Keyring {
    return new Keyring({ temp: randomBytes(32) }, "temp");
  }

  /** "enc1.<kid>.<iv>.<tag>.<ciphertext>", all base64url. */
  seal(plain: string | Buffer): string {
    const key = this.keys.get(this.currentId) as Buffer;
    const iv = nextIv();
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(this.currentId));
    const ct = Buffer.concat([typeof plain === "string" ? cipher.update(plain, "utf8") : cipher.update(plain), cipher.final()]);
    return [PREFIX, this.currentId, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(
      ".",
    );
  }

  /** Opens a sealed value; throws if it was not sealed by one of our keys or was changed. */
  open(sealed: string): string {
    return this.openBuffer(sealed).toString("utf8");
  }

  /** Opens a sealed value as the bytes that were sealed. */
  openBuffer(sealed: string): Buffer {
    const [prefix, kid, iv, tag, ct] = sealed.split(".");
    if (prefix !== PREFIX || !kid || iv === undefined || tag === undefined || ct === undefined) throw new Error("not a sealed value");
    const key = this.keys.get(kid);
    if (!key) throw new Error(`sealed with unknown data key "${kid}"`);
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]);
  }

  sealBytes(data: Buffer): Buffer {
    return Buffer.from(this.seal(data.toString("base64")));
  }

  openBytes(sealed: Buffer): Buffer {
    return Buffer.from(this.open(sealed.toString()), "base64");
  }

  /**
   * One-way references for a chat identity under every key (current first), so
   * lookups keep working across a key rotation. A plain hash would not do: chat
   * ids are often phone numbers, which are easy to guess and hash.
   */
  pseudonyms(identity: string): readonly string[] {
    const known = this.pseudonymCache.get(identity);
    if (known) return known;
    const made = this.pseudonymSecrets.map((secret) => createHmac("sha256", secret).update(identity).digest("base64url").slice(0, 32));
    if (this.pseudonymCache.size >= PSEUDONYMS_KEPT) this.pseudonymCache.delete(this.pseudonymCache.keys().next().value as string);
    this.pseudonymCache.set(identity, made);
    return made;
  }

  private readonly pseudonymCache = new Map<string, readonly string[]>();

  /** The pseudonym keys, derived once (HKDF on every lookup was most of a handoff check's cost in npm run bench:telegram). */
  private get pseudonymSecrets(): Buffer[] {
    this.derived ??= [this.currentId, ...[...this.keys.keys()].filter((k) => k !== this.currentId)].map((kid) =>
      Buffer.from(hkdfSync("sha256", this.keys.get(kid) as Buffer, Buffer.alloc(0), Buffer.from("chat-identity"), 32)),
    );
    return this.derived;
  }

  private derived: Buffer[] | undefined;
}

/** Parses DATA_KEYS / DATA_KEY_ID. */
export function keyringFromEnv(dataKeys: string, currentId: string | undefined): Keyring {
  const keys: Record<string, Buffer> = {};
  for (const part of dataKeys
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf(":");
    if (at <= 0) throw new Error('DATA_KEYS must look like "kid:base64key,kid2:base64key"');
    keys[part.slice(0, at)] = Buffer.from(part.slice(at + 1), "base64");
  }
  const first = Object.keys(keys)[0];
  if (!first) throw new Error("DATA_KEYS has no key");
  return new Keyring(keys, currentId ?? first);
}
