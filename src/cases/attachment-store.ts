// Cases: the attachment store for evidence (photos, documents, voice notes).
// Files are checked by their content, not their name (a size limit and a
// type allow-list), hashed with SHA-256 at intake so later tampering can be
// detected, and written encrypted to a directory (a volume in production).
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MediaRef } from "../engine/types.js";
import type { Keyring } from "../privacy/keyring.js";

export const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Allowed types, recognised by their first bytes, and what kind of evidence each is. */
const SIGNATURES: { mime: string; kind: MediaRef["kind"]; test: (b: Buffer) => boolean }[] = [
  { mime: "image/jpeg", kind: "photo", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: "image/png", kind: "photo", test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  {
    mime: "image/webp",
    kind: "photo",
    test: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
  },
  { mime: "application/pdf", kind: "document", test: (b) => b.subarray(0, 5).toString("latin1") === "%PDF-" },
  { mime: "audio/ogg", kind: "voice", test: (b) => b.subarray(0, 4).toString("latin1") === "OggS" },
  {
    mime: "audio/mpeg",
    kind: "voice",
    test: (b) => b.subarray(0, 3).toString("latin1") === "ID3" || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0),
  },
  { mime: "audio/mp4", kind: "voice", test: (b) => b.subarray(4, 8).toString("latin1") === "ftyp" },
  { mime: "audio/amr", kind: "voice", test: (b) => b.subarray(0, 5).toString("latin1") === "#!AMR" },
];

export type PutResult = { ok: true; media: MediaRef } | { ok: false; reason: "too_large" | "type" | "empty" };

export interface AttachmentStore {
  put(data: Buffer): Promise<PutResult>;
  /** The file's bytes, checked against the hash taken at intake. */
  get(id: string, sha256: string): Promise<Buffer>;
  delete(id: string): Promise<void>;
}

export function sniff(data: Buffer) {
  return SIGNATURES.find((s) => s.test(data));
}

export class DirectoryAttachmentStore implements AttachmentStore {
  constructor(
    private readonly dir: string,
    private readonly keyring: Keyring,
    private readonly maxBytes = DEFAULT_MAX_ATTACHMENT_BYTES,
  ) {}

  private path(id: string) {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error("not an attachment id");
    return join(this.dir, `${id}.enc`);
  }

  async put(data: Buffer): Promise<PutResult> {
    if (data.length === 0) return { ok: false, reason: "empty" };
    if (data.length > this.maxBytes) return { ok: false, reason: "too_large" };
    const type = sniff(data);
    if (!type) return { ok: false, reason: "type" };
    const id = randomUUID();
    const sha256 = createHash("sha256").update(data).digest("hex");
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(this.path(id), this.keyring.sealBytes(data), { mode: 0o600 });
    return { ok: true, media: { kind: type.kind, id, sha256, mime: type.mime, size: data.length } };
  }

  async get(id: string, sha256: string): Promise<Buffer> {
    const data = this.keyring.openBytes(await readFile(this.path(id)));
    if (createHash("sha256").update(data).digest("hex") !== sha256)
      throw new Error(`attachment ${id} does not match the hash taken at intake`);
    return data;
  }

  async delete(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }
}
