// The console alongside a channel: with CONSOLE=1, `npm run start:telegram`,
// `start:whatsapp` and `start:whatsapp-cloud` also serve /console on their HTTP
// server (PORT), so one process is enough for a small deployment.
// `npm run start:console` serves it alone.
import { RedisConsoleStore } from "../console/accounts.js";
import { buildConsole, consoleMount } from "../console/server.js";
import type { Logger } from "../log/logger.js";
import type { Runtime } from "../runtime/create-runtime.js";

export async function consoleFromEnv(env: NodeJS.ProcessEnv, runtime: Runtime, prefix: string, log: Logger) {
  if (env.CONSOLE !== "1") return undefined;
  if (!runtime.redis) throw new Error("CONSOLE=1 needs REDIS_URL: caseworker accounts and tickets are kept in Redis");
  const app = await buildConsole({
    handoff: runtime.handoff,
    store: new RedisConsoleStore(runtime.redis, prefix),
    attachments: runtime.attachments,
    caseStore: runtime.caseStore,
    cases: runtime.cases,
    log,
    secureCookies: env.CONSOLE_SECURE_COOKIES === "1" || env.CONSOLE_SECURE_COOKIES === "true",
  });
  return { mounts: await consoleMount(app), close: () => app.close() };
}
