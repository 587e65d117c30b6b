// Knowledge: the shapes of knowledge/articles.yaml (language-independent
// metadata, kept once) and locales/<lng>/knowledge.json (the words people read).
import { z } from "zod";

export const REQUIRED_ARTICLES = [
  "h2-visas",
  "h2b-extra-visas",
  "recruitment-fees",
  "h2-worker-rights",
  "retaliation",
  "venezuela-air-entry",
  "border-worker-card",
  "guatemala-labor-program",
  "refugee-jobs",
  "asylum-comar",
  "tvrh",
  "curp",
  "work-rights-mexico",
  "bank-accounts",
  "wage-theft",
  "unaccompanied-minors",
  "trafficking-smuggling",
  "sne-employment-service",
  "migrant-assistance-offices",
  "health-education",
  "northern-border-title-42",
  "remain-in-mexico",
  "consulates",
] as const;

const articleId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "use lower-case letters, digits and -");

export const articleMetaSchema = z.strictObject({
  id: articleId,
  status: z.enum(["current", "check-current", "historical"]),
  /** The date of the announcement or document the article describes: YYYY, YYYY-MM or YYYY-MM-DD. */
  date: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, "use YYYY, YYYY-MM or YYYY-MM-DD"),
  dateNote: z.string().min(1),
  sources: z.array(z.string().regex(/^[\w.-]+\.txt$/, "a seed file name")).min(1),
  verify: z.boolean(),
  officialSources: z.array(z.strictObject({ name: z.string().min(3), note: z.string().min(3) })).optional(),
  related: z.array(articleId).default([]),
  tags: z.array(z.string().min(1)).default([]),
});
export type ArticleMeta = z.infer<typeof articleMetaSchema>;

export const articlesFileSchema = z.strictObject({
  version: z.literal(1),
  articles: z.array(z.unknown()).min(1),
});

export const articleTextSchema = z.strictObject({
  title: z.string().min(3).max(120),
  short: z.string().min(40).max(1200),
  more: z.string().min(1).max(2000).optional(),
  examples: z.array(z.string().min(2).max(300)).min(3),
});
export type ArticleText = z.infer<typeof articleTextSchema>;
