// Safety: finds messages that signal danger (documents taken, kept from
// leaving, a debt that binds, threats or violence, a child alone, an offer to
// be smuggled) in any of our languages, with misspellings and without
// accents. The patterns are data (knowledge/safety.yaml), regular expressions
// over the folded text (lower case, no accents, single spaces), so curators
// can add what people really write. An alert's `unless` patterns keep
// ordinary questions that share its words (a worker asking about visa fees)
// from raising it.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { fold } from "../engine/text.js";
import { LANGUAGES, type Lang } from "../engine/types.js";

export const ALERT_IDS = ["documents_taken", "confined", "debt_bondage", "threats_violence", "child_alone", "smuggling_offer"] as const;
export type AlertId = (typeof ALERT_IDS)[number];

const patterns = z.array(z.string().min(2).max(1000)).default([]);
const perLanguage = z.strictObject(
  Object.fromEntries(LANGUAGES.map((l) => [l, patterns])) as Record<(typeof LANGUAGES)[number], typeof patterns>,
);

const file = z.strictObject({
  version: z.literal(1),
  /** Words and phrases the patterns share, by name: `{{name}}` in a pattern. */
  words: z.record(z.string().regex(/^[a-z_]+$/), z.string().min(1)).default({}),
  alerts: z
    .array(
      z.strictObject({
        id: z.enum(ALERT_IDS),
        patterns: perLanguage,
        unless: perLanguage.optional(),
      }),
    )
    .min(1),
});

/** Messages up to this many characters (folded) have their verdict remembered. */
const SHORT = 40;

export interface Alert {
  id: AlertId;
  /** The language of the pattern that matched: the reply's language when the person has none yet. */
  lang: Lang;
}

export interface SafetyDetector {
  /** The alert a message raises, if any. */
  detect(text: string): Alert | undefined;
}

interface Compiled {
  id: AlertId;
  patterns: { lang: Lang; re: RegExp }[];
  unless: RegExp[];
}

export function compileSafety(raw: unknown): { detector?: SafetyDetector; problems: string[] } {
  const parsed = file.safeParse(raw);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  const { words, alerts } = parsed.data;
  const problems: string[] = [];
  // Patterns are folded like the messages (no accents), so they may be written with accents or without.
  const foldPattern = (p: string) => p.normalize("NFD").replace(/\p{M}/gu, "");
  const expand = (p: string, where: string) => {
    const text = foldPattern(p).replace(/\{\{([a-z_]+)\}\}/g, (_, name: string) => {
      const w = words[name];
      if (w === undefined) problems.push(`${where}: unknown word list {{${name}}}`);
      return `(?:${w === undefined ? "(?!)" : foldPattern(w)})`;
    });
    try {
      return new RegExp(text, "u");
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
      return /(?!)/u;
    }
  };
  const compiled: Compiled[] = alerts.map((a) => ({
    id: a.id,
    patterns: LANGUAGES.flatMap((l) => a.patterns[l].map((p, i) => ({ lang: l, re: expand(p, `${a.id}.patterns.${l}[${i}]`) }))),
    unless: LANGUAGES.flatMap((l) => (a.unless?.[l] ?? []).map((p, i) => expand(p, `${a.id}.unless.${l}[${i}]`))),
  }));
  if (problems.length) return { problems };
  const remembered = new Map<string, Alert | undefined>();
  return {
    problems,
    detector: {
      detect(text) {
        // Danger is said in words: a message without two letters together (a number, a date, an amount) is not read.
        if (!/\p{L}\p{L}/u.test(text)) return undefined;
        // Spaces around, so patterns can use " word" as a word start.
        const f = ` ${fold(text)
          .replace(/[^\p{L}\p{N}$ ]/gu, " ")
          .replace(/\s+/g, " ")} `;
        // Short answers repeat all the time ("si", "saltar", a state's name): their verdict is remembered.
        // Longer messages are nearly always new and are read in full every time.
        const short = f.length <= SHORT;
        if (short && remembered.has(f)) return remembered.get(f);
        let found: Alert | undefined;
        for (const a of compiled) {
          const hit = a.patterns.find((p) => p.re.test(f));
          if (hit && !a.unless.some((p) => p.test(f))) {
            found = { id: a.id, lang: hit.lang };
            break;
          }
        }
        if (short) {
          if (remembered.size >= 20_000) remembered.clear();
          remembered.set(f, found);
        }
        return found;
      },
    },
  };
}

export function loadSafety(path: string): SafetyDetector {
  const { detector, problems } = compileSafety(parse(readFileSync(path, "utf8")));
  if (!detector) throw new Error(`Safety pattern problems in ${path}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return detector;
}
