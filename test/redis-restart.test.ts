// Redis going away while the bot runs, and coming back. A Redis server of this
// test's own (appendonly, in a temporary directory: it keeps its data across
// the restart, as the compose file's does) serves the real app process.
// While Redis is down the process stays up, /readyz says so, and a person
// who writes gets the apology in their language; once Redis is back the bot
// recovers by itself and the person goes on from the step they were at.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type BotProcess, startBot, textUpdate } from "./helpers/bot-process.js";
import { FakeTelegram } from "./helpers/fake-telegram.js";
import { WAGE_THEFT_ES } from "./helpers/scripts.js";

const APOLOGY_ES = "Perdón, algo falló de nuestro lado. Por favor intenta otra vez en un momento. Lo que ya escribiste no se perdió.";
const dir = mkdtempSync(join(tmpdir(), "redis-restart-"));
let server: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const address = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return typeof address === "object" && address ? address.port : 0;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  for (let i = 0; i < 200 && !out.includes("Ready to accept connections"); i++) await new Promise((r) => setTimeout(r, 25));
  if (!out.includes("Ready to accept connections")) throw new Error(`redis-server did not start: ${out}`);
  return child;
}

const stop = async (child: ChildProcess | undefined) => {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("close", r));
};

afterAll(async () => {
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
});

const readyz = (bot: BotProcess) =>
  fetch(`http://127.0.0.1:${bot.port}/readyz`).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

describe("Redis restarted in the middle of a conversation", () => {
  it("keeps the bot up, apologises meanwhile, and goes on from the same step when Redis is back", async () => {
    const port = await freePort();
    server = await startRedis(port);
    const tg = new FakeTelegram();
    await tg.start();
    const bot = await startBot(tg, "restart:", { REDIS_URL: `redis://127.0.0.1:${port}`, UPDATE_LEASE_SECONDS: "1" });
    let id = 1;
    /** One message from a person; the texts the bot sent them in reply. */
    const say = async (chat: number, text: string) => {
      const before = tg.sent.length;
      expect(await bot.post(textUpdate(id++, chat, text))).toBe(200);
      return tg.sent
        .slice(before)
        .filter((m) => m.chat_id === chat)
        .map((m) => m.text);
    };
    try {
      const script = ["/start", ...WAGE_THEFT_ES.slice(0, 6)];
      // A reference chat, never interrupted: what the next step says.
      for (const text of script) await say(501, text);
      const expected = await say(501, WAGE_THEFT_ES[6] as string);
      for (const text of script) await say(502, text);
      expect((await readyz(bot)).status).toBe(200);

      await stop(server);
      // The person writes while Redis is away: an apology in Spanish, and the process stays up.
      expect(await say(502, WAGE_THEFT_ES[6] as string)).toEqual([APOLOGY_ES]);
      expect(bot.child.exitCode).toBeNull();
      const down = await readyz(bot);
      expect(down.status).toBe(503);
      expect(down.body.checks).toMatchObject({ telegram: true });
      expect((down.body.checks as Record<string, unknown>).redis).not.toBe(true);

      server = await startRedis(port);
      // The client reconnects by itself (waits of up to 5 s between tries).
      let ready = false;
      for (let i = 0; i < 100 && !ready; i++) {
        ready = (await readyz(bot)).status === 200;
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(true);
      // Trying again: the same step's next question, as for the chat that was never interrupted.
      expect(await say(502, WAGE_THEFT_ES[6] as string)).toEqual(expected);
      bot.child.kill("SIGTERM");
      expect(await bot.exited).toBe(0);
    } finally {
      if (bot.child.exitCode === null) bot.child.kill("SIGKILL");
      await tg.stop();
    }
  }, 60_000);
});
