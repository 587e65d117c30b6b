// `npm run bench`: the headline figures in one table, each measured by this
// run (nothing is copied from earlier runs), with its target where there is one.
//
// 1. engine turns per second: the pure step (stepOwned) with the real flows,
//    translations, knowledge index and safety patterns, over scripted
//    conversations (a complaint filed in es/en/ht, the menus, knowledge
//    questions). No store, no encoding, no I/O: an effect (filing a case) is
//    answered with a canned result in the same turn, as the host would. After a
//    warm-up, the median of several rounds of one second each, judged against
//    the target; also per CPU-second, which other processes do not lower.
// 2. turns per second through Conversation.handle with the runtime's own
//    encrypted Redis session store (and its Redis case, ticket and gap
//    stores): many people at once, each filing a complaint, in this process.
// 3. bytes per stored session in Redis: MEMORY USAGE of the session's key and
//    the length of its sealed value, after every turn of a complaint (the
//    draft is fullest at the summary, just before sending) and for a fresh one.
// 4. process memory per 10,000 people mid-complaint, in a child process with
//    the in-memory store and --expose-gc (scripts/bench-memory.ts).
// 5. knowledge search latency over test/kb/questions.jsonl (as npm run bench:kb).
// 6. start-up time until the app answers /readyz (measureStartup).
//
// Needs Redis at REDIS_URL (default redis://127.0.0.1:6379). Its keys get a
// prefix of their own and are all deleted at the end, also on error or Ctrl-C.
// Progress goes to stderr; the table (and notes on it) to stdout.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseConfig } from "../src/config/config.js";
import type { StepEnv } from "../src/engine/node-kind.js";
import { stepOwned } from "../src/engine/step.js";
import { type Input, LANGUAGES, type Lang, type Session } from "../src/engine/types.js";
import { loadFlowsOrThrow } from "../src/flows/load.js";
import { loadKnowledge } from "../src/knowledge/knowledge-base.js";
import { KnowledgeIndex } from "../src/knowledge/search.js";
import { createLogger } from "../src/log/logger.js";
import {
  buildEnv,
  createRuntime,
  loadKnowledgeService,
  PROJECT_ROOT,
  type Runtime,
  sessionKeysWith,
} from "../src/runtime/create-runtime.js";
import { EncryptedSessionStore } from "../src/sessions/encrypted-session-store.js";
import { WAGE_THEFT } from "../test/helpers/scripts.js";

const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const PREFIX = `bench:${randomBytes(4).toString("hex")}:`;
/** A fixed data key for the benchmark's sessions (deleted with them). */
const DATA_KEYS = `bench:${Buffer.alloc(32, 9).toString("base64")}`;
const PEOPLE = 200;
const MEMORY_PEOPLE = 10_000;
const ENGINE_ROUNDS = 5;
const ENGINE_ROUND_MS = 1000;

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const byValue = (a: number, b: number) => a - b;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const median = (xs: number[]) => percentile([...xs].sort(byValue), 50);

// --- Scripted conversations -------------------------------------------------

type Line = string | { button: string };

/** A complaint filed from the first message: language, menu, the 24 answers, then "Send" (1). */
const complaint = (lang: Lang): Line[] => ["hola", String(LANGUAGES.indexOf(lang) + 1), ...WAGE_THEFT[lang], "1"];

/** Words that differ by language in the menu walk. */
const WORDS: Record<Lang, { back: string; menu: string }> = {
  es: { back: "atrás", menu: "menú" },
  en: { back: "back", menu: "menu" },
  ht: { back: "tounen", menu: "meni" },
};

/** Every program page, every rights guide, "back", and where to get help (a region, then skip). */
const menus = (lang: Lang): Line[] => {
  const { back, menu } = WORDS[lang];
  const programs = ["1", "1", "2", "2", "2", "3", "2", "4", "2", "5", "2", "6", "2", "7", "2", "8", "1", menu];
  const rights = ["2", "1", "3", "2", "3", "3", "4", back, menu];
  return ["hola", String(LANGUAGES.indexOf(lang) + 1), ...programs, ...rights, "6", "Chiapas", "6"];
};

