// Entry point: `npm run start:whatsapp-cloud` — the bot on WhatsApp through
// Meta's Cloud API. Meta posts messages to /webhooks/whatsapp on the app's
// HTTP server (PORT); replies go out through the Graph API. On SIGTERM or
// SIGINT it stops taking requests, finishes those in flight, and closes Redis,
// within a bounded time.

import { MemoryUpdateLedger, RedisUpdateLedger, type UpdateLedger } from "../channels/update-ledger.js";
import { type CloudChannel, createCloudChannel, WEBHOOK_PATH } from "../channels/whatsapp/cloud/cloud-channel.js";
import { WHATSAPP_CHANNEL } from "../channels/whatsapp/common.js";
import { MemoryServiceWindow, RedisServiceWindow, type ServiceWindow } from "../channels/whatsapp/service-window.js";
import { type CloudConfig, parseCloudConfig, WhatsAppConfigError } from "../channels/whatsapp/whatsapp-config.js";
import { type Config, ConfigError, parseConfig } from "../config/config.js";
import { FlowLoadError } from "../flows/errors.js";
import { startRelay } from "../handoff/relay.js";
import { startHttpServer } from "../http/server.js";
import { createLogger } from "../log/logger.js";
import { createRuntime, type Runtime } from "../runtime/create-runtime.js";
import { consoleFromEnv } from "./console-mount.js";

/** Upper bound for the whole shutdown, so an orchestrator's SIGKILL is never needed. */
const SHUTDOWN_MS = 25_000;

/** Both configurations, with every problem of both listed at once. */
function configure(env: NodeJS.ProcessEnv): { config: Config; cloud: CloudConfig } | string {
  const problems: string[] = [];
  let config: Config | undefined;
  let cloud: CloudConfig | undefined;
  try {
    config = parseConfig(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  try {
    cloud = parseCloudConfig(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  return config && cloud ? { config, cloud } : problems.join("\n");
}

async function main(): Promise<number> {
  const configured = configure(process.env);
  if (typeof configured === "string") {
    process.stderr.write(`${configured}\n`);
    return 2;
  }
  const { config, cloud } = configured;
  const log = createLogger(config.logLevel);
  let runtime: Runtime;
  try {
    runtime = await createRuntime({ config, log });
  } catch (error) {
    const known = error instanceof FlowLoadError || error instanceof ConfigError || error instanceof WhatsAppConfigError;
    process.stderr.write(`${known ? "" : "Could not start: "}${(error as Error).message}\n`);
    return 1;
  }
  // The same Redis connection as the sessions: one per process.
  const redis = runtime.redis;
  const ledger: UpdateLedger = redis ? new RedisUpdateLedger(redis, config.redisPrefix, "wa") : new MemoryUpdateLedger();
  const window: ServiceWindow = redis ? new RedisServiceWindow(redis, config.redisPrefix, runtime.keyring) : new MemoryServiceWindow();
  const channel: CloudChannel = createCloudChannel({
    config: cloud,
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: config.attachmentMaxBytes,
    ledger,
    window,
    translate: runtime.loaded.translate,
    defaultLang: config.defaultLang,
    log,
  });

  let http: Awaited<ReturnType<typeof startHttpServer>>;
  let closeWeb: () => Promise<void> | undefined = () => undefined;
  try {
    const web = await consoleFromEnv(process.env, runtime, config.redisPrefix, log);
    closeWeb = () => web?.close();
    http = await startHttpServer({
      ...(web ? { mounts: web.mounts } : {}),
      port: cloud.port,
      routes: channel.routes,
      health: () => ({ whatsappCloud: "webhook", inFlight: channel.inFlight }),
    });
  } catch (error) {
    process.stderr.write(`Could not listen on port ${cloud.port}: ${(error as Error).message}\n`);
    await runtime.close();
    return 1;
  }
  // What caseworkers write reaches people here (within WhatsApp's 24-hour window).
  const relay = startRelay({
    handoff: runtime.handoff,
    conversation: runtime.conversation,
    senders: { [WHATSAPP_CHANNEL]: async (user, outputs) => channel.sendToPerson(user, outputs) },
    ledger,
    log,
  });
  log.info("whatsapp-cloud.started", { port: http.port, path: WEBHOOK_PATH });

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info("whatsapp-cloud.stopping", { signal });
      const timer = setTimeout(() => {
        log.error("whatsapp-cloud.shutdown_timeout", { ms: SHUTDOWN_MS });
        process.exit(1);
      }, SHUTDOWN_MS);
      timer.unref();
      const stop = async () => {
        await http.close(); // no new requests; the ones in flight finish
        while (channel.inFlight > 0) await new Promise((r) => setTimeout(r, 50));
        await relay.stop();
        await closeWeb();
        await runtime.close();
      };
      stop().then(resolve, resolve);
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
  log.info("whatsapp-cloud.stopped");
  return 0;
}

process.exitCode = await main();
