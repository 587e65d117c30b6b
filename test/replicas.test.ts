// Two replicas of the app (two real processes, Telegram by webhook) behind a
// "load balancer" (the driver picks one for each update) sharing one Redis.
// Each chat's messages go to either replica, and some are delivered to both at
// once (a platform retrying during a failover). Every message is handled
// once and in order: each chat gets exactly the replies a single process
// gives; every complaint is filed once; asking for a person on both replicas
// at the same moment opens one ticket. (One WhatsApp session holder among
// replicas: test/whatsapp-web.test.ts, "one WhatsApp session holder".)
import { describe, expect, it } from "vitest";
import { RedisTicketStore } from "../src/handoff/ticket-store.js";
import { keyringFromEnv } from "../src/privacy/keyring.js";
import { type BotProcess, seeded, startBot, textUpdate } from "./helpers/bot-process.js";
import { FakeTelegram } from "./helpers/fake-telegram.js";
import { TEST_KEYS, useTestRedis } from "./helpers/redis.js";
import { WAGE_THEFT_ES } from "./helpers/scripts.js";

const redis = useTestRedis();
const SCRIPT = ["/start", ...WAGE_THEFT_ES, "1"];
const CHATS = 6;

describe("two replicas sharing Redis", () => {
  it("handle each chat's messages once and in order, and file each complaint and ticket once", async () => {
    const tg = new FakeTelegram();
    await tg.start();
    const replicas: BotProcess[] = await Promise.all([startBot(tg, redis.prefix), startBot(tg, redis.prefix)]);
    const random = seeded(42);
    let updateId = 1;
    const repliesTo = (chat: number) =>
      tg.sent.filter((m) => m.chat_id === chat).map((m) => m.text.replace(/[0-9A-Z]{4}-[0-9A-Z]{4}/g, "<ref>"));
    try {
      // What one process says: the reference conversation, all on one replica.
      for (const text of SCRIPT) expect(await replicas[0]?.post(textUpdate(updateId++, 600, text))).toBe(200);
      const reference = repliesTo(600);

      let duplicates = 0;
      await Promise.all(
        Array.from({ length: CHATS }, async (_, i) => {
          const chat = 601 + i;
          for (const text of SCRIPT) {
            const update = textUpdate(updateId++, chat, text);
            const first = random() < 0.5 ? 0 : 1;
            const deliveries = [replicas[first]?.post(update)];
            if (random() < 0.3) {
              duplicates++;
              deliveries.push(replicas[1 - first]?.post(update)); // the same update to the other replica, at the same time
            }
            expect(await Promise.all(deliveries)).toEqual(deliveries.map(() => 200));
          }
        }),
      );
      expect(duplicates).toBeGreaterThan(10);
      for (let i = 0; i < CHATS; i++) expect(repliesTo(601 + i), `chat ${601 + i}`).toEqual(reference);
      expect(await redis.client.zCard(`${redis.prefix}cases:by-time`)).toBe(CHATS + 1);

      // Asking for a person on both replicas in the same instant: one ticket per chat.
      await Promise.all(
        Array.from({ length: CHATS }, (_, i) =>
          Promise.all([
            replicas[0]?.post(textUpdate(updateId++, 601 + i, "persona")),
            replicas[1]?.post(textUpdate(updateId++, 601 + i, "persona")),
          ]),
        ),
      );
      const tickets = await new RedisTicketStore(redis.client, redis.prefix, keyringFromEnv(TEST_KEYS, undefined)).list();
      const open = tickets.filter((t) => t.status !== "closed");
      expect(open).toHaveLength(CHATS);
      expect(new Set(open.map((t) => t.user)).size).toBe(CHATS);

      for (const r of replicas) r.child.kill("SIGTERM");
      expect(await Promise.all(replicas.map((r) => r.exited))).toEqual([0, 0]);
    } finally {
      for (const r of replicas) if (r.child.exitCode === null) r.child.kill("SIGKILL");
      await tg.stop();
    }
  }, 120_000);
});