/** Questions to the knowledge base, as in the golden conversations test/golden/ask.*.json. */
const KNOWLEDGE: Record<Lang, Line[]> = {
  en: [
    "hi",
    "2",
    "4",
    "h2b visa fees",
    "more",
    { button: "kb:h2-visas" },
    { button: "helpful_no" },
    "bitcoin price today",
    "menu",
    "humanitarian card",
    "yes",
  ],
  es: [
    "hola",
    "1",
    "4",
    "me cobran por la visa de trabajo",
    { button: "more" },
    { button: "kb:h2b-extra-visas" },
    { button: "helpful_no" },
    "receta de tamales",
    "menú",
    "tarjeta humanitaria",
    "si",
  ],
  ht: [
    "bonjou",
    "3",
    "4",
    "viza h2b",
    "plis detay",
    { button: "kb:h2-visas" },
    "non",
    "ki jan pou m fè diri ak pwa",
    "meni",
    "kat imanitè",
    "wi",
  ],
};

const toInput = (line: Line): Input => (typeof line === "string" ? { type: "text", text: line } : { type: "button", id: line.button });

interface Script {
  name: string;
  inputs: Input[];
  /** A complaint must end filed: a broken script would measure the wrong thing. */
  files: boolean;
}

const SCRIPTS: Script[] = LANGUAGES.flatMap((lang) => [
  { name: `complaint ${lang}`, inputs: complaint(lang).map(toInput), files: true },
  { name: `menus ${lang}`, inputs: menus(lang).map(toInput), files: false },
  { name: `knowledge ${lang}`, inputs: KNOWLEDGE[lang].map(toInput), files: false },
]);

// --- 1. The engine alone -----------------------------------------------------

/** What the host would answer to an effect (no I/O here): a filed case, an empty list. */
function effectResult(name: string): Input {
  if (name === "case.submit") return { type: "effect", name, ok: true, data: { ref: "BENCH-0001", urgent: false } };
  return { type: "effect", name, ok: true, data: { cases: [] } };
}

/** Plays one conversation from a new session; returns how many cases it filed and whether it got stuck. */
function play(env: StepEnv, inputs: Input[]): { filed: number; stuck: boolean } {
  let session: Session | null = null;
  let filed = 0;
  let stuck = false;
  for (const input of inputs) {
    let result = stepOwned(env, session, input);
    for (;;) {
      const effect = result.outputs.find((o) => o.type === "effect");
      if (!effect) break;
      if (effect.name === "case.submit") filed++;
      result = stepOwned(env, result.session, effectResult(effect.name));
    }
    for (const o of result.outputs) if (o.type === "event" && o.name === "bot.stuck") stuck = true;
    session = result.session;
  }
  return { filed, stuck };
}

/** Plays the scripts over and over for `ms`; turns are the person's inputs (an effect's result is part of its turn). */
function engineRound(env: StepEnv, ms: number, perScript?: Map<string, { turns: number; ms: number }>) {
  let turns = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const until = started + ms;
  while (performance.now() < until) {
    for (const script of SCRIPTS) {
      const t0 = performance.now();
      play(env, script.inputs);
      turns += script.inputs.length;
      if (perScript) {
        const s = perScript.get(script.name) ?? { turns: 0, ms: 0 };
        s.turns += script.inputs.length;
        s.ms += performance.now() - t0;
        perScript.set(script.name, s);
      }
    }
  }
  const cpu = process.cpuUsage(cpu0);
  // Per CPU-second too: on a shared machine, wall time also counts the time other processes had the core.
  return { perSecond: turns / ((performance.now() - started) / 1000), perCpuSecond: turns / ((cpu.user + cpu.system) / 1e6) };
}

