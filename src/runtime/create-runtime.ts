// Runtime: assembles the parts from a Config. No side effects at import; the
// caller owns the result and must close() it.
import { join } from "node:path";
import type { Config } from "../config/config.js";
import type { StepEnv } from "../engine/node-kind.js";
import { ENTRY_FLOWS, type LoadedFlows, loadFlowsOrThrow } from "../flows/load.js";
import type { Logger } from "../log/logger.js";
import { MemorySessionStore } from "../sessions/memory-session-store.js";
import { connectRedis, RedisSessionStore } from "../sessions/redis-session-store.js";
import type { SessionStore } from "../sessions/session-store.js";
import { Conversation } from "./conversation.js";

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
  loaded: LoadedFlows;
  close(): Promise<void>;
}

export function buildEnv(loaded: LoadedFlows, config: Config, now: () => Date): StepEnv {
  return {
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

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, log } = options;
  const loaded = loadFlowsOrThrow(options.flowsDir ?? join(PROJECT_ROOT, "flows"), options.localesDir ?? join(PROJECT_ROOT, "locales"));
  let store = options.store;
  let closeStore = async () => {};
  if (!store) {
    if (config.redisUrl) {
      const client = await connectRedis(config.redisUrl);
      store = new RedisSessionStore(client, config.redisPrefix);
      closeStore = async () => {
        await client.close();
      };
      log.info("sessions.redis", { prefix: config.redisPrefix });
    } else {
      store = new MemorySessionStore();
      log.info("sessions.memory");
    }
  }
  const env = buildEnv(loaded, config, options.now ?? (() => new Date()));
  const conversation = new Conversation({ env, store, ttlMs: config.sessionTtlDays * 86_400_000, log });
  return { conversation, store, loaded, close: closeStore };
}
