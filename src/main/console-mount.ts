// The caseworkers' console at /console on the app's HTTP server (CONSOLE=1).
// It shares Redis with the channel processes: tickets, accounts and sessions
// live there, and whichever process serves a channel delivers what caseworkers
// write (src/handoff/relay.ts).
import { RedisConsoleStore } from "../console/accounts.js";
import { buildConsole, consoleMount } from "../console/server.js";
import type { Logger } from "../log/logger.js";
import type { Runtime } from "../runtime/create-runtime.js";

export async function mountConsole(runtime: Runtime, prefix: string, secureCookies: boolean, log: Logger) {
  if (!runtime.redis) throw new Error("the console needs REDIS_URL: caseworker accounts and tickets are kept in Redis");
  const app = await buildConsole({
    handoff: runtime.handoff,
    store: new RedisConsoleStore(runtime.redis, prefix),
    attachments: runtime.attachments,
    caseStore: runtime.caseStore,
    cases: runtime.cases,
    log,
    secureCookies,
  });
  return { mounts: await consoleMount(app), close: () => app.close() };
}