function benchEngine() {
  const localesDir = join(PROJECT_ROOT, "locales");
  // The same parts createRuntime assembles (buildEnv with the real flows, knowledge and guides data).
  const env = buildEnv(
    loadFlowsOrThrow(join(PROJECT_ROOT, "flows"), localesDir),
    parseConfig({}),
    () => new Date(),
    loadKnowledgeService(localesDir),
  );
  for (const script of SCRIPTS) {
    const { filed, stuck } = play(env, script.inputs);
    if (stuck || filed !== (script.files ? 1 : 0))
      throw new Error(`script "${script.name}" does not run as intended: ${filed} filed, stuck: ${stuck}`);
  }
  engineRound(env, 1500); // warm-up: the JIT compiles the hot paths
  const perScript = new Map<string, { turns: number; ms: number }>();
  const rounds = Array.from({ length: ENGINE_ROUNDS }, () => engineRound(env, ENGINE_ROUND_MS, perScript));
  const turnsPerConversation = SCRIPTS.reduce((n, s) => n + s.inputs.length, 0);
  const perSecond = rounds.map((r) => r.perSecond);
  return { perSecond, median: median(perSecond), cpuMedian: median(rounds.map((r) => r.perCpuSecond)), perScript, turnsPerConversation };
}

// --- 5. Knowledge search (as scripts/bench-kb.ts) ------------------------------

function benchKnowledge() {
  const { kb } = loadKnowledge({ knowledgeDir: join(PROJECT_ROOT, "knowledge"), localesDir: join(PROJECT_ROOT, "locales") });
  if (!kb) throw new Error("the knowledge base does not load: run npm run kb -- lint");
  const index = KnowledgeIndex.build(kb);
  const questions = readFileSync(join(PROJECT_ROOT, "test", "kb", "questions.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { q: string; lang: Lang });
  for (let r = 0; r < 3; r++) for (const q of questions) index.search(q.q, { lang: q.lang }); // warm-up
  const times: number[] = [];
  for (let r = 0; r < 20; r++) {
    for (const q of questions) {
      const s = performance.now();
      index.search(q.q, { lang: q.lang });
      times.push(performance.now() - s);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), queries: times.length, questions: questions.length };
}

// --- 4. Process memory, in a child process -----------------------------------

interface MemoryFigures {
  people: number;
  turns: number;
  heapBytes: number;
  rssBytes: number;
  sealedBytes: number;
  seconds: number;
}

function benchMemory(): Promise<MemoryFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--expose-gc", "--import", "tsx", "scripts/bench-memory.ts", "--people", String(MEMORY_PEOPLE)],
      { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? "", DATA_KEYS }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) return reject(new Error(`scripts/bench-memory.ts failed (exit ${code}):\n${err}${out}`));
      resolve(JSON.parse(last) as MemoryFigures);
    });
  });
}

// --- 2. and 3. Redis -----------------------------------------------------------

/** Complaint answers for Conversation.handle: the language comes as the channel's hint, as from Telegram. */
const handledComplaint = (lang: Lang): string[] => ["hola", ...WAGE_THEFT[lang], "1"];

async function fileComplaints(runtime: Runtime, people: number, from: number) {
  let turns = 0;
  await Promise.all(
    Array.from({ length: people }, async (_, i) => {
      const lang = LANGUAGES[i % LANGUAGES.length] as Lang;
      for (const text of handledComplaint(lang)) {
        await runtime.conversation.handle("bench", `p${from + i}`, { type: "text", text }, lang);
        turns++;
      }
    }),
  );
  return turns;
}

async function benchRedisTurns(runtime: Runtime) {
  await fileComplaints(runtime, 20, 0); // warm-up, not counted
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const turns = await fileComplaints(runtime, PEOPLE, 1000);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cases = await (runtime.redis as NonNullable<Runtime["redis"]>).zCard(`${PREFIX}cases:by-time`);
  return { turns, seconds, perSecond: turns / seconds, cpuMsPerTurn: (cpu.user + cpu.system) / 1000 / turns, cases };
}

