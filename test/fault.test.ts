// Fault tests. The bot (the real app process, Telegram by webhook against the
// fake Bot API, sessions and cases in Redis) is killed with SIGKILL at seeded
// random moments while four people file complaint after complaint, 50 times.
// The driver plays Telegram: an update whose webhook request failed is
// delivered again, with the same update_id, to the restarted process. After
// every kill each person's saved step is the one their acknowledged messages
// lead to (or one further: the message in flight may have been saved), and at
// the end every complaint is filed exactly once. A shadow conversation per
// person (the same flows, in memory, never killed) gives the expected steps.
import { afterAll, describe, expect, it } from "vitest";
import { COMMANDS, TELEGRAM_CHANNEL } from "../src/channels/telegram/telegram-channel.js";
import { parseConfig } from "../src/config/config.js";
import type { Input } from "../src/engine/types.js";
import { createLogger } from "../src/log/logger.js";
import { keyringFromEnv } from "../src/privacy/keyring.js";
import { createRuntime, type Runtime, sessionKeysWith } from "../src/runtime/create-runtime.js";
import { EncryptedSessionStore } from "../src/sessions/encrypted-session-store.js";
import { RedisSessionStore } from "../src/sessions/redis-session-store.js";
import type { SessionStore } from "../src/sessions/session-store.js";
import { type BotProcess, seeded, startBot, textUpdate } from "./helpers/bot-process.js";
import { FakeTelegram } from "./helpers/fake-telegram.js";
import { TEST_KEYS, useTestRedis } from "./helpers/redis.js";
import { WAGE_THEFT_ES } from "./helpers/scripts.js";

const redis = useTestRedis();
const SCRIPT = ["/start", ...WAGE_THEFT_ES, "1", "estado"];
const RUNS = 50;
const SEED = 20261122;
const keyring = keyringFromEnv(TEST_KEYS, undefined);
/** A short lease, so a message the killed process held is handled again within a second. */
const LEASE = { UPDATE_LEASE_SECONDS: "1" };

/** Where a person stands ("flow/node") in a store, read as the bot reads it (at their pseudonymous key). */
async function position(store: SessionStore, chatId: number, keys: ReturnType<typeof sessionKeysWith>): Promise<string> {
  const stored = await store.read(keys(TELEGRAM_CHANNEL, String(chatId))[0] as string);
  if (!stored) return "none";
  const session = JSON.parse(stored.data) as { at: { flow: string; node: string } | null };
  return session.at ? `${session.at.flow}/${session.at.node}` : "none";
}

/** One person: their script, what Telegram has had acknowledged, and a shadow that was never killed. */
class Person {
  acked = 0;
  /** positions[k]: the step after k messages; filed[k]: complaints filed by then. */
  readonly positions: string[] = ["none"];
  readonly filed: number[] = [0];
  private pending: { id: number; text: string } | undefined;

  constructor(
    readonly chatId: number,
    private readonly shadow: Runtime,
  ) {}

  private async shadowStep(text: string) {
    const command = text.match(/^\/([a-z]+)/)?.[1];
    const input: Input = command && COMMANDS[command] ? (COMMANDS[command] as Input) : { type: "text", text };
    await this.shadow.conversation.handle(TELEGRAM_CHANNEL, String(this.chatId), input, "es");
    this.positions.push(
      await position(new EncryptedSessionStore(this.shadow.store, this.shadow.keyring), this.chatId, sessionKeysWith(this.shadow.keyring)),
    );
    const counted = await this.shadow.metrics.complaints.get();
    this.filed.push(counted.values.reduce((sum, v) => sum + v.value, 0));
  }

  /** Sends the next message (or the unacknowledged one again) to the bot: true once acknowledged. */
  async sendNext(bot: BotProcess, nextId: () => number): Promise<boolean> {
    if (!this.pending) {
      const text = SCRIPT[this.acked % SCRIPT.length] as string;
      this.pending = { id: nextId(), text };
      await this.shadowStep(text);
    }
    const status = await bot.post(textUpdate(this.pending.id, this.chatId, this.pending.text));
    if (status !== 200) return false;
    this.pending = undefined;
    this.acked++;
    return true;
  }
}

/** Where the bot saved a person's session in Redis. */
const storedPosition = (chatId: number) =>
  position(new EncryptedSessionStore(new RedisSessionStore(redis.client, redis.prefix), keyring), chatId, sessionKeysWith(keyring));

const shadows: Runtime[] = [];
afterAll(async () => {
  await Promise.all(shadows.map((s) => s.close()));
});

