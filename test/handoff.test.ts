// Handoff to caseworkers with real Redis: what opens a ticket, claims that
// race, transfer, close and reopen, the bot's silence while a person holds the
// chat, and the relay to the Telegram (fake Bot API over HTTP) and WhatsApp
// (fake whatsapp-web.js client) adapters.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Bot } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPacer } from "../src/channels/pacer.js";
import { telegramSender } from "../src/channels/telegram/telegram-channel.js";
import { RedisUpdateLedger } from "../src/channels/update-ledger.js";
import { RedisServiceWindow } from "../src/channels/whatsapp/service-window.js";
import { WhatsAppWebChannel } from "../src/channels/whatsapp/wweb-channel.js";
import type { Output } from "../src/engine/types.js";
import { startRelay } from "../src/handoff/relay.js";
import type { RedisTicketStore } from "../src/handoff/ticket-store.js";
import type { Runtime } from "../src/runtime/create-runtime.js";
import type { RedisClient } from "../src/sessions/redis-session-store.js";
import { FakeTelegram, FakeUser } from "./helpers/fake-telegram.js";
import { FakePhone, FakeWwebClient } from "./helpers/fake-wweb.js";
import { FIXTURES, silentLog } from "./helpers/fixtures.js";
import { connectTestRedis, deleteByPrefix, redisRuntime, uniquePrefix } from "./helpers/redis.js";
import { WAGE_THEFT_ES } from "./helpers/scripts.js";

let client: RedisClient;
let runtime: Runtime;
const prefix = uniquePrefix();
const texts = (outputs: Output[]) => outputs.flatMap((o) => (o.type === "text" ? [o.text] : []));

beforeAll(async () => {
  client = await connectTestRedis();
  runtime = await redisRuntime(prefix);
});
afterAll(async () => {
  await runtime.close();
  await deleteByPrefix(client, prefix);
  await client.close();
});

const say = (user: string, text: string, channel = "terminal") => runtime.conversation.handle(channel, user, { type: "text", text });
const store = () => runtime.handoff.store;

describe("what hands a chat off", () => {
  it("the person asking: an honest message, then silence, and every message kept for the caseworker", async () => {
    await say("ana", "hola");
    await say("ana", "1");
    const asked = texts(await say("ana", "quiero hablar con una persona"));
    expect(asked.join()).toMatch(/no encontré|persona/i);
    const reply = texts(await say("ana", "humano"));
    expect(reply[0]).toMatch(/^🙋 Listo: una persona de nuestro equipo te va a contestar aquí mismo\. Tu número de caso es \*T-\w{4}\*/);
    const ticket = await store().activeFor("terminal", "ana");
    expect(ticket).toMatchObject({ reason: "asked", requested: true, status: "waiting", priority: "normal", lang: "es" });
    expect(await say("ana", "¿hay alguien?")).toEqual([]);
    expect((await store().entries(ticket?.id ?? "")).filter((e) => e.from === "person").map((e) => e.text)).toContain("¿hay alguien?");
    // Nothing personal in the clear in Redis.
    const raw = JSON.stringify(await client.hGetAll(`${prefix}handoff:ticket:${ticket?.id}`));
    expect(raw).not.toContain("ana");
  });

  it("a safety alert: an urgent ticket in the queue, while the bot goes on", async () => {
    await say("beto", "hola");
    await say("beto", "1");
    const out = await say("beto", "el patron me quito el pasaporte");
    expect(out.some((o) => o.type === "text" && o.safety === "documents_taken")).toBe(true);
    expect(await store().activeFor("terminal", "beto")).toMatchObject({
      reason: "safety",
      priority: "urgent",
      requested: false,
      alert: "documents_taken",
    });
    expect(texts(await say("beto", "1")).length).toBeGreaterThan(0); // not silent
  });

  it("an urgent complaint: an urgent ticket linked to its case", async () => {
    await say("caro", "hola");
    await say("caro", "1");
    // A minor's wage complaint is urgent.
    const script = [...WAGE_THEFT_ES];
    script[11] = "si";
    for (const answer of script) await say("caro", answer);
    await say("caro", "1");
    const t = await store().activeFor("terminal", "caro");
    expect(t).toMatchObject({ reason: "urgent_complaint", priority: "urgent" });
    expect(t?.caseRef).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  });

  it("the bot failing to understand several times in a row", async () => {
    await say("dani", "hola");
    await say("dani", "1");
    // At the menu, numbers that are no option, again and again (no letters: not a question either).
    for (const text of ["77", "88", "99", "66"]) await say("dani", text);
    expect(await store().activeFor("terminal", "dani")).toMatchObject({ reason: "not_understood" });
  });
});

