// Knowledge: loading the knowledge base (knowledge/articles.yaml, the texts in
// locales/<lng>/knowledge.json and the word lists in knowledge/lang/<lng>.json)
// and the checks behind `npm run kb -- lint`. Every problem names the file and
// the article, and all of them are reported at once.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { LANGUAGES, type Lang } from "../engine/types.js";
import { fieldPath, issueMessage } from "../flows/errors.js";
import { type LangData, langDataSchema } from "./analyzer.js";
import {
  type ArticleMeta,
  type ArticleText,
  articleMetaSchema,
  articlesFileSchema,
  articleTextSchema,
  REQUIRED_ARTICLES,
} from "./schema.js";

export interface Article {
  meta: ArticleMeta;
  text: Record<Lang, ArticleText>;
}

export interface KnowledgeBase {
  articles: ReadonlyMap<string, Article>;
  lang: Record<Lang, LangData>;
}

export interface KbProblem {
  file: string;
  article?: string;
  field?: string;
  message: string;
}

export function formatKbProblem(p: KbProblem): string {
  const where = [p.article && `article[${p.article}]`, p.field].filter(Boolean).join(" ");
  return `${p.file}${where ? ` ${where}` : ""}: ${p.message}`;
}

export interface KbPaths {
  knowledgeDir: string;
  localesDir: string;
  /** When given, every article's sources must be files in this folder (the lint); the bot itself does not need the seeds. */
  seedsDir?: string;
}

/** A short answer must fit one chat message: about 80–120 words; outside 60–140 is an error. */
export const SHORT_WORDS = { min: 60, max: 140 };

function readJson(file: string, problems: KbProblem[]): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    problems.push({ file, message: existsSync(file) ? `not valid JSON: ${(e as Error).message}` : "file is missing" });
    return undefined;
  }
}

export function loadKnowledge(paths: KbPaths): { kb?: KnowledgeBase; problems: KbProblem[] } {
  const problems: KbProblem[] = [];
  const metaFile = join(paths.knowledgeDir, "articles.yaml");
  const metas = new Map<string, ArticleMeta>();
  let raw: unknown;
  try {
    raw = parse(readFileSync(metaFile, "utf8"), { uniqueKeys: true });
  } catch (e) {
    problems.push({ file: metaFile, message: `cannot read: ${(e as Error).message.split("\n")[0]}` });
  }
  const file = articlesFileSchema.safeParse(raw);
  if (raw !== undefined && !file.success) {
    for (const i of file.error.issues) problems.push({ file: metaFile, field: fieldPath(i.path), message: issueMessage(i) });
  }
  for (const [index, entry] of (file.success ? file.data.articles : []).entries()) {
    const id = (entry as { id?: unknown })?.id;
    const name = typeof id === "string" ? id : `#${index + 1}`;
    const parsed = articleMetaSchema.safeParse(entry);
    if (!parsed.success) {
      for (const i of parsed.error.issues)
        problems.push({ file: metaFile, article: name, field: fieldPath(i.path), message: issueMessage(i) });
      continue;
    }
    if (metas.has(parsed.data.id)) problems.push({ file: metaFile, article: name, field: "id", message: "duplicate article id" });
    metas.set(parsed.data.id, parsed.data);
  }
  if (paths.seedsDir && !existsSync(paths.seedsDir)) {
    problems.push({ file: paths.seedsDir, message: "the seed documents are not here; set SEEDS_DIR to the folder that holds them" });
  }
  for (const id of REQUIRED_ARTICLES) {
    if (!metas.has(id) && !problems.some((p) => p.article === id))
      problems.push({ file: metaFile, article: id, message: "required article is missing" });
  }
  for (const meta of metas.values()) {
    for (const [i, rel] of meta.related.entries()) {
      if (rel === meta.id)
        problems.push({ file: metaFile, article: meta.id, field: `related[${i}]`, message: "an article cannot be related to itself" });
      else if (!metas.has(rel))
        problems.push({ file: metaFile, article: meta.id, field: `related[${i}]`, message: `links to "${rel}", which is not an article` });
    }
    if (meta.officialSources?.length && !meta.verify) {
      problems.push({
        file: metaFile,
        article: meta.id,
        field: "verify",
        message: "facts from officialSources must be flagged verify: true",
      });
    }
    if (paths.seedsDir && existsSync(paths.seedsDir)) {
      for (const [i, source] of meta.sources.entries()) {
        if (!existsSync(join(paths.seedsDir, source))) {
          problems.push({
            file: metaFile,
            article: meta.id,
            field: `sources[${i}]`,
            message: `"${source}" is not a seed document in ${paths.seedsDir}`,
          });
        }
      }
    }
  }

  const texts = {} as Record<Lang, Record<string, ArticleText>>;
  for (const lang of LANGUAGES) {
    const textFile = join(paths.localesDir, lang, "knowledge.json");
    const data = readJson(textFile, problems);
    texts[lang] = {};
    if (data === undefined) continue;
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      problems.push({ file: textFile, message: "expected an object of articles" });
      continue;
    }
    for (const [id, entry] of Object.entries(data)) {
      if (!metas.has(id)) {
        problems.push({ file: textFile, article: id, message: "has text but no entry in articles.yaml" });
        continue;
      }
      const parsed = articleTextSchema.safeParse(entry);
      if (!parsed.success) {
        for (const i of parsed.error.issues)
          problems.push({ file: textFile, article: id, field: fieldPath(i.path), message: issueMessage(i) });
        continue;
      }
      const words = parsed.data.short.split(/\s+/).filter(Boolean).length;
      if (words < SHORT_WORDS.min || words > SHORT_WORDS.max) {
        problems.push({
          file: textFile,
          article: id,
          field: "short",
          message: `has ${words} words; keep it between ${SHORT_WORDS.min} and ${SHORT_WORDS.max} so it fits one message`,
        });
      }
      texts[lang][id] = parsed.data;
    }
    for (const id of metas.keys()) {
      if (!(id in (data as object))) problems.push({ file: textFile, article: id, message: `no ${lang} text` });
    }
  }

  const langData = {} as Record<Lang, LangData>;
  for (const lang of LANGUAGES) {
    const dataFile = join(paths.knowledgeDir, "lang", `${lang}.json`);
    const parsed = langDataSchema.safeParse(readJson(dataFile, problems));
    if (parsed.success) langData[lang] = parsed.data;
    else if (existsSync(dataFile))
      for (const i of parsed.error.issues) problems.push({ file: dataFile, field: fieldPath(i.path), message: issueMessage(i) });
  }

  if (problems.length > 0) return { problems };
  const articles = new Map<string, Article>();
  for (const meta of metas.values()) {
    articles.set(meta.id, { meta, text: Object.fromEntries(LANGUAGES.map((l) => [l, texts[l][meta.id]])) as Record<Lang, ArticleText> });
  }
  return { kb: { articles, lang: langData }, problems };
}