describe("the bot killed with SIGKILL while people file complaints", () => {
  it(`loses and duplicates nothing over ${RUNS} seeded kills, and people resume at their step`, async () => {
    const tg = new FakeTelegram({ record: false });
    await tg.start();
    const random = seeded(SEED);
    let updateId = 1000;
    const nextId = () => ++updateId;
    const people: Person[] = [];
    for (let i = 0; i < 4; i++) {
      const shadow = await createRuntime({ config: parseConfig({}), log: createLogger("silent") });
      shadows.push(shadow);
      people.push(new Person(7100 + i, shadow));
    }
    const casesFiled = () => redis.client.zCard(`${redis.prefix}cases:by-time`);
    try {
      for (let run = 1; run <= RUNS; run++) {
        const bot = await startBot(tg, redis.prefix, LEASE);
        let killed = false;
        const drivers = people.map(async (p) => {
          // Telegram's part: a failed delivery is made again a little later.
          while (!killed) if (!(await p.sendNext(bot, nextId))) await new Promise((r) => setTimeout(r, 100));
        });
        // A random moment: early in a turn, in the middle of one, or between two.
        await new Promise((r) => setTimeout(r, 20 + random() * 1500));
        bot.child.kill("SIGKILL");
        await bot.exited;
        killed = true;
        await Promise.all(drivers);

        const where = `run ${run} (seed ${SEED})`;
        for (const p of people) {
          const stored = await storedPosition(p.chatId);
          // Saved where the acknowledged messages lead, or one further (the message in flight was saved).
          expect([p.positions[p.acked], p.positions[p.acked + 1]], `${where}, chat ${p.chatId}`).toContain(stored);
        }
        const filed = await casesFiled();
        const low = people.reduce((n, p) => n + (p.filed[p.acked] ?? 0), 0);
        const high = people.reduce((n, p) => n + (p.filed[p.acked + 1] ?? p.filed[p.acked] ?? 0), 0);
        expect(filed, where).toBeGreaterThanOrEqual(low);
        expect(filed, where).toBeLessThanOrEqual(high);
      }

      // A last process delivers what is pending and stops cleanly.
      const bot = await startBot(tg, redis.prefix, LEASE);
      for (const p of people) while (!(await p.sendNext(bot, nextId))) await new Promise((r) => setTimeout(r, 100));
      bot.child.kill("SIGTERM");
      expect(await bot.exited).toBe(0);
      for (const p of people) expect(await storedPosition(p.chatId)).toBe(p.positions[p.acked]);
      const expected = people.reduce((n, p) => n + (p.filed[p.acked] ?? 0), 0);
      expect(await casesFiled()).toBe(expected);
      // The runs did reach filing, many times: the test is about complaints, not only first steps.
      expect(expected).toBeGreaterThanOrEqual(8);
    } finally {
      await tg.stop();
    }
  }, 600_000);
});

describe("the bot stopped with SIGTERM while turns are in flight", () => {
  it("finishes those turns, refuses new messages with 503 (the platform delivers them again), and exits 0 in time", async () => {
    const tg = new FakeTelegram();
    await tg.start();
    const bot = await startBot(tg, redis.prefix);
    try {
      const chats = Array.from({ length: 30 }, (_, i) => 7300 + i);
      const posts = chats.map((chat, i) => bot.post(textUpdate(90_000 + i, chat, "/start")));
      await new Promise((r) => setTimeout(r, 15));
      const stoppedAt = Date.now();
      bot.child.kill("SIGTERM");
      // Messages that come once it is stopping are not taken.
      await new Promise((r) => setTimeout(r, 100));
      const late = await Promise.all(chats.slice(0, 5).map((chat, i) => bot.post(textUpdate(91_000 + i, chat, "menu"))));
      expect(
        late.every((s) => s === 503 || s === 0),
        late.join(","),
      ).toBe(true);
      const statuses = await Promise.all(posts);
      expect(await bot.exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(10_000);
      // Every message was either handled in full (a reply sent, 200) or refused (503 or no connection): none half-done.
      for (const [i, status] of statuses.entries()) {
        const replied = tg.sent.some((m) => m.chat_id === chats[i]);
        if (status === 200) expect(replied, `chat ${chats[i]}`).toBe(true);
        else {
          expect([0, 503]).toContain(status);
          expect(replied, `chat ${chats[i]}`).toBe(false);
        }
      }
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      expect(bot.logs.map((l) => l.event)).toEqual(expect.arrayContaining(["app.stopping", "app.stopped"]));
    } finally {
      await tg.stop();
    }
  }, 60_000);
});
