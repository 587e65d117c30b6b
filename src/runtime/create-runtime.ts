// Runtime: assembles the parts from a Config. No side effects at import; the
// caller owns the result and must close() it.
import { join } from "node:path";
import type { Config } from "../config/config.js";
import type { KnowledgeService, StepEnv } from "../engine/node-kind.js";
import { ENTRY_FLOWS, type LoadedFlows, loadFlowsOrThrow } from "../flows/load.js";
import { type GapsStore, MemoryGapsStore, RedisGapsStore } from "../knowledge/gaps.js";
import { formatKbProblem, loadKnowledge } from "../knowledge/knowledge-base.js";
import { KnowledgeIndex } from "../knowledge/search.js";
import { knowledgeService } from "../knowledge/service.js";
import type { Logger } from "../log/logger.js";
import { MemorySessionStore } from "../sessions/memory-session-store.js";
import { connectRedis, RedisSessionStore } from "../sessions/redis-session-store.js";
import type { SessionStore } from "../sessions/session-store.js";
import { Conversation } from "./conversation.js";
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
}

export interface Runtime {
  conversation: Conversation;
  store: SessionStore;
  gaps: GapsStore;
  loaded: LoadedFlows;
  close(): Promise<void>;
}

/** Free text typed at a menu goes to the knowledge answer of the "ask" flow. */
export const FREE_TEXT = { flow: "ask", node: "answer", var: "question" };

export function buildEnv(loaded: LoadedFlows, config: Config, now: () => Date, knowledge?: KnowledgeService): StepEnv {
  return {
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
  const knowledge = loadKnowledgeService(localesDir);
  let store = options.store;
  let gaps: GapsStore = new MemoryGapsStore();
  let closeStore = async () => {};
  if (!store) {
    if (config.redisUrl) {
      const client = await connectRedis(config.redisUrl);
      store = new RedisSessionStore(client, config.redisPrefix);
      gaps = new RedisGapsStore(client, config.redisPrefix);
      closeStore = async () => {
        await client.close();
      };
      log.info("sessions.redis", { prefix: config.redisPrefix });
    } else {
      store = new MemorySessionStore();
      log.info("sessions.memory");
    }
  }
  const env = buildEnv(loaded, config, options.now ?? (() => new Date()), knowledge);
  const conversation = new Conversation({ env, store, ttlMs: config.sessionTtlDays * 86_400_000, log, events: [knowledgeEvents(gaps)] });
  return { conversation, store, gaps, loaded, close: closeStore };
}
