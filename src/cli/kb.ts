// `npm run kb -- <command>`: the knowledge base from the command line.
//   lint                                   check articles, texts, sources and links
//   search [--json] [--lang xx] "question" the best articles for a question
//   search --json --batch                  JSON lines {"q", "lang"?} on stdin -> one answer per line
//   eval [--verbose]                       accuracy on test/kb/questions.jsonl
//   gaps [--limit N]                       most frequent unanswered questions and "not helpful" votes (needs REDIS_URL)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { z } from "zod";
import { parseConfig } from "../config/config.js";
import { LANGUAGES } from "../engine/types.js";
import { RedisGapsStore } from "../knowledge/gaps.js";
import { formatKbProblem, loadKnowledge } from "../knowledge/knowledge-base.js";
import { KnowledgeIndex } from "../knowledge/search.js";
import { PROJECT_ROOT } from "../runtime/create-runtime.js";
import { connectRedis } from "../sessions/redis-session-store.js";

const paths = {
  knowledgeDir: join(PROJECT_ROOT, "knowledge"),
  localesDir: join(PROJECT_ROOT, "locales"),
  seedsDir: process.env.SEEDS_DIR ?? join(PROJECT_ROOT, "..", "shared", "seeds"),
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean" },
    lang: { type: "string" },
    batch: { type: "boolean" },
    verbose: { type: "boolean" },
    limit: { type: "string" },
  },
});
const command = positionals[0];
const lang = z.enum(LANGUAGES).optional().safeParse(values.lang);

function index(): KnowledgeIndex {
  const { kb, problems } = loadKnowledge({ knowledgeDir: paths.knowledgeDir, localesDir: paths.localesDir });
  if (!kb) {
    for (const p of problems) process.stderr.write(`${formatKbProblem(p)}\n`);
    process.exit(1);
  }
  return KnowledgeIndex.build(kb);
}

const batchLine = z.strictObject({ q: z.string().max(10_000), lang: z.enum(LANGUAGES).optional() });
const evalLine = z.strictObject({ q: z.string(), lang: z.enum(LANGUAGES), expect: z.string().nullable() });

async function main(): Promise<number> {
  if (!lang.success) {
    process.stderr.write(`--lang must be one of ${LANGUAGES.join(", ")}\n`);
    return 2;
  }
  switch (command) {
    case "lint": {
      const { kb, problems } = loadKnowledge(paths);
      for (const p of problems) process.stderr.write(`${formatKbProblem(p)}\n`);
      if (!kb) {
        process.stderr.write(`kb lint: ${problems.length} problem(s)\n`);
        return 1;
      }
      process.stdout.write(`kb lint: ${kb.articles.size} articles OK in ${LANGUAGES.join(", ")}\n`);
      return 0;
    }
    case "search": {
      const idx = index();
      if (values.batch) {
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
          if (!line.trim()) continue;
          let parsed: z.infer<typeof batchLine> | undefined;
          try {
            parsed = batchLine.parse(JSON.parse(line));
          } catch {
            process.stdout.write(`${JSON.stringify({ error: 'expected a JSON line {"q": "...", "lang": "es|en|ht"}' })}\n`);
            continue;
          }
          process.stdout.write(`${JSON.stringify(idx.search(parsed.q, { lang: parsed.lang }))}\n`);
        }
        return 0;
      }
      const question = positionals.slice(1).join(" ");
      if (!question) {
        process.stderr.write('Usage: npm run --silent kb -- search [--json] [--lang xx] "question"\n');
        return 2;
      }
      const answer = idx.search(question, { lang: lang.data });
      if (values.json) process.stdout.write(`${JSON.stringify(answer)}\n`);
      else {
        process.stdout.write(`language: ${answer.lang}\n`);
        if (answer.results.length === 0) process.stdout.write("no match\n");
        for (const r of answer.results) process.stdout.write(`${r.score.toFixed(2).padStart(7)}  ${r.id}\n`);
      }
      return 0;
    }
    case "eval": {
      const idx = index();
      const file = join(PROJECT_ROOT, "test", "kb", "questions.jsonl");
      const rows = readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => evalLine.parse(JSON.parse(l)));
      let inScope = 0;
      let top1 = 0;
      let top3 = 0;
      let outScope = 0;
      let rejected = 0;
      for (const row of rows) {
        const ids = idx.search(row.q, { lang: row.lang }).results.map((r) => r.id);
        if (row.expect === null) {
          outScope++;
          if (ids.length === 0) rejected++;
          else if (values.verbose) process.stdout.write(`OUT-OF-SCOPE MATCHED  [${row.lang}] ${row.q} -> ${ids[0]}\n`);
          continue;
        }
        inScope++;
        if (ids[0] === row.expect) top1++;
        if (ids.slice(0, 3).includes(row.expect)) top3++;
        else if (values.verbose)
          process.stdout.write(`MISS  [${row.lang}] ${row.q} -> expected ${row.expect}, got ${ids.slice(0, 3).join(", ") || "no match"}\n`);
      }
      const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)}%`;
      process.stdout.write(
        `questions: ${inScope} in scope, ${outScope} out of scope\n` +
          `top-1 accuracy: ${pct(top1, inScope)} (${top1}/${inScope})\n` +
          `top-3 accuracy: ${pct(top3, inScope)} (${top3}/${inScope})\n` +
          `out-of-scope answered "no match": ${pct(rejected, outScope)} (${rejected}/${outScope})\n`,
      );
      return 0;
    }
    case "gaps": {
      const config = parseConfig(process.env);
      const limit = z.coerce
        .number()
        .int()
        .min(1)
        .max(500)
        .safeParse(values.limit ?? 20);
      if (!limit.success) {
        process.stderr.write("--limit must be a whole number from 1 to 500\n");
        return 2;
      }
      if (!config.redisUrl) {
        process.stderr.write(
          "Curator records are kept in Redis: set REDIS_URL (the in-memory default keeps them only while the bot runs).\n",
        );
        return 2;
      }
      const client = await connectRedis(config.redisUrl);
      try {
        const gaps = new RedisGapsStore(client, config.redisPrefix);
        for (const kind of ["nomatch", "unhelpful"] as const) {
          for (const l of LANGUAGES) {
            const rows = await gaps.top(kind, l, limit.data);
            process.stdout.write(
              `\n${kind === "nomatch" ? "Questions with no answer" : "Answers voted not helpful (article | question)"} [${l}]\n`,
            );
            if (rows.length === 0) process.stdout.write("  (none)\n");
            for (const r of rows) process.stdout.write(`${String(r.count).padStart(6)}  ${r.text}\n`);
          }
        }
        const votes = Object.entries(await gaps.votes()).sort((a, b) => b[1].no - a[1].no);
        process.stdout.write("\nVotes per article (helpful / not helpful)\n");
        if (votes.length === 0) process.stdout.write("  (none)\n");
        for (const [article, v] of votes) process.stdout.write(`  ${article}: ${v.yes} / ${v.no}\n`);
      } finally {
        await client.close();
      }
      return 0;
    }
    default:
      process.stderr.write(
        'Usage: npm run kb -- lint | search [--json] [--lang xx] [--batch] "question" | eval [--verbose] | gaps [--limit N]\n',
      );
      return 2;
  }
}

process.exitCode = await main();
