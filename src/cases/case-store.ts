// Cases: how complaint cases are stored. Only what is needed to find and
// route a case is in the clear (reference, dates, status, urgency, language,
// channel, category); everything the worker said is in `sealed`, encrypted.
import { randomInt } from "node:crypto";
import { z } from "zod";

export const caseRecordSchema = z.strictObject({
  ref: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/),
  draftId: z.string().min(8).max(64),
  /** Pseudonym of the chat identity that filed it (none for anonymous reports). */
  owner: z.string().nullable(),
  createdAt: z.string(),
  status: z.enum(["open", "closed"]),
  closedAt: z.string().optional(),
  urgent: z.boolean(),
  lang: z.enum(["es", "en", "ht"]),
  channel: z.string(),
  category: z.string(),
  sealed: z.string(),
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

export interface CaseStore {
  /**
   * Stores a new case, once per draft: if a case for `record.draftId` exists
   * already, nothing is written and its reference is returned. All or nothing.
   */
  create(record: CaseRecord): Promise<{ ref: string; created: boolean }>;
  get(ref: string): Promise<CaseRecord | undefined>;
  byOwner(owners: readonly string[]): Promise<CaseRecord[]>;
  /** Every case created at or after `since` (ISO), oldest first. */
  list(since?: string): Promise<CaseRecord[]>;
  /** Replaces a case's record (same reference). */
  update(record: CaseRecord): Promise<void>;
  /** Marks a case closed; it is deleted `retentionMs` later. */
  close(ref: string, at: Date, retentionMs: number): Promise<void>;
}

// Crockford's base32: no I, L, O or U, so a reference survives being read aloud or copied by hand.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A case reference: 8 random characters (40 bits) as XXXX-XXXX — short to copy, not guessable. */
export function newCaseRef(): string {
  let s = "";
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

export class MemoryCaseStore implements CaseStore {
  private readonly cases = new Map<string, CaseRecord & { expiresAt?: number }>();
  private readonly drafts = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  async create(record: CaseRecord) {
    const existing = this.drafts.get(record.draftId);
    if (existing) return { ref: existing, created: false };
    if (this.cases.has(record.ref)) throw new Error("case reference collision");
    this.cases.set(record.ref, { ...record });
    this.drafts.set(record.draftId, record.ref);
    return { ref: record.ref, created: true };
  }

  async get(ref: string) {
    const c = this.cases.get(ref);
    if (c?.expiresAt !== undefined && c.expiresAt <= this.now()) {
      this.cases.delete(ref);
      return undefined;
    }
    if (!c) return undefined;
    const { expiresAt: _, ...record } = c;
    return record;
  }

  async byOwner(owners: readonly string[]) {
    const all = await this.list();
    return all.filter((c) => c.owner !== null && owners.includes(c.owner));
  }

  async list(since?: string) {
    const out: CaseRecord[] = [];
    for (const ref of [...this.cases.keys()]) {
      const c = await this.get(ref);
      if (c && (!since || c.createdAt >= since)) out.push(c);
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async update(record: CaseRecord) {
    const c = this.cases.get(record.ref);
    if (c) this.cases.set(record.ref, { ...record, ...(c.expiresAt !== undefined ? { expiresAt: c.expiresAt } : {}) });
  }

  async close(ref: string, at: Date, retentionMs: number) {
    const c = this.cases.get(ref);
    if (c) this.cases.set(ref, { ...c, status: "closed", closedAt: at.toISOString(), expiresAt: at.getTime() + retentionMs });
  }
}
