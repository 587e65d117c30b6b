// Knowledge: answering free-text questions. One MiniSearch index per language,
// built once at start-up, over each article's title, tags and short answer,
// and over each example question as its own small document (people ask the
// way the examples are written). A question is searched in its detected
// language first, in the others when that finds nothing sure; the best score
// per article wins.
// "No match" is decided by thresholds on the score and on the share of the
// question's telling words the article matched, calibrated on
// test/kb/questions.jsonl with `npm run kb -- eval`. Scores depend on the
// articles' texts: after changing many articles, run the eval again.
import MiniSearch from "minisearch";
import { LANGUAGES, type Lang } from "../engine/types.js";
import { type Analyzer, createAnalyzer } from "./analyzer.js";
import type { KnowledgeBase } from "./knowledge-base.js";

export interface SearchHit {
  id: string;
  score: number;
}

export interface SearchAnswer {
  /** The language the question seems to be written in. */
  lang: Lang;
  /** Best first, at most `limit`; empty when nothing matches well enough. */
  results: SearchHit[];
}

interface Doc {
  id: string;
  article: string;
  title?: string;
  tags?: string;
  short?: string;
  example?: string;
}

/** Tuned with `npm run kb -- eval`; see README ("Answers to questions"). */
export const THRESHOLDS = {
  /** A best score this high is a match on its own (long questions that hit several example words)... */
  strongScore: 100,
  /** ...otherwise the best article must match this share of the question's telling words... */
  minCoverage: 0.6,
  /** ...and score at least this much. */
  minScore: 30,
  /** A word found in more than this share of articles tells nothing about the topic. */
  weakShare: 0.4,
  /** Results scoring below this share of the best one are not offered as alternatives. */
  relative: 0.25,
  /** Weight of results from languages other than the detected one. */
  otherLanguage: 0.85,
};

const FIELDS = ["title", "tags", "short", "example"] as const;
// "more" is not indexed: it cost half the build time and no accuracy (measured with kb eval and bench:kb).
const BOOST = { example: 3, title: 2, tags: 2, short: 1 };

type Candidate = SearchHit & { coverage: number; matched: number };

function rank(best: Map<string, Omit<Candidate, "id">>): Candidate[] {
  return [...best.entries()].map(([id, v]) => ({ id, ...v })).sort((a, b) => b.score - a.score);
}

function isConfident(top: Candidate | undefined): boolean {
  if (!top || top.matched === 0) return false;
  return top.score >= THRESHOLDS.strongScore || (top.coverage >= THRESHOLDS.minCoverage && top.score >= THRESHOLDS.minScore);
}

/**
 * A question word counts toward coverage when the article has it, or a word it
 * begins, or (for words of 6+ letters) a near spelling. Short fuzzy matches
 * ("precio" ~ "crecimiento") only help ranking.
 */
function countsAsMatch(term: string, docTerms: string[]): boolean {
  return docTerms.some(
    (d) => d === term || (term.length >= 4 && d.startsWith(term)) || (term.length >= 6 && editDistanceAtMost1or2(term, d)),
  );
}

function editDistanceAtMost1or2(a: string, b: string): boolean {
  const max = a.length >= 9 ? 2 : 1;
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return (prev[b.length] ?? max + 1) <= max;
}

export class KnowledgeIndex {
  private constructor(
    private readonly indexes: Record<Lang, MiniSearch<Doc>>,
    private readonly analyzers: Record<Lang, Analyzer>,
    private readonly vocabulary: Record<Lang, Set<string>>,
    private readonly weak: Record<Lang, Set<string>>,
  ) {}