describe("tickets", () => {
  const open = (user: string) => runtime.handoff.open({ channel: "terminal", user, lang: "es" }, "asked", { requested: true });

  it("can be claimed by one caseworker only, however close the race", async () => {
    const { ticket } = await open("eva");
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store().claim(ticket.id, `cw${i}`, new Date())));
    expect(results.filter((r) => r === "claimed")).toHaveLength(1);
    expect(results.filter((r) => r === "taken")).toHaveLength(7);
    expect(await store().claim("nope", "cw", new Date())).toBe("missing");
  });

  it("are transferred only by whoever holds them, and closed once", async () => {
    const { ticket } = await open("fer");
    await store().claim(ticket.id, "a", new Date());
    expect(await store().transfer(ticket.id, "b", "c")).toBe(false);
    expect(await store().transfer(ticket.id, "a", "b")).toBe(true);
    expect((await store().get(ticket.id))?.assignee).toBe("b");
    expect(await store().close(ticket.id, "b", new Date())).toBe(true);
    expect(await store().close(ticket.id, "b", new Date())).toBe(false);
    expect(await store().activeFor("terminal", "fer")).toBeUndefined();
  });

  it("reopen when the person writes back within the configured days, and start afresh after", async () => {
    const days = runtime.handoff.config.reopenDays;
    const s = store() as RedisTicketStore;
    const first = await s.open(
      { channel: "terminal", user: "gil", lang: "es", reason: "asked", priority: "normal", requested: true },
      new Date("2026-11-01T10:00:00Z"),
      days,
    );
    await s.close(first.ticket.id, "a", new Date("2026-11-01T11:00:00Z"));
    const again = await s.open(
      { channel: "terminal", user: "gil", lang: "es", reason: "asked", priority: "normal", requested: true },
      new Date("2026-11-03T10:00:00Z"),
      days,
    );
    expect(again).toMatchObject({ created: false, reopened: true, ticket: { id: first.ticket.id, status: "waiting" } });
    await s.close(first.ticket.id, "a", new Date("2026-11-03T11:00:00Z"));
    const later = await s.open(
      { channel: "terminal", user: "gil", lang: "es", reason: "asked", priority: "normal", requested: true },
      new Date(Date.parse("2026-11-03T11:00:00Z") + (days + 1) * 86_400_000),
      days,
    );
    expect(later.created).toBe(true);
    expect(later.ticket.id).not.toBe(first.ticket.id);
  });

  it("queue urgent first, then the longest waiting", async () => {
    const s = store();
    const list = (await s.list()).filter((t) => t.status === "waiting");
    const urgentIndex = list.findIndex((t) => t.priority === "normal");
    expect(list.slice(0, urgentIndex).every((t) => t.priority === "urgent")).toBe(true);
    expect(list.slice(urgentIndex).every((t) => t.priority === "normal")).toBe(true);
  });
});

describe("while a caseworker holds the chat", () => {
  it("the bot is silent except for 'delete my data' and the way back to the bot", async () => {
    await say("hugo", "hola");
    await say("hugo", "1");
    await say("hugo", "humano");
    const t = await store().activeFor("terminal", "hugo");
    await store().claim(t?.id ?? "", "cw", new Date());
    expect(await say("hugo", "menu")).toEqual([]);
    expect(await say("hugo", "3")).toEqual([]);
    // A photo or voice note goes to the caseworker too (the console links it).
    const stored = await runtime.attachments.put(readFileSync(join(FIXTURES, "evidence", "voice-note.ogg")));
    if (!stored.ok) throw new Error("fixture refused");
    expect(await runtime.conversation.handle("terminal", "hugo", { type: "media", media: stored.media })).toEqual([]);
    expect((await store().entries(t?.id ?? "")).at(-1)?.media).toMatchObject({ kind: "voice", id: stored.media.id });
    expect(texts(await say("hugo", "bot")).at(-1)).toBe("¿En qué te puedo ayudar? Elige una opción:");
    expect(await store().activeFor("terminal", "hugo")).toBeUndefined();
    await say("hugo", "humano");
    await store().claim((await store().activeFor("terminal", "hugo"))?.id ?? "", "cw", new Date());
    expect(texts(await say("hugo", "borrar mis datos")).join()).toMatch(/borrar/i);
  });
});

