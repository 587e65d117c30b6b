// `npm run bench:telegram [-- --chats 200 --rate 1500 --app compiled|source]`: simulated chats,
// each filing a complaint (27 turns) through the real bot process and a fake
// Bot API server over loopback, with Redis sessions. The bot runs in webhook
// mode, so the HTTP round trip of each update is its whole turn: the
// once-per-update ledger, session read, engine step, encryption, session
// write, and the replies sent to the fake Bot API (which answers each one).
// Telegram's send limits are lifted for the fake server (TELEGRAM_MAX_PER_*
// below): they would measure Telegram, not the bot.
//
// Three phases, one bot process:
// 1. warm-up: 20 chats file a complaint (not counted), as a bot that has run
//    for a while would be: code compiled by the JIT, caches filled.
// 2. capacity: all chats at once, each sending its next message as soon as the
//    reply arrives: the most turns per second the bot sustains. With no pause
//    between messages, latency here is mostly queueing (chats / throughput).
// 3. load: the same number of chats sending at --rate turns per second in
//    total (each chat one message every chats/rate seconds, never before the
//    previous reply): latency at that load. A turn's latency counts from when
//    it was due, so a bot that falls behind shows it (no coordinated omission).
// The bot is the compiled app (`npm run build`, as `npm run start:prod` and the
// container run it; the npm script builds first), or with --app source the
// TypeScript sources through tsx, as `npm run start:telegram` runs them.
// Prints turns per second, turn latency p50/p99, the bot's CPU per turn and
// its peak memory. Needs Redis at REDIS_URL (default redis://127.0.0.1:6379);
// cleans up its keys.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createClient } from "redis";
import { Pool } from "undici";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";
import { FakeTelegram } from "../test/helpers/fake-telegram.js";
import { WAGE_THEFT_ES } from "../test/helpers/scripts.js";

const { values } = parseArgs({
  options: {
    chats: { type: "string", default: "200" },
    rate: { type: "string", default: "1500" },
    app: { type: "string", default: "compiled" },
  },
});
if (values.app !== "compiled" && values.app !== "source") throw new Error(`--app is compiled or source, not "${values.app}"`);
const APP = values.app === "compiled" ? ["dist/main/app.js"] : ["--import", "tsx", "src/main/app.ts"];
if (values.app === "compiled" && !existsSync(`${PROJECT_ROOT}/dist/main/app.js`))
  throw new Error("no compiled app in dist/: run `npm run build` first (npm run bench:telegram does)");
const CHATS = Number(values.chats);
const RATE = Number(values.rate);
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const prefix = `bench:${randomBytes(4).toString("hex")}:`;
const secret = "bench-webhook-secret-0123456789";
const SCRIPT = ["/start", ...WAGE_THEFT_ES, "1", "estado"];

const tg = new FakeTelegram({ record: false });
await tg.start();
const bot = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    // The same Node flags as `npm run start:telegram` (a larger young generation: less time in GC).
    ...(process.env.BENCH_NODE_FLAGS ?? "--max-semi-space-size=32").split(" ").filter(Boolean),
    ...APP,
    "--channels",
    "telegram",
  ],
  {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_WEBHOOK_URL: "http://127.0.0.1/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: secret,
      TELEGRAM_MAX_PER_SECOND: "10000",
      TELEGRAM_MAX_PER_CHAT_PER_SECOND: "10000",
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DATA_KEYS: `bench:${Buffer.alloc(32, 9).toString("base64")}`,
      PORT: "0",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", process.env.BENCH_BOT_STDOUT ? "inherit" : "ignore", "pipe"],
  },
);
let port = 0;
let botLog = "";
await new Promise<void>((resolve, reject) => {
  let buffer = "";
  bot.stderr.on("data", (d) => {
    buffer += d;
    botLog += d;
    const m = buffer.match(/"port":(\d+)[^\n]*"event":"app\.ready"/);
    if (m) {
      port = Number(m[1]);
      resolve();
    }
  });
  bot.on("close", () => reject(new Error(`the bot did not start:\n${buffer}`)));
});

// undici's pool: a cheap client, so the driver takes less of the machine from the bot.
const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CHATS });
let updateId = 1;
let nextChat = 900_000;

async function send(chatId: number, text: string) {
  const body = JSON.stringify({
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: 0,
      chat: { id: chatId, type: "private" },
      from: { id: chatId, is_bot: false, first_name: "B", language_code: "es" },
      text,
      ...(text.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: text.length }] } : {}),
    },
  });
  const res = await pool.request({
    path: "/telegram/webhook",
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body,
  });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`chat ${chatId}: HTTP ${res.statusCode}`);
}

