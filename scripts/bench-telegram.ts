// `npm run bench:telegram [-- --chats 200]`: N simulated chats, all at once,
// each filing a complaint (about 27 turns) through the real bot process and a
// fake Bot API server over loopback, with Redis sessions. The bot runs in
// webhook mode, so the HTTP round trip of each update is its whole turn:
// session read, engine step, encryption, session write, and the replies sent
// to the fake Bot API. Telegram's send limits are lifted for the fake server
// (TELEGRAM_MAX_PER_* below): they would measure Telegram, not the bot.
// Prints turns per second, turn latency p50/p99 and the bot's peak memory.
// Needs Redis at REDIS_URL (default redis://127.0.0.1:6379); cleans up its keys.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { createClient } from "redis";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";
import { FakeTelegram } from "../test/helpers/fake-telegram.js";
import { WAGE_THEFT_ES } from "../test/helpers/scripts.js";

const { values } = parseArgs({ options: { chats: { type: "string", default: "200" } } });
const CHATS = Number(values.chats);
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const prefix = `bench:${randomBytes(4).toString("hex")}:`;
const secret = "bench-webhook-secret-0123456789";
const SCRIPT = ["/start", ...WAGE_THEFT_ES, "1", "estado"];

const tg = new FakeTelegram();
await tg.start();
const bot = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    // The same Node flags as `npm run start:telegram` (a larger young generation: less time in GC).
    ...(process.env.BENCH_NODE_FLAGS ?? "--max-semi-space-size=32").split(" ").filter(Boolean),
    "--import",
    "tsx",
    "src/main/telegram.ts",
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
      ...(process.env.NO_THROTTLE ? { NO_THROTTLE: "1" } : {}),
    },
    stdio: ["ignore", "ignore", "pipe"],
  },
);
let port = 0;
let botLog = "";
await new Promise<void>((resolve, reject) => {
  let buffer = "";
  bot.stderr.on("data", (d) => {
    buffer += d;
    botLog += d;
    const m = buffer.match(/"event":"telegram\.started"[^\n]*"port":(\d+)/);
    if (m) {
      port = Number(m[1]);
      resolve();
    }
  });
  bot.on("close", () => reject(new Error(`the bot did not start:\n${buffer}`)));
});

// A plain keep-alive HTTP client: cheaper than fetch, so the driver takes less of the machine from the bot.
const agent = new Agent({ keepAlive: true, maxSockets: CHATS });
let updateId = 1;
const latencies: number[] = [];
async function turn(chatId: number, text: string) {
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
  const t0 = performance.now();
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/telegram/webhook",
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "x-telegram-bot-api-secret-token": secret,
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  latencies.push(performance.now() - t0);
  if (status !== 200) throw new Error(`chat ${chatId}: HTTP ${status}`);
}

const started = performance.now();
await Promise.all(
  Array.from({ length: CHATS }, async (_, i) => {
    for (const text of SCRIPT) await turn(900_000 + i, text);
  }),
);
const seconds = (performance.now() - started) / 1000;
const peakKb = Number(readFileSync(`/proc/${bot.pid}/status`, "utf8").match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
// CPU seconds used by the bot (utime + stime, in clock ticks of 1/100 s) and by this driver + fake API.
const stat = readFileSync(`/proc/${bot.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
const botCpu = (Number(stat[11]) + Number(stat[12])) / 100;
const driverCpu = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
bot.kill("SIGTERM");
await new Promise((r) => bot.on("close", r));

const redis = createClient({ url: REDIS_URL });
await redis.connect();
const cases = await redis.zCard(`${prefix}cases:by-time`);
for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
await redis.close();
await tg.stop();

latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0).toFixed(1);
console.log(`chats: ${CHATS} at once, ${SCRIPT.length} turns each (a full complaint), ${latencies.length} turns, ${cases} cases filed`);
console.log(`throughput: ${(latencies.length / seconds).toFixed(0)} turns/s over ${seconds.toFixed(1)} s`);
console.log(`turn latency: p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`);
console.log(`bot peak memory (VmHWM): ${(peakKb / 1024).toFixed(0)} MiB`);
console.log(
  `CPU: bot ${botCpu.toFixed(1)} s (${((botCpu / latencies.length) * 1000).toFixed(2)} ms per turn, start-up included), driver and fake API ${driverCpu.toFixed(1)} s`,
);
console.log(`replies sent to the fake Bot API: ${tg.sent.length}`);
const errors = botLog.split("\n").filter((l) => l.includes('"level":"error"'));
if (errors.length) console.log(`bot errors: ${errors.length}, e.g. ${errors[0]}`);
