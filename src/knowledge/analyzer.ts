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
  isStopword(word: string): boolean;
}

function foldForSearch(text: string): string {
  // fold() lowercases and strips accents; also split letters from digits glued with "-" (h-2a -> h 2a).
  return fold(text).replace(/[-_/+*#@&%$=~^|\\<>{}]/g, " ");
}

export function createAnalyzer(data: LangData): Analyzer {
  const stop = new Set(data.stopwords.map(fold));
  const phrases = Object.entries(data.phrases)
    .map(([from, to]) => [foldForSearch(from), foldForSearch(to)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const synonyms = new Map(Object.entries(data.synonyms).map(([from, to]) => [fold(from), foldForSearch(to).split(" ")]));
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

  function groups(text: string): string[][] {
    let s = ` ${foldForSearch(text)} `;
    // A phrase becomes one group: its replacement words are joined with "_" until split below.
    for (const [from, to] of phrases) if (s.includes(` ${from} `)) s = s.split(` ${from} `).join(` ${to.replace(/ /g, "_")} `);
    const out: string[][] = [];
    for (const token of s.split(" ")) {
      // Bare numbers (amounts, ages, dates) say nothing about the topic.
      if (!token || /^\d+$/.test(token)) continue;
      const group: string[] = [];
      for (const part of token.split("_")) {
        for (const w of synonyms.get(part) ?? [part]) {
          if (stop.has(w) || w.length < 2) continue;
          group.push(stemOf(w));
        }
      }
      if (group.length > 0) out.push(group);
    }
    return out;
  }

  return {
    words,
    isStopword: (word) => stop.has(word),
    terms: (text) => groups(text).flat(),
    groups,
  };
}
