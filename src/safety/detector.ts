// Safety: finds messages that signal danger (documents taken, kept from
// leaving, a debt that binds, threats or violence, a child alone, an offer to
// be smuggled) in any of our languages, with misspellings and without
// accents. The patterns are data (knowledge/safety.yaml), regular expressions
// over the folded text (lower case, no accents, single spaces), so curators
// can add what people really write. An alert's `unless` patterns keep
// ordinary questions that share its words (a worker asking about visa fees)
// from raising it.
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { fold } from "../engine/text.js";
import { LANGUAGES, type Lang } from "../engine/types.js";

import { ALERT_IDS, type AlertId } from "./alert-ids.js";
import { parseWeights, type WeightsModel, weightsModel } from "./weights.js";

export { ALERT_IDS, type AlertId };

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

/**
 * Patterns of one alert in one language are read together, as one regular expression of up to
 * about this many characters: one call per pattern cost more than the reading itself (hundreds
 * of calls for each message), and in much larger expressions V8 gives up optimisations.
 */
const JOIN_UP_TO = 6000;

/**
 * Read once by every expression when they are loaded. V8 first interprets a regular expression
 * and compiles it to machine code once it has run; for expressions as large as ours, code
 * compiled that way ran about three times slower (measured on Node 20) than code compiled at
 * once, which V8 does for a text of 1,000 characters or more. So each expression reads such a
 * text (one byte per character, like the messages) before the first message: loading takes
 * about 150 ms more, and the first messages no longer pay for the compiling.
 */
const WARM_UP = " x".repeat(600);

/** Messages up to this many characters (folded) have their verdict remembered. */
const SHORT = 40;

export interface Alert {
  id: AlertId;
  /** The language of the pattern that matched (or the message's, for weights): the reply's language when the person has none yet. */
  lang: Lang;
  /** Raised by the weighted keywords (weights.ts), not a pattern: the words that decided it. */
  weights?: { probability: number; because: string[] };
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

/**
 * The detector from the pattern file's content and, when given, the weights
 * file's (weights.ts): patterns first, then the weights for what they missed.
 */
export function compileSafety(raw: unknown, rawWeights?: unknown): { detector?: SafetyDetector; problems: string[] } {
  const parsed = file.safeParse(raw);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  let model: WeightsModel | undefined;
  if (rawWeights !== undefined) {
    const w = parseWeights(rawWeights);
    if (!w.weights) return { problems: w.problems.map((p) => `weights: ${p}`) };
    model = weightsModel(w.weights);
  }
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
      new RegExp(text, "u");
      return text;
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
      return "(?!)";
    }
  };
  const compiled: Compiled[] = alerts.map((a) => ({
    id: a.id,
    patterns: LANGUAGES.flatMap((l) =>
      joinUp(a.patterns[l].map((p, i) => expand(p, `${a.id}.patterns.${l}[${i}]`))).map((re) => ({ lang: l, re })),
    ),
    unless: joinUp(LANGUAGES.flatMap((l) => (a.unless?.[l] ?? []).map((p, i) => expand(p, `${a.id}.unless.${l}[${i}]`)))),
  }));
  if (problems.length) return { problems };
  for (const a of compiled) for (const re of [...a.patterns.map((p) => p.re), ...a.unless]) re.test(WARM_UP);
  const remembered = new Map<string, Alert | undefined>();
  const byId = new Map(compiled.map((a) => [a.id, a]));
  return {
    problems,
    detector: {
      detect(text) {
        // Danger is said in words: a message without two letters together (a number, a date, an amount) is not read.
        if (!/\p{L}\p{L}/u.test(text)) return undefined;
        // Spaces around, so patterns can use " word" as a word start.
        const spaced = fold(text).replace(/[^\p{L}\p{N}$ ]/gu, " ");
        const f = oneByte(` ${spaced.replace(/\s+/g, " ")} `);
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
        // The weights read the same folded text, without "$" (as wordsOf does when they are learned).
        const verdict = found || !model ? undefined : model.read(spaced.replace(/\$/g, " ").split(" ").filter(Boolean));
        if (verdict && !byId.get(verdict.id)?.unless.some((p) => p.test(f)))
          found = { id: verdict.id, lang: languageOf(f), weights: { probability: verdict.probability, because: verdict.because } };
        if (short) {
          if (remembered.size >= 20_000) remembered.clear();
          remembered.set(f, found);
        }
        return found;
      },
    },
  };
}

/** Patterns (valid each on its own) as a few regular expressions: any of them matches where one pattern does. */
function joinUp(sources: string[]): RegExp[] {
  const joined: RegExp[] = [];
  let part: string[] = [];
  let size = 0;
  for (const source of sources) {
    if (part.length && size + source.length > JOIN_UP_TO) {
      joined.push(new RegExp(part.join("|"), "u"));
      part = [];
      size = 0;
    }
    part.push(`(?:${source})`);
    size += source.length;
  }
  if (part.length) joined.push(new RegExp(part.join("|"), "u"));
  return joined;
}

/**
 * The folded text as a one-byte string. V8 keeps a regular expression's code apart for one-byte
 * and two-byte strings, and after a message with an emoji or a curly quote (a two-byte string
 * even once they are gone) every plain message was read four to five times slower. Letters
 * beyond Latin-1 (none in our languages once accents are gone) become "x", so they still count
 * as letters of a word.
 */
function oneByte(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a range test, nothing is matched literally
  return Buffer.from(text.replace(/[^\u0000-\u00ff]/gu, "x"), "latin1").toString("latin1");
}

/** Words that only one of our languages uses often: enough to pick the language of a reply. */
const MARKERS: Record<Lang, Set<string>> = {
  es: new Set([
    "el",
    "la",
    "los",
    "las",
    "que",
    "q",
    "de",
    "y",
    "no",
    "me",
    "mi",
    "mis",
    "en",
    "con",
    "por",
    "para",
    "pero",
    "es",
    "se",
    "lo",
  ]),
  en: new Set([
    "the",
    "and",
    "my",
    "i",
    "im",
    "to",
    "is",
    "he",
    "she",
    "they",
    "we",
    "me",
    "of",
    "in",
    "with",
    "not",
    "dont",
    "cant",
    "it",
    "us",
  ]),
  ht: new Set([
    "mwen",
    "m",
    "pa",
    "li",
    "l",
    "yo",
    "nan",
    "ak",
    "ki",
    "nou",
    "se",
    "pou",
    "gen",
    "pap",
    "te",
    "sa",
    "lan",
    "la",
    "kote",
    "ap",
  ]),
};

/** The language whose common words the folded message has most of (Spanish when none). */
function languageOf(folded: string): Lang {
  const counts: Record<Lang, number> = { es: 0, en: 0, ht: 0 };
  for (const w of folded.split(" ")) for (const l of LANGUAGES) if (MARKERS[l].has(w)) counts[l]++;
  return LANGUAGES.reduce((best, l) => (counts[l] > counts[best] ? l : best), "es" as Lang);
}

/** Loads the patterns and, when a path is given, the weights (both must be valid). */
export function loadSafety(path: string, weightsPath?: string): SafetyDetector {
  const weights = weightsPath === undefined ? undefined : JSON.parse(readFileSync(weightsPath, "utf8"));
  const { detector, problems } = compileSafety(parse(readFileSync(path, "utf8")), weights);
  if (!detector)
    throw new Error(
      `Safety pattern problems in ${path}${weightsPath ? ` or ${weightsPath}` : ""}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  return detector;
}
