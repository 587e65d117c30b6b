// Cases: filing, listing and erasing complaint cases. The intake flow's
// answers arrive here (as an effect) and are validated again with zod at this
// boundary; the case is stored before the worker is told it was filed.
import { z } from "zod";
import type { Lang, Value } from "../engine/types.js";
import type { Keyring } from "../privacy/keyring.js";
import type { AttachmentStore } from "./attachment-store.js";
import { type CaseRecord, type CaseStore, newCaseRef } from "./case-store.js";

export const CATEGORIES = [
  "unpaid_wages",
  "underpaid",
  "unpaid_overtime",
  "fees",
  "retaliation",
  "documents_taken",
  "discrimination",
  "false_offer",
  "forced_resignation",
  "unsafe",
  "other",
] as const;

/** Documents taken, threats or retaliation, or a minor: a person should see these first. */
export const URGENT_CATEGORIES: readonly string[] = ["documents_taken", "retaliation"];

const money = z.strictObject({ amount: z.number().min(0).max(10_000_000), currency: z.string().nullable() });
const text = (max: number) => z.string().trim().min(1).max(max);
const evidence = z.strictObject({
  kind: z.enum(["photo", "document", "voice"]),
  id: z.string().uuid(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  mime: z.string(),
  size: z.number().int().positive(),
});

/** The answers as the intake flow saves them (variables named c_*). */
export const intakeSchema = z.object({
  c_draft: z.string().min(8).max(64),
  c_what: z.enum(CATEGORIES),
  c_country: z.enum(["mx", "us"]),
  c_state: text(100),
  c_city: text(100),
  c_employer: text(200),
  c_recruiter: text(200).nullable().optional(),
  c_address: text(300).nullable().optional(),
  c_job: text(200),
  c_sector: z.string().max(40),
  c_document: z.string().max(40),
  c_minor: z.boolean(),
  c_start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  c_end: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable()
    .optional(),
  c_pay_unit: z.enum(["hour", "day", "week", "month"]).optional(),
  c_rate: money.optional(),
  c_worked: z.number().min(0).max(100_000).optional(),
  c_paid: money.optional(),
  c_owed: money.optional(),
  c_fee: money.optional(),
  c_fee_to: text(200).nullable().optional(),
  c_description: text(2000),
  c_evidence: z.array(evidence).max(20),
  c_contact: z.enum(["chat", "phone", "none"]),
  c_phone: z
    .string()
    .regex(/^\+?\d{8,15}$/)
    .optional(),
  c_consent_store: z.literal(true),
  c_consent_share: z.boolean(),
});
export type Intake = z.infer<typeof intakeSchema>;

export interface Identity {
  channel: string;
  userId: string;
  lang: Lang;
}

export interface CaseSummary {
  ref: string;
  date: string;
  status: "open" | "closed";
  urgent: boolean;
}

export class CaseService {
  constructor(
    private readonly store: CaseStore,
    private readonly keyring: Keyring,
    private readonly attachments: AttachmentStore,
    private readonly now: () => Date = () => new Date(),
    private readonly newRef: () => string = newCaseRef,
  ) {}

  /** Files the intake once per draft. Returns the reference (the same one when filed again). */
  async submit(
    raw: Record<string, Value>,
    who: Identity,
  ): Promise<{ ok: true; ref: string; urgent: boolean; created: boolean } | { ok: false; reason: string }> {
    const parsed = intakeSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, reason: `invalid intake: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}` };
    const intake = parsed.data;
    const anonymous = intake.c_contact === "none";
    const urgent = URGENT_CATEGORIES.includes(intake.c_what) || intake.c_minor;
    const { c_draft: _draft, c_consent_store: _c, ...answers } = intake;
    // Anonymous reports keep no contact detail and no link to the chat.
    const personal = {
      ...answers,
      ...(anonymous ? { c_phone: undefined } : {}),
      ...(intake.c_contact === "chat" ? { chat: { channel: who.channel, userId: who.userId } } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      const record: CaseRecord = {
        ref: this.newRef(),
        draftId: intake.c_draft,
        owner: anonymous ? null : (this.keyring.pseudonyms(`${who.channel}:${who.userId}`)[0] as string),
        createdAt: this.now().toISOString(),
        status: "open",
        urgent,
        lang: who.lang,
        channel: who.channel,
        category: intake.c_what,
        sealed: this.keyring.seal(JSON.stringify(personal)),
      };
      try {
        const { ref, created } = await this.store.create(record);
        return { ok: true, ref, urgent, created };
      } catch (error) {
        if (!String(error).includes("collision") || attempt >= 3) throw error;
      }
    }
  }

  async list(who: Omit<Identity, "lang">): Promise<CaseSummary[]> {
    const cases = await this.store.byOwner(this.keyring.pseudonyms(`${who.channel}:${who.userId}`));
    return cases.map((c) => ({ ref: c.ref, date: c.createdAt.slice(0, 10), status: c.status, urgent: c.urgent }));
  }

  /** The answers of a case, decrypted (for caseworkers and exports). */
  open(record: CaseRecord): Record<string, unknown> {
    return JSON.parse(this.keyring.open(record.sealed));
  }

  /**
   * "Delete my data": the person's cases lose their contact details, their link
   * to this chat and their evidence files; what happened (without who) stays
   * for the caseworkers and authorities already working on it.
   */
  async erase(who: Omit<Identity, "lang">): Promise<number> {
    const cases = await this.store.byOwner(this.keyring.pseudonyms(`${who.channel}:${who.userId}`));
    for (const c of cases) {
      const answers = this.open(c);
      for (const file of (answers.c_evidence as { id: string }[] | undefined) ?? []) await this.attachments.delete(file.id);
      const { c_phone: _p, chat: _chat, c_evidence: _e, ...rest } = answers;
      await this.store.update({
        ...c,
        owner: null,
        sealed: this.keyring.seal(JSON.stringify({ ...rest, c_contact: "erased", c_evidence: [] })),
      });
    }
    return cases.length;
  }
}
