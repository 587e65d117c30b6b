// WhatsApp Cloud API: the webhook boundary. A POST is trusted only when its
// X-Hub-Signature-256 is the HMAC-SHA256 of the raw bytes with the app
// secret (compared in constant time); then the JSON is read through zod. Only
// the parts the adapter reads are described: unknown fields and new message
// types pass untouched, a wrong shape of what we read is refused (400). Only
// changes for our own phone number id are taken; delivery receipts
// (statuses) are returned apart, for logging failures without personal data.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/** Meta's digits-only WhatsApp id of the person (their phone number, without +). */
const waId = z.string().regex(/^\d{5,20}$/);
/** Media ids go into a URL path: digits in practice, never a slash. */
const mediaId = z.string().regex(/^[\w.-]{1,128}$/);
const media = z.object({ id: mediaId, mime_type: z.string().max(200).optional() });
const reply = z.object({ id: z.string().max(256), title: z.string().max(256).optional() });

const messageSchema = z.object({
  id: z.string().min(1).max(512),
  from: waId,
  /** Unix seconds, as a string. */
  timestamp: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional(),
  type: z.string().min(1).max(40),
  text: z.object({ body: z.string().max(65_536) }).optional(),
  interactive: z.object({ type: z.string().max(40), button_reply: reply.optional(), list_reply: reply.optional() }).optional(),
  button: z.object({ payload: z.string().max(1024).optional(), text: z.string().max(1024).optional() }).optional(),
  image: media.optional(),
  document: media.optional(),
  audio: media.optional(),
  video: media.optional(),
});

export type InboundMessage = z.infer<typeof messageSchema>;

const statusSchema = z.object({
  status: z.string().max(40),
  errors: z.array(z.object({ code: z.number().int() })).optional(),
});

const messagesValue = z.object({
  metadata: z.object({ phone_number_id: z.string().max(64) }),
  messages: z.array(messageSchema).max(1000).optional(),
  statuses: z.array(statusSchema).max(1000).optional(),
});

const payloadSchema = z.object({
  object: z.string().max(100),
  entry: z.array(z.object({ changes: z.array(z.object({ field: z.string().max(100), value: z.unknown() })).max(1000) })).max(1000),
});

export interface WebhookBatch {
  /** The messages people sent to our number, in the order Meta listed them. */
  messages: InboundMessage[];
  /** Error codes of failed deliveries (nothing else: the recipient is personal data). */
  failedStatusCodes: number[];
  /** Changes for other numbers or fields, left alone. */
  ignored: number;
}

/** True if `header` is "sha256=<hex>" of `raw` signed with `appSecret`. */
export function signatureValid(raw: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const hex = value?.match(/^sha256=([0-9a-f]{64})$/i)?.[1];
  if (!hex) return false;
  const expected = createHmac("sha256", appSecret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(hex, "hex"));
}

/** Equal strings in constant time (for the verify token): both hashed first, so lengths do not leak either. */
export function sameSecret(given: string, expected: string): boolean {
  const hash = (s: string) => createHmac("sha256", "verify-token").update(s).digest();
  return timingSafeEqual(hash(given), hash(expected));
}

/** The messages for `phoneNumberId` in a signed body, or undefined when it is not JSON of the expected shape. */
export function parseWebhook(raw: Buffer, phoneNumberId: string): WebhookBatch | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
  const payload = payloadSchema.safeParse(json);
  if (!payload.success) return undefined;
  const batch: WebhookBatch = { messages: [], failedStatusCodes: [], ignored: 0 };
  if (payload.data.object !== "whatsapp_business_account") return batch;
  for (const entry of payload.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== "messages") {
        batch.ignored++;
        continue;
      }
      const value = messagesValue.safeParse(change.value);
      if (!value.success) return undefined;
      if (value.data.metadata.phone_number_id !== phoneNumberId) {
        batch.ignored++;
        continue;
      }
      batch.messages.push(...(value.data.messages ?? []));
      for (const s of value.data.statuses ?? [])
        if (s.status === "failed") batch.failedStatusCodes.push(...(s.errors?.map((e) => e.code) ?? [0]));
    }
  }
  return batch;
}
