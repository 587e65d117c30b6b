// Sessions: the stored form of a session. Everything read back from a store is
// validated; old versions are migrated and anything unreadable is reported so
// the conversation can restart kindly instead of crashing.
//
// Stored compactly ("v": 2): each position (flow and node) is written once in
// a table "p" and referred to by its index, since the "back" history repeats
// the same positions and return stacks over and over. A complaint's session
// is then about half its plain JSON size (1,704 → ~800 bytes on average in the
// wage-theft script), small enough to be sealed without deflate, which cost
// about 9% of a turn's CPU (npm run bench:telegram). Sessions stored in the
// plain form ("v": 1) are still read. "v" is the format of the stored text;
// the session in memory is the same either way.
import { z } from "zod";
import { LANGUAGES, type Position, SESSION_VERSION, type Session, type Snapshot, type Value } from "../engine/types.js";

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

/** The compact stored form; see the top of this file. */
const COMPACT = 2;
const index = z.number().int().min(0);
const compactSchema = z.strictObject({
  v: z.literal(COMPACT),
  lang: z.enum(LANGUAGES).nullable(),
  /** Every position the session mentions, once: [flow, node]. */
  p: z.array(z.tuple([z.string().min(1), z.string().min(1)])).max(1024),
  at: index.nullable(),
  stack: z.array(index).max(64),
  vars: z.record(z.string(), value),
  tries: z.number().int().min(0),
  /** Each snapshot as [its position, ...its stack]. */
  history: z.array(z.array(index).min(1).max(65)).max(64),
});

/** Upgrades of the plain form by the version they upgrade from; none yet while there is only version 1. */
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
  if (version === COMPACT) return expand(current);
  if (version > SESSION_VERSION) return { ok: false, reason: "unknown-version" };
  for (let v = version; v < SESSION_VERSION; v++) {
    const up = MIGRATIONS[v];
    if (!up) return { ok: false, reason: "unknown-version" };
    current = { ...up(current), v: v + 1 };
  }
  const parsed = sessionSchema.safeParse(current);
  return parsed.success ? { ok: true, session: parsed.data as Session } : { ok: false, reason: "corrupt" };
}

/** The compact form back into a session; an index that points nowhere makes it corrupt. */
function expand(data: Record<string, unknown>): Decoded {
  const parsed = compactSchema.safeParse(data);
  if (!parsed.success) return { ok: false, reason: "corrupt" };
  const c = parsed.data;
  for (const i of c.stack) if (i >= c.p.length) return { ok: false, reason: "corrupt" };
  for (const h of c.history) for (const i of h) if (i >= c.p.length) return { ok: false, reason: "corrupt" };
  if (c.at !== null && c.at >= c.p.length) return { ok: false, reason: "corrupt" };
  // A new object for every mention: nothing in the session is shared, as with the plain form.
  const pos = (i: number): Position => {
    const [flow, node] = c.p[i] as [string, string];
    return { flow, node };
  };
  const history: Snapshot[] = c.history.map(([at, ...stack]) => ({ at: pos(at as number), stack: stack.map(pos) }));
  return {
    ok: true,
    session: {
      v: SESSION_VERSION,
      lang: c.lang,
      at: c.at === null ? null : pos(c.at),
      stack: c.stack.map(pos),
      vars: c.vars,
      tries: c.tries,
      history,
    },
  };
}

/** The session in the compact form. */
export function encodeSession(session: Session): string {
  const table: [string, string][] = [];
  const seen = new Map<string, number>();
  const ref = (p: Position): number => {
    const id = `${p.flow}\u0000${p.node}`;
    let i = seen.get(id);
    if (i === undefined) {
      i = table.push([p.flow, p.node]) - 1;
      seen.set(id, i);
    }
    return i;
  };
  const at = session.at ? ref(session.at) : null;
  const stack = session.stack.map(ref);
  const history = session.history.map((h) => [ref(h.at), ...h.stack.map(ref)]);
  return JSON.stringify({ v: COMPACT, lang: session.lang, p: table, at, stack, vars: session.vars, tries: session.tries, history });
}

/** The plain form (version 1), as earlier versions stored sessions: kept for tests of reading them. */
export function encodePlainSession(session: Session): string {
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
