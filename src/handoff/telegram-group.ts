// Handoff without the web console, for small organizations: a private
// Telegram forum group of caseworkers (TELEGRAM_CASEWORKER_GROUP_ID). Each
// ticket becomes a topic; what the person sends is posted there; a caseworker
// who writes in the topic takes the ticket and their words reach the person on
// whatever platform they use (through the relay, like console replies);
// `/close` in the topic closes it and the bot takes the chat back with "did we
// help?". Only messages in that group count: the bot must be an admin there
// with the right to manage topics. Topics and tickets are mapped in Redis (or
// memory), so a restarted process keeps posting into the right topic.
import type { Api } from "grammy";
import { toTelegramHtml } from "../channels/telegram/render.js";
import { once, type UpdateLedger } from "../channels/update-ledger.js";
import type { Logger } from "../log/logger.js";
import type { RedisClient } from "../sessions/redis-session-store.js";
import type { HandoffService } from "./handoff.js";
import { ticketRef } from "./ticket-store.js";
import type { Entry } from "./types.js";

/** Where each ticket's topic is. */
export interface TopicMap {
  topicOf(ticket: string): Promise<number | undefined>;
  ticketOf(topic: number): Promise<string | undefined>;
  set(ticket: string, topic: number): Promise<void>;
}

export class MemoryTopicMap implements TopicMap {
  private readonly topics = new Map<string, number>();
  private readonly tickets = new Map<number, string>();
  async topicOf(ticket: string) {
    return this.topics.get(ticket);
  }
  async ticketOf(topic: number) {
    return this.tickets.get(topic);
  }
  async set(ticket: string, topic: number) {
    this.topics.set(ticket, topic);
    this.tickets.set(topic, ticket);
  }
}

export class RedisTopicMap implements TopicMap {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}
  async topicOf(ticket: string) {
    const v = await this.client.hGet(`${this.prefix}tg-group:topics`, ticket);
    return v ? Number(v) : undefined;
  }
  async ticketOf(topic: number) {
    return (await this.client.hGet(`${this.prefix}tg-group:tickets`, String(topic))) ?? undefined;
  }
  async set(ticket: string, topic: number) {
    await this.client.hSet(`${this.prefix}tg-group:topics`, ticket, String(topic));
    await this.client.hSet(`${this.prefix}tg-group:tickets`, String(topic), ticket);
  }
}

export interface GroupDeps {
  api: Api;
  groupId: number;
  handoff: HandoffService;
  topics: TopicMap;
  ledger: UpdateLedger;
  log: Logger;
  now?: () => Date;
}

const FROM: Record<Entry["from"], string> = { person: "👤", bot: "🤖", caseworker: "🧑‍💼", note: "📝", system: "⚙️" };

/** Mirrors tickets into topics; returns what to do with a message in the group, and how to stop. */
export function startCaseworkerGroup(deps: GroupDeps) {
  const { api, groupId, handoff, topics, ledger, log } = deps;
  const store = handoff.store;
  const now = deps.now ?? (() => new Date());
  const controller = new AbortController();

  const topicFor = async (ticketId: string): Promise<number | undefined> => {
    const known = await topics.topicOf(ticketId);
    if (known !== undefined) return known;
    if (!(await ledger.claim(`tg-group:topic:${ticketId}`))) return undefined; // another replica creates it
    const t = await store.get(ticketId).catch(async (error) => {
      await ledger.release(`tg-group:topic:${ticketId}`);
      throw error;
    });
    if (!t) {
      await ledger.done(`tg-group:topic:${ticketId}`);
      return undefined;
    }
    let topic: Awaited<ReturnType<typeof api.createForumTopic>>;
    try {
      topic = await api.createForumTopic(
        groupId,
        `${ticketRef(t.id)} · ${t.reason} · ${t.channel} · ${t.lang}${t.priority === "urgent" ? " · URGENT" : ""}`,
      );
      await topics.set(t.id, topic.message_thread_id);
    } catch (error) {
      await ledger.release(`tg-group:topic:${ticketId}`); // another event may try again
      throw error;
    }
    await ledger.done(`tg-group:topic:${ticketId}`);
    // What was said before the topic existed.
    for (const e of await store.entries(t.id)) await post(topic.message_thread_id, e);
    return topic.message_thread_id;
  };

  const post = (thread: number, e: Entry) =>
    api.sendMessage(
      groupId,
      `${FROM[e.from]} ${toTelegramHtml(e.text ?? (e.media ? `[${e.media.kind}, ${e.media.mime}, ${e.media.size} B]` : ""))}`,
      {
        parse_mode: "HTML",
        message_thread_id: thread,
      },
    );

  const following = store
    .follow((event) => {
      void (async () => {
        if (event.kind === "status" && event.status === "waiting") await topicFor(event.ticket);
        // Posted once per entry, whichever replica sees it first; caseworkers' own words are already in the topic.
        if (event.kind === "entry" && event.entry.from !== "caseworker") {
          const thread = await topics.topicOf(event.ticket);
          const entry = event.entry;
          if (thread !== undefined)
            await once(ledger, `tg-group:post:${event.ticket}:${entry.at}:${entry.from}`, async () => {
              await post(thread, entry);
            });
        }
      })().catch((error) => log.error("tg-group.failed", { ticket: event.ticket, error: (error as Error).message }));
    }, controller.signal)
    .catch(() => undefined);

  /** A message in the caseworkers' group: true when it was ours to handle. */
  const onGroupMessage = async (m: { chatId: number; thread?: number; from: number; text?: string }): Promise<boolean> => {
    if (m.chatId !== groupId || m.thread === undefined || !m.text) return m.chatId === groupId;
    const ticketId = await topics.ticketOf(m.thread);
    const ticket = ticketId ? await store.get(ticketId) : undefined;
    if (!ticket) return true;
    const caseworker = `tg:${m.from}`;
    if (ticket.status === "closed") {
      await api.sendMessage(groupId, "This ticket is closed.", { message_thread_id: m.thread });
      return true;
    }
    if (ticket.status === "waiting") await store.claim(ticket.id, caseworker, now());
    if (/^\/close(@\w+)?(\s|$)/.test(m.text)) {
      await store.close(ticket.id, caseworker, now(), true);
      await store.append(ticket.id, { at: now().toISOString(), from: "system", text: "closed", by: caseworker });
      await api.sendMessage(groupId, "✅ Closed; the bot has the chat again.", { message_thread_id: m.thread });
      return true;
    }
    if (m.text.startsWith("/")) return true; // other commands are not for the person
    await store.append(ticket.id, { at: now().toISOString(), from: "caseworker", text: m.text, by: caseworker });
    await store.mark(ticket.id, "firstReplyAt", now());
    return true;
  };

  return {
    onGroupMessage,
    stop: async () => {
      controller.abort();
      await following;
    },
  };
}
