// Runtime: assembles the parts from a Config. No side effects at import; the
// caller owns the result and must close() it.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { type AttachmentStore, DirectoryAttachmentStore } from "../cases/attachment-store.js";
import { CaseService } from "../cases/case-service.js";
import { type CaseStore, MemoryCaseStore } from "../cases/case-store.js";
import { RedisCaseStore } from "../cases/redis-case-store.js";
import { type Config, ConfigError } from "../config/config.js";
import type { KnowledgeService, StepEnv } from "../engine/node-kind.js";
import { ENTRY_FLOWS, type LoadedFlows, loadFlowsOrThrow } from "../flows/load.js";
import { HandoffService, withUrgentHandoff } from "../handoff/handoff.js";
import { MemoryTicketStore, RedisTicketStore, type TicketStore } from "../handoff/ticket-store.js";
import { loadDirectory } from "../knowledge/directory.js";
import { type GapsStore, MemoryGapsStore, RedisGapsStore } from "../knowledge/gaps.js";
import { formatKbProblem, loadKnowledge } from "../knowledge/knowledge-base.js";
import { KnowledgeIndex } from "../knowledge/search.js";
import { knowledgeService } from "../knowledge/service.js";
import type { Logger } from "../log/logger.js";
import { Metrics } from "../observability/metrics.js";
import { Keyring, keyringFromEnv } from "../privacy/keyring.js";
import { loadSafety } from "../safety/detector.js";
import { EncryptedSessionStore } from "../sessions/encrypted-session-store.js";
import { MemorySessionStore } from "../sessions/memory-session-store.js";
import { connectRedis, type RedisClient, RedisSessionStore } from "../sessions/redis-session-store.js";
import { type SessionStore, sessionKey } from "../sessions/session-store.js";
import { Conversation } from "./conversation.js";
import { caseEffects, type EffectHandler } from "./effects.js";
import { knowledgeEvents } from "./events.js";

export const PROJECT_ROOT = join(import.meta.dirname, "..", "..");

export interface RuntimeOptions {
  config: Config;
  log: Logger;
  flowsDir?: string;
  localesDir?: string;
  /** The clock; tests fix it. */
  now?: () => Date;
  /** A store to use instead of the one the config names. */
  store?: SessionStore;
  /** Ids for drafts; tests make them predictable. */
  newId?: () => string;
  /** Where counters go (/metrics); a registry of its own otherwise. */
  metrics?: Metrics;
}

export interface Runtime {
  conversation: Conversation;
  store: SessionStore;
  gaps: GapsStore;
  cases: CaseService;
  caseStore: CaseStore;
  attachments: AttachmentStore;
  keyring: Keyring;
  /** The Redis connection the runtime uses, for channels that keep state there too (closed by close()). */
  redis: RedisClient | undefined;
  loaded: LoadedFlows;
  /** Tickets for caseworkers: opening them, and the bot's silence while a person holds the chat. */
  handoff: HandoffService;
  metrics: Metrics;
  close(): Promise<void>;
}

/** Flows that global commands run, coming back to where the person was afterwards. */
export const COMMAND_FLOWS = { status: "case-status", delete: "delete-data", person: "person" } as const;

/** Free text typed at a menu goes to the knowledge answer of the "ask" flow. */
export const FREE_TEXT = { flow: "ask", node: "answer", var: "question" };

export function buildEnv(
  loaded: LoadedFlows,
  config: Config,
  now: () => Date,
  knowledge?: KnowledgeService,
  newId: () => string = randomUUID,
  extras: Pick<StepEnv, "directory" | "safety"> = loadGuidesData(),
): StepEnv {
  return {
    ...extras,
    newId,
    commandFlows: COMMAND_FLOWS,
    ...(knowledge ? { knowledge, freeText: FREE_TEXT } : {}),
    flows: loaded.flows,
    translate: loaded.translate,
    commands: loaded.commands,
    defaultLang: config.defaultLang,
    constants: { sessionDays: config.sessionTtlDays },
    ...ENTRY_FLOWS,
    get today() {
      return now().toISOString().slice(0, 10);
    },
  };
}

/** The help directory and the safety patterns, as data (knowledge/*.yaml); a problem stops the start. */
export function loadGuidesData(knowledgeDir = join(PROJECT_ROOT, "knowledge")): Pick<StepEnv, "directory" | "safety"> {
  return {
    directory: loadDirectory(join(knowledgeDir, "directory.yaml")),
    safety: loadSafety(join(knowledgeDir, "safety.yaml"), join(knowledgeDir, "safety-weights.json")),
  };
}

