// Process memory held by people's sessions, for scripts/bench.ts (which spawns it):
//   node --expose-gc --import tsx scripts/bench-memory.ts [--people 10000]
// Runs the whole runtime with the in-memory store (sessions sealed, as in
// Redis) and brings that many people to every step of a complaint, spread
// evenly from the first message to the summary. Heap and RSS are read after
// full garbage collections, before and after, in a process of their own so
// that nothing else the benchmark did is counted. Prints one JSON line.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config/config.js";
import { LANGUAGES, type Lang } from "../src/engine/types.js";
import { createLogger } from "../src/log/logger.js";
import { createRuntime, sessionKeysWith } from "../src/runtime/create-runtime.js";
import { MemorySessionStore } from "../src/sessions/memory-session-store.js";
import { WAGE_THEFT } from "../test/helpers/scripts.js";

const gc = globalThis.gc;
if (!gc) throw new Error("run with node --expose-gc: memory is only comparable after a full collection");
const { values } = parseArgs({ options: { people: { type: "string", default: "10000" } } });
const PEOPLE = Number(values.people);
/** People handled at once (each one's turns in order). */
const BATCH = 500;

const store = new MemorySessionStore();
const attachmentsDir = mkdtempSync(join(tmpdir(), "bench-attachments-"));
const runtime = await createRuntime({
  config: parseConfig({
    DATA_KEYS: process.env.DATA_KEYS || `bench:${Buffer.alloc(32, 9).toString("base64")}`,
    ATTACHMENTS_DIR: attachmentsDir,
  }),
  log: createLogger("silent"),
  store,
});
/** Where a person's session is (their pseudonymous key). */
const keyOf = (user: string) => sessionKeysWith(runtime.keyring)("bench", user)[0] as string;

/** A complaint up to its summary, not sent (the language comes as the channel's hint). */
const steps = (lang: Lang) => ["hola", ...WAGE_THEFT[lang]];

/** Person i of `count` answers the first 1 + (i mod steps) messages: every step of the flow is held by someone. */
async function bring(count: number, name: string): Promise<number> {
  let turns = 0;
  for (let from = 0; from < count; from += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, count - from) }, async (_, j) => {
        const i = from + j;
        const lang = LANGUAGES[i % LANGUAGES.length] as Lang;
        const script = steps(lang);
        for (const text of script.slice(0, 1 + (i % script.length))) {
          await runtime.conversation.handle("bench", `${name}${i}`, { type: "text", text }, lang);
          turns++;
        }
      }),
    );
  }
  return turns;
}

async function settle() {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage();
}

// Warm-up: code compiled, caches and the store's table past their first growth; then those sessions go.
await bring(300, "warm");
for (let i = 0; i < 300; i++) await store.delete(keyOf(`warm${i}`));

const before = await settle();
const t0 = performance.now();
const turns = await bring(PEOPLE, "p");
const seconds = (performance.now() - t0) / 1000;
const after = await settle();

let sealedBytes = 0;
for (let i = 0; i < PEOPLE; i++) sealedBytes += (await store.read(keyOf(`p${i}`)))?.data.length ?? 0;
await runtime.close();
rmSync(attachmentsDir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    people: PEOPLE,
    turns,
    seconds,
    heapBytes: after.heapUsed - before.heapUsed,
    rssBytes: after.rss - before.rss,
    sealedBytes,
  }),
);
