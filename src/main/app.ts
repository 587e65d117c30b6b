// Entry point: the one way to run the app. It serves the channels CHANNELS
// names (terminal, telegram, whatsapp, whatsapp-cloud; --channels replaces it)
// and the HTTP server: webhooks, the console (CONSOLE=1), /healthz, /readyz and
// /metrics. Settings come from the environment (.env.example), checked at once.
//
//   npm run serve                             # CHANNELS from the environment
//   npm start [-- --json --user ID --lang es] # chat in this terminal
//   npm run start:telegram | start:whatsapp | start:whatsapp-cloud | start:console
//
// On SIGTERM or SIGINT it stops taking messages (webhooks answer 503, so the
// platform delivers them again elsewhere or later), finishes the turns in
// flight, closes the channels, the HTTP server and Redis, within
// SHUTDOWN_TIMEOUT_SECONDS. Exit codes: 0 stopped, 1 could not start (or
// could not stop in time), 2 bad configuration or arguments.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseArgs } from "node:util";
import { z } from "zod";
import { MemoryUpdateLedger, RedisUpdateLedger } from "../channels/update-ledger.js";
import { type AppConfig, parseAppConfig } from "../config/app-config.js";
import { ConfigError } from "../config/config.js";
import { LANGUAGES } from "../engine/types.js";
import { FlowLoadError } from "../flows/errors.js";
import { type Sender, startRelay } from "../handoff/relay.js";
import { startHttpServer } from "../http/server.js";
import { createLogger, type Logger } from "../log/logger.js";
import { createRuntime, type Runtime } from "../runtime/create-runtime.js";
import { type Part, StartError } from "./parts/part.js";

const startedAt = performance.now();

const argsSchema = z.object({
  channels: z.string().optional(),
  console: z.boolean().default(false),
  json: z.boolean().default(false),
  user: z.string().trim().min(1, "--user needs a value").max(128).default("local"),
  lang: z.enum(LANGUAGES, { message: `--lang must be one of ${LANGUAGES.join(", ")}` }).optional(),
});
const USAGE = "Usage: app [--channels terminal,telegram,whatsapp,whatsapp-cloud] [--console] [--json] [--user ID] [--lang es|en|ht]";

function configure(): { app: AppConfig; args: z.infer<typeof argsSchema> } | string {
  let args: z.infer<typeof argsSchema>;
  try {
    const { values } = parseArgs({
      options: {
        channels: { type: "string" },
        console: { type: "boolean" },
        json: { type: "boolean" },
        user: { type: "string" },
        lang: { type: "string" },
      },
      strict: true,
    });
    args = argsSchema.parse(values);
  } catch (error) {
    const message = error instanceof z.ZodError ? error.issues.map((i) => i.message).join("\n") : (error as Error).message;
    return `${message}\n${USAGE}`;
  }
  try {
    const env = args.console ? { ...process.env, CONSOLE: "1" } : process.env;
    return { app: parseAppConfig(env, args.channels), args };
  } catch (error) {
    return (error as Error).message;
  }
}

/** Redis answers a PING within a second, or says what is wrong. */
async function redisCheck(runtime: Runtime): Promise<true | string> {
  const redis = runtime.redis;
  if (!redis) return true;
  if (!redis.isReady) return "not connected";
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("no answer within 1 s"), 1000).unref());
  return Promise.race([
    redis.ping().then(
      () => true as const,
      (e: Error) => e.message,
    ),
    timeout,
  ]);
}

async function buildParts(app: AppConfig, runtime: Runtime, log: Logger, args: z.infer<typeof argsSchema>): Promise<Part[]> {
  const parts: Part[] = [];
  const context = { app, runtime, log };
  try {
    // Each channel's code is loaded only when it is enabled (whatsapp-web.js and grammY take time to load).
    for (const name of app.channels) {
      if (name === "telegram") parts.push(await (await import("./parts/telegram.js")).telegramPart(context));
      if (name === "whatsapp") parts.push(await (await import("./parts/whatsapp.js")).whatsappPart(context));
      if (name === "whatsapp-cloud") parts.push(await (await import("./parts/whatsapp-cloud.js")).whatsappCloudPart(context));
      if (name === "terminal") parts.push(await (await import("./parts/terminal.js")).terminalPart(context, args));
    }
    return parts;
  } catch (error) {
    await Promise.all(parts.map((p) => p.stop().catch(() => undefined)));
    throw error;
  }
}