describe("the relay", () => {
  it("delivers a caseworker's words to Telegram and gives the chat back with 'did we help?'", async () => {
    const tg = new FakeTelegram();
    await tg.start();
    const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
    const relay = startRelay({
      handoff: runtime.handoff,
      conversation: runtime.conversation,
      senders: { telegram: telegramSender(bot.api) },
      ledger: new RedisUpdateLedger(client, prefix, "relay-test"),
      log: silentLog,
    });
    try {
      const user = new FakeUser(tg, 7001, "es");
      await say("7001", "hola", "telegram");
      await say("7001", "1", "telegram");
      await say("7001", "humano", "telegram");
      const t = await store().activeFor("telegram", "7001");
      await store().claim(t?.id ?? "", "cw", new Date());
      await new Promise((r) => setTimeout(r, 100));
      await store().append(t?.id ?? "", {
        at: new Date().toISOString(),
        from: "caseworker",
        text: "Hola, soy Laura. ¿Cómo te ayudo? <b>",
        by: "cw",
      });
      await waitFor(() => tg.sent.some((m) => m.chat_id === 7001 && m.text.includes("soy Laura")));
      expect(tg.sent.find((m) => m.text.includes("soy Laura"))?.text).toContain("&lt;b&gt;");
      await store().close(t?.id ?? "", "cw", new Date(), true);
      await waitFor(() => tg.sent.some((m) => m.chat_id === 7001 && m.text.includes("¿Te ayudamos?")));
      expect(user.chatId).toBe(7001);
      // The bot has the chat again.
      expect(texts(await say("7001", "1", "telegram")).join()).toMatch(/Gracias/);
    } finally {
      await relay.stop();
      await tg.stop();
    }
  });

  it("delivers to WhatsApp within the 24-hour window and says so when it cannot", async () => {
    const fake = new FakeWwebClient();
    const channel = new WhatsAppWebChannel({
      createClient: () => fake,
      conversation: runtime.conversation,
      attachments: runtime.attachments,
      maxAttachmentBytes: 1_000_000,
      ledger: new RedisUpdateLedger(client, prefix, "wa-test"),
      translate: runtime.loaded.translate,
      pace: createPacer({ perSecond: 1000, perChatPerSecond: 1000 }),
      window: new RedisServiceWindow(client, prefix, runtime.keyring),
      log: silentLog,
    });
    await channel.start();
    const relay = startRelay({
      handoff: runtime.handoff,
      conversation: runtime.conversation,
      senders: { whatsapp: channel.sender() },
      ledger: new RedisUpdateLedger(client, prefix, "relay-test"),
      log: silentLog,
    });
    try {
      const phone = new FakePhone(channel, () => fake, "5215512340001");
      await phone.say("hola");
      await phone.say("1");
      await phone.say("humano");
      const t = await store().activeFor("whatsapp", "5215512340001");
      await store().claim(t?.id ?? "", "cw", new Date());
      await new Promise((r) => setTimeout(r, 100));
      await store().append(t?.id ?? "", { at: new Date().toISOString(), from: "caseworker", text: "Hola, soy Laura.", by: "cw" });
      await waitFor(() => phone.replies().includes("Hola, soy Laura."));
      // Someone who never wrote: nothing is sent, and the caseworker is told why.
      const { ticket } = await runtime.handoff.open({ channel: "whatsapp", user: "5215500000099", lang: "es" }, "asked", {
        requested: true,
      });
      await store().claim(ticket.id, "cw", new Date());
      await new Promise((r) => setTimeout(r, 100));
      await store().append(ticket.id, { at: new Date().toISOString(), from: "caseworker", text: "¿Hola?", by: "cw" });
      await waitFor(async () => (await store().entries(ticket.id)).some((e) => e.text === "not delivered: outside_window"));
    } finally {
      await relay.stop();
      await channel.stop();
    }
  });
});

describe("a long wait", () => {
  it("is flagged and gets the person one update instead of silence", async () => {
    await say("ivan", "hola");
    await say("ivan", "1");
    await say("ivan", "humano");
    const sent: string[] = [];
    const later = new Date(Date.now() + (runtime.handoff.config.longWaitMinutes + 1) * 60_000);
    const relay = startRelay({
      handoff: runtime.handoff,
      conversation: runtime.conversation,
      senders: {
        terminal: async (user, outputs) => {
          if (user === "ivan") sent.push(...texts(outputs));
          return { ok: true };
        },
      },
      ledger: new RedisUpdateLedger(client, prefix, "relay-wait"),
      log: silentLog,
      now: () => later,
      checkEveryMs: 50,
    });
    try {
      await waitFor(() => sent.length > 0);
      await new Promise((r) => setTimeout(r, 300));
      expect(sent).toEqual([expect.stringMatching(/^⏳ Seguimos aquí/)]);
      expect((await store().activeFor("terminal", "ivan"))?.updateSentAt).toBe(later.toISOString());
    } finally {
      await relay.stop();
    }
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, ms = 5000) {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