interface Size {
  lang: Lang;
  turn: number;
  memory: number;
  value: number;
}

/** The stored size after every turn of a complaint up to its summary (not sent), per language. */
async function benchSessionSize(runtime: Runtime) {
  const redis = runtime.redis as NonNullable<Runtime["redis"]>;
  const sizes: Size[] = [];
  let largestPlain = "";
  for (const lang of LANGUAGES) {
    const user = `size-${lang}`;
    const key = PREFIX + (sessionKeysWith(runtime.keyring)("bench", user)[0] as string);
    const answers = handledComplaint(lang).slice(0, -1); // up to the summary: "Send" would clear the draft
    for (const [i, text] of answers.entries()) {
      await runtime.conversation.handle("bench", user, { type: "text", text }, lang);
      const memory = Number(await redis.sendCommand(["MEMORY", "USAGE", key, "SAMPLES", "0"]));
      const value = Number(await redis.hStrLen(key, "data"));
      sizes.push({ lang, turn: i + 1, memory, value });
    }
    // Read back as the conversation reads it (inflated and opened).
    const plain =
      (await new EncryptedSessionStore(runtime.store, runtime.keyring).read(sessionKeysWith(runtime.keyring)("bench", user)[0] as string))
        ?.data ?? "";
    if (plain.length > largestPlain.length) largestPlain = plain;
  }
  const fresh = sizes.filter((s) => s.turn === 1).sort((a, b) => b.memory - a.memory)[0] as Size;
  const largest = [...sizes].sort((a, b) => b.memory - a.memory || b.value - a.value)[0] as Size;
  return { fresh, largest, max: Math.max(fresh.memory, largest.memory), anatomy: anatomy(largestPlain) };
}

/** Where the bytes of an encoded session go, for the notes. */
function anatomy(json: string) {
  const s = JSON.parse(json) as Session;
  const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
  const draft = Object.fromEntries(Object.entries(s.vars).filter(([k]) => k.startsWith("c_")));
  return {
    total: Buffer.byteLength(json),
    vars: bytes(s.vars),
    varCount: Object.keys(s.vars).length,
    draft: bytes(draft),
    draftCount: Object.keys(draft).length,
    history: bytes(s.history),
    historyCount: s.history.length,
    stack: bytes(s.stack),
  };
}

async function deleteKeys(runtime: Runtime): Promise<number> {
  const redis = runtime.redis as NonNullable<Runtime["redis"]>;
  let deleted = 0;
  for await (const keys of redis.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 })) if (keys.length) deleted += await redis.del(keys);
  return deleted;
}

// --- 6. Start-up ---------------------------------------------------------------

/**
 * Milliseconds from starting the app until /readyz answers 200: Node's own
 * start, loading the code, flows, locales, the knowledge index and the safety
 * patterns, connecting to Redis, listening. CHANNELS=whatsapp-cloud (nothing
 * to reach before serving), Redis sessions. `args` is the command after node:
 * the compiled app (what the container runs) or the sources through tsx
 * (`npm run serve`). The median of 5 starts.
 */