async function main(): Promise<number> {
  const configured = configure();
  if (typeof configured === "string") {
    process.stderr.write(`${configured}\n`);
    return 2;
  }
  const { app, args } = configured;
  // A terminal chat shows only warnings on stderr unless LOG_LEVEL asks for more.
  const chatting = app.channels.includes("terminal") && !process.env.LOG_LEVEL;
  const log = createLogger(chatting ? "warn" : app.core.logLevel);

  let runtime: Runtime;
  try {
    runtime = await createRuntime({ config: app.core, log });
  } catch (error) {
    const known = error instanceof FlowLoadError || error instanceof ConfigError;
    process.stderr.write(`${known ? "" : "Could not start: "}${(error as Error).message}\n`);
    return 1;
  }
  let parts: Part[];
  let web: { mounts: Record<string, (req: IncomingMessage, res: ServerResponse) => void>; close(): Promise<void> } | undefined;
  let http: Awaited<ReturnType<typeof startHttpServer>> | undefined;
  try {
    parts = await buildParts(app, runtime, log, args);
    if (app.console.enabled)
      web = await (await import("./console-mount.js")).mountConsole(runtime, app.core.redisPrefix, app.console.secureCookies, log);
    if (app.http.enabled) {
      http = await startHttpServer({
        port: app.http.port,
        host: app.http.host,
        ...(web ? { mounts: web.mounts } : {}),
        routes: Object.assign({}, ...parts.map((p) => p.routes ?? {})),
        health: () => Object.assign({ channels: app.channels }, ...parts.map((p) => p.health())),
        ready: async () => {
          const checks: Record<string, true | string> = { redis: await redisCheck(runtime) };
          for (const p of parts) checks[p.name] = p.ready();
          return checks;
        },
        metrics: { text: () => runtime.metrics.text(), contentType: runtime.metrics.contentType, token: app.metricsToken },
      });
    }
    for (const p of parts) await p.start();
  } catch (error) {
    await web?.close().catch(() => undefined);
    await http?.close().catch(() => undefined);
    await runtime.close().catch(() => undefined);
    const message = error instanceof StartError ? error.message : `Could not start: ${(error as Error).message}`;
    process.stderr.write(`${message}\n`);
    return 1;
  }

  const senders: Record<string, Sender> = Object.assign({}, ...parts.map((p) => p.senders ?? {}));
  // With several processes, the ledger makes one of them deliver each caseworker message.
  const relay =
    Object.keys(senders).length > 0
      ? startRelay({
          handoff: runtime.handoff,
          conversation: runtime.conversation,
          senders,
          ledger: runtime.redis
            ? new RedisUpdateLedger(runtime.redis, app.core.redisPrefix, "relay", app.core.updateLeaseMs)
            : new MemoryUpdateLedger(),
          log,
        })
      : undefined;
  log.info("app.ready", {
    channels: app.channels.join(",") || "none",
    console: app.console.enabled,
    port: http?.port,
    ms: Math.round(performance.now() - startedAt),
  });

  const reason = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
    // The terminal chat alone: its input ending ends the app.
    const terminal = parts.find((p) => p.name === "terminal");
    if (terminal?.ended && parts.length === 1 && !app.console.enabled) terminal.ended.then(() => resolve("end of input"));
  });
  log.info("app.stopping", { reason });
  const timer = setTimeout(() => {
    log.error("app.shutdown_timeout", { ms: app.shutdownMs });
    process.exit(1);
  }, app.shutdownMs);
  timer.unref();
  await Promise.all(parts.map((p) => p.stop().catch((e: Error) => log.error("app.stop_failed", { part: p.name, error: e.message }))));
  await relay?.stop();
  await http?.close();
  await web?.close();
  await runtime.close();
  clearTimeout(timer);
  log.info("app.stopped");
  return 0;
}

// The terminal's reader went away (e.g. piped into `head`): nothing left to say, stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
process.exitCode = await main();