/** Loads the knowledge base and builds its search index (once, at start-up). */
export function loadKnowledgeService(localesDir = join(PROJECT_ROOT, "locales")): KnowledgeService {
  const { kb, problems } = loadKnowledge({ knowledgeDir: join(PROJECT_ROOT, "knowledge"), localesDir });
  if (!kb) throw new Error(`Knowledge base problems:\n${problems.map(formatKbProblem).join("\n")}`);
  return knowledgeService(kb, KnowledgeIndex.build(kb));
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, log } = options;
  const localesDir = options.localesDir ?? join(PROJECT_ROOT, "locales");
  const loaded = loadFlowsOrThrow(options.flowsDir ?? join(PROJECT_ROOT, "flows"), localesDir);
  const metrics = options.metrics ?? new Metrics();
  const knowledge = countSearches(loadKnowledgeService(localesDir), metrics);
  const keyring = makeKeyring(config, log);
  let store = options.store;
  let gaps: GapsStore = new MemoryGapsStore();
  let caseStore: CaseStore = new MemoryCaseStore();
  let closeStore = async () => {};
  let redis: RedisClient | undefined;
  if (!store) {
    if (config.redisUrl) {
      const client = await connectRedis(config.redisUrl);
      redis = client;
      store = new RedisSessionStore(client, config.redisPrefix);
      gaps = new RedisGapsStore(client, config.redisPrefix);
      caseStore = new RedisCaseStore(client, config.redisPrefix);
      closeStore = async () => {
        await client.close();
      };
      log.info("sessions.redis", { prefix: config.redisPrefix });
    } else {
      store = new MemorySessionStore();
      log.info("sessions.memory");
    }
  }
  const now = options.now ?? (() => new Date());
  const attachments = new DirectoryAttachmentStore(config.attachmentsDir, keyring, config.attachmentMaxBytes);
  const cases = new CaseService(caseStore, keyring, attachments, now);
  const env = buildEnv(loaded, config, now, knowledge, options.newId);
  const tickets: TicketStore = redis ? new RedisTicketStore(redis, config.redisPrefix, keyring) : new MemoryTicketStore();
  const handoff = createHandoff(tickets, config, loaded.commands, log, now);
  metrics.watchHandoffs({
    waiting: async () => (await tickets.list()).filter((t) => t.status === "waiting").map((t) => new Date(t.waitingSince)),
  });
  const conversation = new Conversation({
    env,
    // Sessions hold half-filled reports: sealed at rest like the reports themselves.
    store: new EncryptedSessionStore(store, keyring),
    ttlMs: config.sessionTtlDays * 86_400_000,
    log,
    events: [knowledgeEvents(gaps), handoff.events()],
    effects: { ...withUrgentHandoff(countComplaints(caseEffects(cases), metrics), handoff), ...handoff.effects() },
    gate: (channel, user) => handoff.gate(channel, user),
    metrics,
    sessionKeys: sessionKeysWith(keyring),
  });
  return { conversation, store, gaps, cases, caseStore, attachments, keyring, loaded, redis, handoff, metrics, close: closeStore };
}

/** Knowledge searches counted by whether they found an answer. */
function countSearches(knowledge: KnowledgeService, metrics: Metrics): KnowledgeService {
  return {
    article: (id) => knowledge.article(id),
    search: (question, lang) => {
      const found = knowledge.search(question, lang);
      metrics.searches.inc({ answered: found.results.length > 0 ? "yes" : "no" });
      return found;
    },
  };
}

/** Complaints filed, counted by type (the flow's own choice ids: a small fixed set). */
function countComplaints(effects: Record<string, EffectHandler>, metrics: Metrics): Record<string, EffectHandler> {
  const submit = effects["case.submit"];
  if (!submit) return effects;
  return {
    ...effects,
    "case.submit": async (data, who) => {
      const result = await submit(data, who);
      if (result.ok) {
        const type = typeof data.c_what === "string" && /^[a-z_]{1,40}$/.test(data.c_what) ? data.c_what : "other";
        metrics.complaints.inc({ type });
      }
      return result;
    },
  };
}

/** The handoff service, with the back-to-the-bot and delete words from the loaded commands. */
export function createHandoff(
  tickets: TicketStore,
  config: Pick<Config, "handoff">,
  commands: StepEnv["commands"],
  log: Logger,
  now: () => Date,
): HandoffService {
  const words = (command: string) => new Set([...commands].filter(([, c]) => c === command).map(([w]) => w));
  return new HandoffService(tickets, config.handoff, log, words("bot"), words("delete"), now);
}

/** The keys for data at rest; on the embedded default without keys, a temporary one, loudly. */
export function makeKeyring(config: Config, log: Logger): Keyring {
  if (config.dataKeys) return keyringFromEnv(config.dataKeys, config.dataKeyId);
  if (config.redisUrl) {
    throw new ConfigError([
      "DATA_KEYS: required when REDIS_URL is set, or reports and sessions kept in Redis could not be read after a restart. Make one with: node -e \"console.log('k1:' + require('crypto').randomBytes(32).toString('base64'))\"",
    ]);
  }
  log.warn("privacy.temporary_key", {
    advice:
      "DATA_KEYS is not set: using a temporary encryption key. Reports, drafts and evidence kept now cannot be read after this process stops. Set DATA_KEYS for real use.",
  });
  return Keyring.temporary();
}

/**
 * Where a person's session is kept: under a keyed pseudonym of their chat, so
 * Redis holds no phone number or chat id in its keys; after a key rotation,
 * under the older pseudonyms too, and (from before pseudonyms) the plain key.
 * The conversation moves a session it finds at an older key to the current one.
 */
export function sessionKeysWith(keyring: Keyring): (channel: string, userId: string) => string[] {
  return (channel, userId) => [
    ...keyring.pseudonyms(`${channel}:${userId}`).map((p) => sessionKey(channel, p)),
    sessionKey(channel, userId),
  ];
}