/** CPU seconds the bot has used so far (utime + stime, in clock ticks of 1/100 s). */
function botCpu() {
  const stat = readFileSync(`/proc/${bot.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(stat[11]) + Number(stat[12])) / 100;
}

interface Phase {
  turns: number;
  seconds: number;
  latencies: number[];
  botCpu: number;
  driverCpu: number;
}

async function measure(run: (latencies: number[]) => Promise<void>): Promise<Phase> {
  const latencies: number[] = [];
  const cpu0 = botCpu();
  const driver0 = process.cpuUsage();
  const started = performance.now();
  await run(latencies);
  const driver = process.cpuUsage(driver0);
  return {
    turns: latencies.length,
    seconds: (performance.now() - started) / 1000,
    latencies: latencies.sort((a, b) => a - b),
    botCpu: botCpu() - cpu0,
    driverCpu: (driver.user + driver.system) / 1e6,
  };
}

/** `chats` chats at once, each sending its next message as soon as the reply arrives. */
function closedLoop(chats: number) {
  return measure(async (latencies) => {
    await Promise.all(
      Array.from({ length: chats }, async () => {
        const chatId = nextChat++;
        for (const text of SCRIPT) {
          const t0 = performance.now();
          await send(chatId, text);
          latencies.push(performance.now() - t0);
        }
      }),
    );
  });
}

/**
 * `slots` people at once, each sending one message every `interval` ms and
 * starting a new complaint (a new chat) when one is filed. Slots start spread
 * over one whole script, so that once all have started (when the measured
 * window opens) they are at every step of the flow, as real people would be,
 * rather than all reaching the same step together.
 */
function openLoop(slots: number, interval: number, windowMs: number) {
  const scriptMs = SCRIPT.length * interval;
  const t0 = performance.now();
  const from = t0 + scriptMs;
  const until = from + windowMs;
  let cpu0 = 0;
  let driver0 = process.cpuUsage();
  // The CPU counters start with the window, when every slot is running.
  const windowOpens = setTimeout(() => {
    cpu0 = botCpu();
    driver0 = process.cpuUsage();
  }, scriptMs);
  return measure(async (latencies) => {
    await Promise.all(
      Array.from({ length: slots }, async (_, i) => {
        let due = t0 + (scriptMs * i) / slots;
        while (due < until) {
          const chatId = nextChat++;
          for (const text of SCRIPT) {
            if (due >= until) break; // the window is over: this chat stops where it is
            const wait = due - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            await send(chatId, text);
            if (due >= from && due < until) latencies.push(performance.now() - due);
            due += interval;
          }
        }
      }),
    );
  }).then((phase) => {
    clearTimeout(windowOpens);
    const driver = process.cpuUsage(driver0);
    return { ...phase, seconds: windowMs / 1000, botCpu: botCpu() - cpu0, driverCpu: (driver.user + driver.system) / 1e6 };
  });
}

function report(name: string, p: Phase) {
  const pct = (q: number) => (p.latencies[Math.min(p.latencies.length - 1, Math.floor(q * p.latencies.length))] ?? 0).toFixed(1);
  console.log(`${name}: ${p.turns} turns in ${p.seconds.toFixed(1)} s = ${(p.turns / p.seconds).toFixed(0)} turns/s`);
  console.log(`  turn latency: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${p.latencies.at(-1)?.toFixed(1)} ms`);
  console.log(
    `  CPU per turn: bot ${((p.botCpu / p.turns) * 1000).toFixed(2)} ms, driver and fake API ${((p.driverCpu / p.turns) * 1000).toFixed(2)} ms`,
  );
}

await closedLoop(20);
const capacity = await closedLoop(CHATS);
const load = await openLoop(CHATS, (CHATS / RATE) * 1000, 6000);
const peakKb = Number(readFileSync(`/proc/${bot.pid}/status`, "utf8").match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
bot.kill("SIGTERM");
await new Promise((r) => bot.on("close", r));
await pool.close();

const redis = createClient({ url: REDIS_URL });
await redis.connect();
const cases = await redis.zCard(`${prefix}cases:by-time`);
for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
await redis.close();
await tg.stop();

console.log(`bot: the ${values.app === "compiled" ? "compiled app (dist/)" : "sources through tsx"}`);
console.log(`a complaint is ${SCRIPT.length} turns; ${cases} cases filed in all phases`);
report(`capacity (${CHATS} chats at once, no pause)`, capacity);
report(`load (${CHATS} chats, ${RATE} turns/s offered)`, load);
console.log(`bot peak memory (VmHWM): ${(peakKb / 1024).toFixed(0)} MiB`);
console.log(`replies sent to the fake Bot API: ${tg.sentCount}`);
const errors = botLog.split("\n").filter((l) => l.includes('"level":"error"'));
if (errors.length) console.log(`bot errors: ${errors.length}, e.g. ${errors[0]}`);
