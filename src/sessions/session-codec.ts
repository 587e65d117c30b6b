// Sessions: the stored form of a session. Everything read back from a store is
// validated; old versions are migrated and anything unreadable is reported so
// the conversation can restart kindly instead of crashing.
import { z } from "zod";
import { LANGUAGES, SESSION_VERSION, type Session, type Value } from "../engine/types.js";

const position = z.strictObject({ flow: z.string().min(1), node: z.string().min(1) });
/** Any JSON value (zod's own JSON schema: the same check as a recursive union, cheaper on every turn). */
const value = z.json() as unknown as z.ZodType<Value>;

export const sessionSchema = z.strictObject({
  v: z.literal(SESSION_VERSION),
  lang: z.enum(LANGUAGES).nullable(),
  at: position.nullable(),
  stack: z.array(position).max(64),
  vars: z.record(z.string(), value),
  tries: z.number().int().min(0),
  history: z.array(z.strictObject({ at: position, stack: z.array(position).max(64) })).max(64),
});

/** Upgrades by the version they upgrade from; none yet while there is only version 1. */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {};

export type Decoded = { ok: true; session: Session } | { ok: false; reason: "corrupt" | "unknown-version" };

export function decodeSession(raw: string): Decoded {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, reason: "corrupt" };
  }
  if (data === null || typeof data !== "object") return { ok: false, reason: "corrupt" };
  let current = data as Record<string, unknown>;
  const version = typeof current.v === "number" ? current.v : 0;
  if (version > SESSION_VERSION) return { ok: false, reason: "unknown-version" };
  for (let v = version; v < SESSION_VERSION; v++) {
    const up = MIGRATIONS[v];
    if (!up) return { ok: false, reason: "unknown-version" };
    current = { ...up(current), v: v + 1 };
  }
  const parsed = sessionSchema.safeParse(current);
  return parsed.success ? { ok: true, session: parsed.data as Session } : { ok: false, reason: "corrupt" };
}

export function encodeSession(session: Session): string {
  return JSON.stringify(session);
}

/** The language of a session we could not read otherwise, so the apology is in the right language. */
export function salvageLang(raw: string): Session["lang"] {
  try {
    const lang = (JSON.parse(raw) as { lang?: unknown })?.lang;
    return (LANGUAGES as readonly unknown[]).includes(lang) ? (lang as Session["lang"]) : null;
  } catch {
    return null;
  }
}