async function measureStartup(args: string[]): Promise<{ median: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        CHANNELS: "whatsapp-cloud",
        WHATSAPP_CLOUD_TOKEN: "bench-token-0123456789abcdef",
        WHATSAPP_CLOUD_PHONE_NUMBER_ID: "1234567890",
        WHATSAPP_CLOUD_APP_SECRET: "bench-app-secret-0123456789",
        WHATSAPP_CLOUD_VERIFY_TOKEN: "bench-verify-token",
        WHATSAPP_CLOUD_API_BASE: "http://127.0.0.1:9/v23.0",
        REDIS_URL,
        REDIS_PREFIX: PREFIX,
        DATA_KEYS,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    child.stderr.on("data", (d) => {
      log += d;
    });
    try {
      let port: number | undefined;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the app stopped: ${log}`);
        port ??= Number(log.match(/"port":(\d+)[^\n]*"event":"app\.ready"/)?.[1]) || undefined;
        if (
          port &&
          (await fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.status,
            () => 0,
          )) === 200
        )
          break;
        await new Promise((r) => setTimeout(r, 5));
      }
      all.push(performance.now() - t0);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("close", r));
    }
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { median: sorted[2] as number, all };
}

// --- The table ---------------------------------------------------------------

interface Row {
  measure: string;
  result: string;
  target?: string;
  /** Whether the target is met; undefined when there is no target or no figure. */
  met?: boolean;
}

function table(rows: Row[]): string {
  const lines = ["| measure | result | target | met |", "| --- | --- | --- | --- |"];
  for (const r of rows) {
    const met = r.met === undefined ? (r.target && r.result === "not measured" ? "not measured" : "") : r.met ? "met" : "not met";
    lines.push(`| ${r.measure} | ${r.result} | ${r.target ?? ""} | ${met} |`);
  }
  return lines.join("\n");
}

const started = performance.now();
const loadAtStart = loadavg()[0] ?? 0;
progress(`engine: ${SCRIPTS.length} scripted conversations, warm-up then ${ENGINE_ROUNDS} rounds of ${ENGINE_ROUND_MS} ms`);
const engine = benchEngine();
progress("knowledge search");
const kb = benchKnowledge();
progress(`memory: ${int(MEMORY_PEOPLE)} people mid-complaint in a child process`);
const memory = await benchMemory();

const attachmentsDir = mkdtempSync(join(tmpdir(), "bench-attachments-"));
progress(`redis: prefix ${PREFIX}`);
const runtime = await createRuntime({
  config: parseConfig({ REDIS_URL, REDIS_PREFIX: PREFIX, DATA_KEYS, ATTACHMENTS_DIR: attachmentsDir, LOG_LEVEL: "silent" }),
  log: createLogger("silent"),
});
let cleaned: Promise<number> | undefined;
const cleanup = () => {
  cleaned ??= deleteKeys(runtime).finally(async () => {
    await runtime.close();
    rmSync(attachmentsDir, { recursive: true, force: true });
  });
  return cleaned;
};
process.once("SIGINT", () => {
  progress("interrupted: deleting the benchmark's keys");
  void cleanup().finally(() => process.exit(130));
});

let redisTurns: Awaited<ReturnType<typeof benchRedisTurns>>;
let size: Awaited<ReturnType<typeof benchSessionSize>>;
let deleted: number;
let startup: Awaited<ReturnType<typeof measureStartup>>;
let startupTsx: Awaited<ReturnType<typeof measureStartup>>;
try {
  progress(`redis: ${PEOPLE} people at once, each filing a complaint`);
  redisTurns = await benchRedisTurns(runtime);
  progress("redis: stored session sizes");
  size = await benchSessionSize(runtime);
  progress("start-up: npm run build, then 5 starts of the compiled app and 5 through tsx, until /readyz");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  startup = await measureStartup(["dist/main/app.js"]);
  startupTsx = await measureStartup(["--import", "tsx", "src/main/app.ts"]);
} finally {
  deleted = await cleanup();
}

const MiB = 1048576;
const ENGINE_TARGET = 20_000;
const SIZE_TARGET = 2048;
const STARTUP_TARGET = 1500;
const rows: Row[] = [
  {
    measure: `engine turns per second (pure step, no I/O; median of ${ENGINE_ROUNDS} rounds of ${ENGINE_ROUND_MS / 1000} s)`,
    result: `${int(engine.median)} turns/s (rounds ${int(Math.min(...engine.perSecond))}–${int(Math.max(...engine.perSecond))}; ${int(engine.cpuMedian)} per CPU-second)`,
    target: `≥ ${int(ENGINE_TARGET)} turns/s`,
    met: engine.median >= ENGINE_TARGET,
  },
  {
    measure: `turns per second with Redis sessions (Conversation.handle, ${PEOPLE} people at once, encrypted)`,
    result: `${int(redisTurns.perSecond)} turns/s (${int(redisTurns.turns)} turns in ${redisTurns.seconds.toFixed(1)} s)`,
  },
  {
    measure: "memory per stored session (Redis MEMORY USAGE, largest point and fresh, max)",
    result: `${int(size.max)} B (value ${int(size.largest.value)} B; fresh ${int(size.fresh.memory)} B, value ${int(size.fresh.value)} B)`,
    target: `< ${int(SIZE_TARGET)} B`,
    met: size.max < SIZE_TARGET,
  },
  {
    measure: `process memory per ${int(MEMORY_PEOPLE)} active sessions (in-memory store, after GC)`,
    result: `${((memory.heapBytes / memory.people) * (10_000 / MiB)).toFixed(1)} MiB heap, ${((memory.rssBytes / memory.people) * (10_000 / MiB)).toFixed(1)} MiB RSS`,
  },
  {
    measure: "knowledge search latency p50 / p99",
    result: `${kb.p50.toFixed(2)} ms / ${kb.p99.toFixed(2)} ms (${int(kb.queries)} queries)`,
  },
  {
    measure: "start-up time to ready (the compiled app, as the container runs it)",
    result: `${int(startup.median)} ms (median of 5 starts: ${startup.all.map((ms) => int(ms)).join(", ")} ms)`,
    target: `< ${int(STARTUP_TARGET)} ms`,
    met: startup.median < STARTUP_TARGET,
  },
  {
    measure: "start-up time to ready (the sources through tsx: npm run serve)",
    result: `${int(startupTsx.median)} ms (median of 5 starts: ${startupTsx.all.map((ms) => int(ms)).join(", ")} ms)`,
  },
];

const a = size.anatomy;
const notes = [
  `engine: each round plays ${SCRIPTS.length} conversations (${engine.turnsPerConversation} turns: ${SCRIPTS.map((s) => s.name).join(", ")}) again and again; per script, in turns/s: ${[
    ...engine.perScript,
  ]
    .map(([name, s]) => `${name} ${int(s.turns / (s.ms / 1000))}`)
    .join(", ")}.`,
  `redis: a complaint is ${handledComplaint("es").length} turns (language from the channel's hint); ${redisTurns.cases} cases filed (20 in the warm-up); this process's CPU ${redisTurns.cpuMsPerTurn.toFixed(2)} ms per turn; Redis on the same machine.`,
  `session size: largest after turn ${size.largest.turn} of the ${size.largest.lang} complaint (the summary, before sending): ${int(a.total)} B of JSON: vars ${int(a.vars)} B (${a.varCount}, of which the draft c_* ${int(a.draft)} B in ${a.draftCount}), history ${int(a.history)} B (${a.historyCount} snapshots), stack ${int(a.stack)} B; sealed (AES-GCM, base64url) ${int(size.largest.value)} B.`,
  `memory: ${int(memory.people)} people spread over every step of a complaint (${int(memory.turns)} turns in ${memory.seconds.toFixed(1)} s), sessions sealed as in Redis: ${((memory.sealedBytes / memory.people) * (10_000 / MiB)).toFixed(1)} MiB of sealed values per 10,000.`,
  `knowledge: ${kb.questions} questions from test/kb/questions.jsonl x 20 rounds, after a warm-up.`,
  `${deleted} Redis keys under ${PREFIX} deleted; the whole run took ${((performance.now() - started) / 1000).toFixed(0)} s; load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end (other processes on this machine change every figure).`,
];
console.log(`${table(rows)}\n\n${notes.map((n) => `- ${n}`).join("\n")}`);