  static build(kb: KnowledgeBase): KnowledgeIndex {
    const indexes = {} as Record<Lang, MiniSearch<Doc>>;
    const analyzers = {} as Record<Lang, Analyzer>;
    const vocabulary = {} as Record<Lang, Set<string>>;
    const weak = {} as Record<Lang, Set<string>>;
    for (const lang of LANGUAGES) {
      const analyzer = createAnalyzer(kb.lang[lang]);
      analyzers[lang] = analyzer;
      // Each text is analysed once while building, for the index and for the weak-term count.
      const analysed = new Map<string, string[]>();
      const words = new Set<string>();
      const termsOf = (text: string) => {
        let terms = analysed.get(text);
        if (!terms) {
          const tokens = analyzer.words(text);
          for (const w of tokens) words.add(w);
          terms = analyzer.groupsOf(tokens).flat();
          analysed.set(text, terms);
        }
        return terms;
      };
      const index = new MiniSearch<Doc>({
        fields: [...FIELDS],
        storeFields: ["article"],
        tokenize: (text) => analysed.get(text) ?? analyzer.terms(text),
        processTerm: (term) => term,
        searchOptions: {
          boost: BOOST,
          prefix: (term) => term.length >= 4,
          fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
          maxFuzzy: 2,
          combineWith: "OR",
        },
      });
      const docs: Doc[] = [];
      for (const w of [...kb.lang[lang].stopwords, ...Object.keys(kb.lang[lang].synonyms), ...Object.keys(kb.lang[lang].phrases)]) {
        for (const token of analyzer.words(w)) words.add(token);
      }
      for (const [id, article] of kb.articles) {
        const text = article.text[lang];
        docs.push({
          id: `${id}#article`,
          article: id,
          title: text.title,
          tags: article.meta.tags.join(" "),
          short: text.short,
        });
        for (const [i, example] of text.examples.entries()) docs.push({ id: `${id}#q${i}`, article: id, example });
      }
      for (const doc of docs) for (const field of FIELDS) termsOf(doc[field] ?? "");
      index.addAll(docs);
      indexes[lang] = index;
      vocabulary[lang] = words;
      // Terms used by many articles ("mexico", "trabajo") cannot tell articles apart.
      const articlesWith = new Map<string, Set<string>>();
      for (const doc of docs) {
        for (const field of FIELDS) {
          for (const term of termsOf(doc[field] ?? "")) {
            const set = articlesWith.get(term) ?? new Set<string>();
            set.add(doc.article);
            articlesWith.set(term, set);
          }
        }
      }
      weak[lang] = new Set([...articlesWith].filter(([, set]) => set.size > kb.articles.size * THRESHOLDS.weakShare).map(([term]) => term));
    }
    return new KnowledgeIndex(indexes, analyzers, vocabulary, weak);
  }

  /** The language most of the question's words belong to; `fallback` when it is a tie. */
  detectLanguage(question: string, fallback: Lang): Lang {
    const words = this.analyzers[fallback].words(question);
    let best = fallback;
    let bestHits = -1;
    for (const lang of [fallback, ...LANGUAGES.filter((l) => l !== fallback)]) {
      const hits = words.filter((w) => this.vocabulary[lang].has(w)).length;
      if (hits > bestHits) {
        best = lang;
        bestHits = hits;
      }
    }
    return best;
  }

  /** Every article the question touches, best first, with the share of its terms matched: before any threshold. */
  candidates(question: string, preferred?: Lang): { lang: Lang; ranked: Candidate[] } {
    const lang = this.detectLanguage(question, preferred ?? "es");
    const best = new Map<string, Omit<Candidate, "id">>();
    // The detected language first; the others only when it finds nothing sure (mixed-language questions).
    for (const l of [lang, ...LANGUAGES.filter((x) => x !== lang)]) {
      if (l !== lang && isConfident(rank(best)[0])) break;
      // Words used by most articles ("trabajo", "peye") tell less about the topic: they count half.
      // Unknown words count fully: they are often what the question is really about.
      const groups = this.analyzers[l].groups(question).map((g) => ({ terms: g, weight: g.every((t) => this.weak[l].has(t)) ? 0.5 : 1 }));
      const total = groups.reduce((n, g) => n + g.weight, 0);
      if (total === 0) continue;
      const weight = l === lang ? 1 : THRESHOLDS.otherLanguage;
      const seenHere = new Set<string>();
      for (const r of this.indexes[l].search(question)) {
        const article = r.article as string;
        // Results come best first: an article's later documents cannot raise its score.
        if (seenHere.has(article)) continue;
        seenHere.add(article);
        const matched = groups.filter((g) => g.terms.some((t) => countsAsMatch(t, r.terms))).reduce((n, g) => n + g.weight, 0);
        const score = r.score * weight;
        const seen = best.get(article);
        if (!seen || score > seen.score) {
          best.set(article, {
            score,
            coverage: Math.max(matched / total, seen?.coverage ?? 0),
            matched: Math.max(matched, seen?.matched ?? 0),
          });
        }
      }
    }
    return { lang, ranked: rank(best) };
  }

  search(question: string, options: { lang?: Lang; limit?: number } = {}): SearchAnswer {
    const { lang, ranked } = this.candidates(question, options.lang);
    const top = ranked[0];
    const confident =
      top &&
      top.matched > 0 &&
      (top.score >= THRESHOLDS.strongScore || (top.coverage >= THRESHOLDS.minCoverage && top.score >= THRESHOLDS.minScore));
    if (!top || !confident) return { lang, results: [] };
    const results = ranked
      .filter((r) => r.score >= top.score * THRESHOLDS.relative)
      .slice(0, options.limit ?? 5)
      .map((r) => ({ id: r.id, score: Math.round(r.score * 100) / 100 }));
    return { lang, results };
  }
}
