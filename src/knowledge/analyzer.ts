// Knowledge: turning text into search terms, per language. The word lists
// (stop words, slang and synonyms, multi-word phrases) are data in
// knowledge/lang/<lng>.json; stemming comes from @orama/stemmers. The same
// analysis runs on articles when the index is built and on every question.
import { stemmer as englishStemmer } from "@orama/stemmers/english";
import { stemmer as spanishStemmer } from "@orama/stemmers/spanish";
import { z } from "zod";
import { fold } from "../engine/text.js";

export const langDataSchema = z.strictObject({
  stemmer: z.enum(["spanish", "english", "none"]),
  stopwords: z.array(z.string().min(1)),
  /** Multi-word expressions replaced before splitting into words: "el norte" -> "estadosunidos". */
  phrases: z.record(z.string().min(1), z.string().min(1)),
  /** A word -> the words it stands for (the word itself is kept only if listed): "chamba" -> "trabajo". */
  synonyms: z.record(z.string().min(1), z.string().min(1)),
});
export type LangData = z.infer<typeof langDataSchema>;

const STEMMERS: Record<LangData["stemmer"], (word: string) => string> = {
  spanish: spanishStemmer,
  english: englishStemmer,
  // Haitian Creole words barely inflect; folding accents is enough.
  none: (word) => word,
};

export interface Analyzer {
  /** Folded words before stop words and stemming: for telling languages apart. */
  words(text: string): string[];
  /** Search terms: phrases and synonyms applied, stop words dropped, stemmed. */
  terms(text: string): string[];
  /** The same terms grouped by the word (or phrase) of the text they came from. */
  groups(text: string): string[][];
  /** groups() for text already split by words(). */
  groupsOf(tokens: string[]): string[][];
}

function foldForSearch(text: string): string {
  // fold() lowercases and strips accents; also split letters from digits glued with "-" (h-2a -> h 2a).
  return fold(text).replace(/[-_/+*#@&%$=~^|\\<>{}]/g, " ");
}

export function createAnalyzer(data: LangData): Analyzer {
  const stop = new Set(data.stopwords.map(fold));
  // Phrases by their first word, longest first, so one pass over the words finds them.
  const phrases = new Map<string, { words: string[]; to: string[] }[]>();
  for (const [from, to] of Object.entries(data.phrases)) {
    const words = foldForSearch(from).split(" ").filter(Boolean);
    const first = words[0];
    if (!first) continue;
    const list = phrases.get(first) ?? [];
    list.push({ words, to: foldForSearch(to).split(" ").filter(Boolean) });
    list.sort((a, b) => b.words.length - a.words.length);
    phrases.set(first, list);
  }
  const synonyms = new Map(Object.entries(data.synonyms).map(([from, to]) => [fold(from), foldForSearch(to).split(" ").filter(Boolean)]));
  const stem = STEMMERS[data.stemmer];
  const stemCache = new Map<string, string>();

  const words = (text: string) => foldForSearch(text).split(" ").filter(Boolean);

  const stemOf = (w: string) => {
    let stemmed = stemCache.get(w);
    if (stemmed === undefined) {
      stemmed = /\d/.test(w) ? w : stem(w);
      stemCache.set(w, stemmed);
    }
    return stemmed;
  };

  const termsOf = (parts: string[]) => {
    const group: string[] = [];
    for (const part of parts) {
      for (const w of synonyms.get(part) ?? [part]) {
        if (!stop.has(w) && w.length >= 2) group.push(stemOf(w));
      }
    }
    return group;
  };

  function groupsOf(tokens: string[]): string[][] {
    const out: string[][] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      const phrase = phrases.get(token)?.find((p) => p.words.every((w, k) => tokens[i + k] === w));
      let group: string[];
      if (phrase) {
        group = termsOf(phrase.to);
        i += phrase.words.length - 1;
      } else if (/^\d+$/.test(token)) {
        continue; // bare numbers (amounts, ages, dates) say nothing about the topic
      } else {
        group = termsOf([token]);
      }
      if (group.length > 0) out.push(group);
    }
    return out;
  }

  return {
    words,
    terms: (text) => groupsOf(words(text)).flat(),
    groups: (text) => groupsOf(words(text)),
    groupsOf,
  };
}
