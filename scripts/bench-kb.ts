// `npm run bench:kb`: how fast the knowledge base is. Prints the time to load
// and index it (the first build in a fresh process, as at start-up, and the
// median of later builds) and search latency percentiles over the questions
// in test/kb/questions.jsonl, repeated. Targets: index < 300 ms, search p99 < 5 ms.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { LANGUAGES } from "../src/engine/types.js";
import { loadKnowledge } from "../src/knowledge/knowledge-base.js";
import { KnowledgeIndex } from "../src/knowledge/search.js";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";

const paths = { knowledgeDir: join(PROJECT_ROOT, "knowledge"), localesDir: join(PROJECT_ROOT, "locales") };
const ms = (n: number) => `${n.toFixed(2)} ms`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

let t = performance.now();
const { kb } = loadKnowledge(paths);
if (!kb) throw new Error("the knowledge base does not load: run npm run kb -- lint");
const loadMs = performance.now() - t;
t = performance.now();
let index = KnowledgeIndex.build(kb);
const firstBuildMs = performance.now() - t;

const builds: number[] = [];
for (let i = 0; i < 20; i++) {
  const s = performance.now();
  index = KnowledgeIndex.build(kb);
  builds.push(performance.now() - s);
}
builds.sort((a, b) => a - b);

const questions = readFileSync(join(PROJECT_ROOT, "test", "kb", "questions.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { q: string; lang: (typeof LANGUAGES)[number] });
for (const q of questions) index.search(q.q, { lang: q.lang }); // warm-up
const times: number[] = [];
const rounds = 20;
for (let r = 0; r < rounds; r++) {
  for (const q of questions) {
    const s = performance.now();
    index.search(q.q, { lang: q.lang });
    times.push(performance.now() - s);
  }
}
times.sort((a, b) => a - b);
const docs = kb.articles.size;
const examples = [...kb.articles.values()].reduce((n, a) => n + LANGUAGES.reduce((m, l) => m + a.text[l].examples.length, 0), 0);

console.log(`knowledge base: ${docs} articles x ${LANGUAGES.length} languages, ${examples} example questions`);
console.log(`load (files + validation): ${ms(loadMs)}`);
console.log(`index build, first in process (start-up): ${ms(firstBuildMs)}`);
console.log(`index build, median of 20 / max: ${ms(percentile(builds, 50))} / ${ms(builds[builds.length - 1] ?? 0)}`);
console.log(
  `search over ${times.length} questions (${questions.length} x ${rounds}): p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}, p99 ${ms(percentile(times, 99))}, max ${ms(times[times.length - 1] ?? 0)}`,
);
console.log(`memory: heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} MiB`);
