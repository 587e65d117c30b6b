import { type RunnerHandle, run } from "@grammyjs/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelegramBot, TELEGRAM_CHANNEL, telegramSender } from "../src/channels/telegram/telegram-channel.js";
import { parseTelegramConfig } from "../src/channels/telegram/telegram-config.js";
import { RedisUpdateLedger } from "../src/channels/update-ledger.js";
import { startRelay } from "../src/handoff/relay.js";
import { RedisTopicMap, startCaseworkerGroup } from "../src/handoff/telegram-group.js";
import type { Runtime } from "../src/runtime/create-runtime.js";
import type { RedisClient } from "../src/sessions/redis-session-store.js";
import { FakeTelegram, FakeUser } from "./helpers/fake-telegram.js";
import { silentLog } from "./helpers/fixtures.js";
import { connectTestRedis, deleteByPrefix, redisRuntime, uniquePrefix } from "./helpers/redis.js";

const GROUP = -1001234567890;
let client: RedisClient;
let runtime: Runtime;
let runner: RunnerHandle;
let tg: FakeTelegram;
let stops: (() => Promise<void>)[] = [];
const prefix = uniquePrefix();

beforeAll(async () => {
  client = await connectTestRedis();
  runtime = await redisRuntime(prefix);
  tg = new FakeTelegram();
  await tg.start();
  const config = {
    ...parseTelegramConfig({ TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_CASEWORKER_GROUP_ID: String(GROUP) }),
    maxPerChatPerSecond: 1000,
    maxPerSecond: 10_000,
  };
  expect(config.caseworkerGroupId).toBe(GROUP);
  let group: ReturnType<typeof startCaseworkerGroup> | undefined;
  const ledger = new RedisUpdateLedger(client, prefix);
  const bot = createTelegramBot({
    config,
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: 1_000_000,
    ledger,
    translate: runtime.loaded.translate,
    log: silentLog,
    onGroupMessage: async (m) => (group ? group.onGroupMessage(m) : false),
  });
  await bot.init();
  group = startCaseworkerGroup({
    api: bot.api,
    groupId: GROUP,
    handoff: runtime.handoff,
    topics: new RedisTopicMap(client, prefix),
    ledger,
    log: silentLog,
  });
  const relay = startRelay({
    handoff: runtime.handoff,
    conversation: runtime.conversation,
    senders: { [TELEGRAM_CHANNEL]: telegramSender(bot.api) },
    ledger,
    log: silentLog,
  });
  runner = run(bot);
  stops = [() => runner.stop(), () => relay.stop(), async () => group?.stop()];
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await tg.stop();
  await runtime.close();
  await deleteByPrefix(client, prefix);
  await client.close();
});

function inTopic(thread: number, text: string, from = 4242) {
  tg.push({
    message: {
      message_id: Math.floor(Math.random() * 1e6),
      date: 0,
      chat: { id: GROUP, type: "supergroup", title: "Caseworkers", is_forum: true },
      from: { id: from, is_bot: false, first_name: "Laura" },
      message_thread_id: thread,
      is_topic_message: true,
      text,
      ...(text.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length ?? 0 }] } : {}),
    },
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>, ms = 8000) {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("the caseworkers' Telegram group", () => {
  it("opens a topic per handoff, relays both ways, and /close gives the chat back to the bot", async () => {
    const ana = new FakeUser(tg, 8101, "es");
    await ana.say("/start");
    await ana.say("humano");
    await waitFor(() => tg.topics.length === 1);
    expect(tg.topics[0]).toMatchObject({ chat_id: GROUP, name: expect.stringMatching(/^T-\w{4} · asked · telegram · es$/) });
    const thread = 1001;
    ana.text("Mi patrón no me ha pagado, ¿me ayudan? <b>");
    await waitFor(() => tg.sent.some((m) => m.chat_id === GROUP && m.message_thread_id === thread && m.text.includes("no me ha pagado")));
    expect(tg.sent.find((m) => m.text.includes("no me ha pagado"))?.text).toContain("&lt;b&gt;");

    inTopic(thread, "Hola, soy Laura del equipo. ¿Desde cuándo?");
    await waitFor(() => tg.sent.some((m) => m.chat_id === 8101 && m.text.includes("soy Laura del equipo")));
    const ticket = await runtime.handoff.store.latestFor("telegram", "8101");
    expect(ticket).toMatchObject({ status: "held", assignee: "tg:4242" });

    inTopic(thread, "/close");
    await waitFor(() => tg.sent.some((m) => m.chat_id === 8101 && m.text.includes("¿Te ayudamos?")));
    expect((await runtime.handoff.store.get(ticket?.id ?? ""))?.status).toBe("closed");
    // Messages in other groups, and outside topics, are not the person's nor a caseworker's.
    tg.push({
      message: {
        message_id: 1,
        date: 0,
        chat: { id: -100999, type: "supergroup", title: "x" },
        from: { id: 5, is_bot: false, first_name: "x" },
        text: "hola",
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(tg.sent.filter((m) => m.chat_id === -100999)).toEqual([]);
  }, 30_000);
});
