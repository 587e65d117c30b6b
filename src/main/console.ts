// Entry point: `npm run start:console` — the caseworkers' web console alone, at
// /console on the app's HTTP server (PORT, default 3000). It shares Redis with
// the channel processes: tickets, accounts and sessions live there, and the
// channel processes deliver what caseworkers write (src/handoff/relay.ts).
import { z } from "zod";
import { type ConfigError, parseConfig } from "../config/config.js";
import { RedisConsoleStore } from "../console/accounts.js";
import { buildConsole } from "../console/server.js";
import { createLogger } from "../log/logger.js";
import { createRuntime } from "../runtime/create-runtime.js";

const consoleEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Cookies marked Secure: set when the console is served over HTTPS (behind a TLS proxy). */
  CONSOLE_SECURE_COOKIES: z.enum(["0", "1", "true", "false"]).default("0"),
});

async function main(): Promise<number> {
  let config: ReturnType<typeof parseConfig>;
  const env = consoleEnv.safeParse(process.env);
  try {
    config = parseConfig(process.env);
  } catch (error) {
    process.stderr.write(`${(error as ConfigError).message}\n`);
    return 2;
  }
  if (!env.success || !config.redisUrl) {
    process.stderr.write(
      `Console configuration problems:\n${[...(env.success ? [] : env.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`)), ...(config.redisUrl ? [] : ["  - REDIS_URL is required: the console shares tickets and accounts with the bot through Redis"])].join("\n")}\n`,
    );
    return 2;
  }
  const log = createLogger(config.logLevel);
  const runtime = await createRuntime({ config, log });
  const redis = runtime.redis;
  if (!redis) return 1;
  const app = await buildConsole({
    handoff: runtime.handoff,
    store: new RedisConsoleStore(redis, config.redisPrefix),
    attachments: runtime.attachments,
    caseStore: runtime.caseStore,
    cases: runtime.cases,
    log,
    secureCookies: env.data.CONSOLE_SECURE_COOKIES === "1" || env.data.CONSOLE_SECURE_COOKIES === "true",
  });
  const address = await app.listen({ port: env.data.PORT, host: env.data.HOST });
  log.info("console.started", { port: Number(new URL(address).port) });
  await new Promise<void>((resolve) => {
    const stop = () =>
      void app
        .close()
        .then(() => runtime.close())
        .then(resolve, resolve);
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  log.info("console.stopped");
  return 0;
}

process.exitCode = await main();
