// Entry point: `npm run start:whatsapp` — the bot on WhatsApp through
// whatsapp-web.js (a phone linked like WhatsApp Web). The QR code to link it
// is printed here and, with WHATSAPP_LOGIN_PASSWORD, shown on the app's HTTP
// server at /whatsapp/login; WHATSAPP_PAIRING_PHONE gives a pairing code
// instead. With Redis, only the process holding the lease runs the browser;
// others wait to take over. On SIGTERM or SIGINT it stops taking messages,
// finishes those in flight, closes the browser, releases the lease and Redis.
import qrcodeTerminal from "qrcode-terminal";
import { keepLease, type Lease, LocalLease, RedisLease } from "../channels/lease.js";
import { createPacer } from "../channels/pacer.js";
import { MemoryUpdateLedger, RedisUpdateLedger, type UpdateLedger } from "../channels/update-ledger.js";
import { WHATSAPP_CHANNEL } from "../channels/whatsapp/common.js";
import { LOGIN_PATH, loginPage } from "../channels/whatsapp/login-page.js";
import { RedisRemoteAuthStore } from "../channels/whatsapp/remote-auth-store.js";
import { MemoryServiceWindow, RedisServiceWindow } from "../channels/whatsapp/service-window.js";
import { parseWwebConfig, WhatsAppConfigError } from "../channels/whatsapp/whatsapp-config.js";
import { WhatsAppWebChannel } from "../channels/whatsapp/wweb-channel.js";
import { createWwebClient } from "../channels/whatsapp/wweb-client.js";
import { ConfigError, parseConfig } from "../config/config.js";
import { FlowLoadError } from "../flows/errors.js";
import { startRelay } from "../handoff/relay.js";
import { startHttpServer } from "../http/server.js";
import { createLogger } from "../log/logger.js";
import { createRuntime } from "../runtime/create-runtime.js";
import { consoleFromEnv } from "./console-mount.js";

const SHUTDOWN_MS = 25_000;

/** Both configurations, or every problem in either. */
function parseAll(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      problems.push((error as Error).message);
      return undefined;
    }
  };
  const config = attempt(() => parseConfig(env));
  const whatsapp = attempt(() => parseWwebConfig(env));
  return config && whatsapp ? { config, whatsapp, problems } : { problems };
}

async function main(): Promise<number> {
  const { config, whatsapp, problems } = parseAll(process.env);
  if (!config || !whatsapp) {
    process.stderr.write(`${problems.join("\n")}\n`);
    return 2;
  }
  const log = createLogger(config.logLevel);
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime({ config, log });
  } catch (error) {
    const known = error instanceof FlowLoadError || error instanceof ConfigError || error instanceof WhatsAppConfigError;
    process.stderr.write(`${known ? "" : "Could not start: "}${(error as Error).message}\n`);
    return 1;
  }
  const redis = runtime.redis;
  const prefix = config.redisPrefix;
  const ledger: UpdateLedger = redis ? new RedisUpdateLedger(redis, prefix, "wa") : new MemoryUpdateLedger();
  const lease: Lease = redis ? new RedisLease(redis, `${prefix}wa:lease:${whatsapp.clientId}`) : new LocalLease();
  const remoteStore = redis ? new RedisRemoteAuthStore(redis, prefix, runtime.keyring, whatsapp.sessionDir) : undefined;
  const wwebConfig = whatsapp;

  const channel = new WhatsAppWebChannel({
    createClient: () => createWwebClient(wwebConfig, remoteStore),
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: config.attachmentMaxBytes,
    ledger,
    translate: runtime.loaded.translate,
    pace: createPacer({ perSecond: whatsapp.maxPerSecond, perChatPerSecond: whatsapp.maxPerChatPerSecond, jitterMs: whatsapp.jitterMs }),
    window: redis ? new RedisServiceWindow(redis, prefix, runtime.keyring) : new MemoryServiceWindow(),
    log,
    onQr: (qr) =>
      qrcodeTerminal.generate(qr, { small: true }, (art: string) =>
        process.stdout.write(`\nScan with WhatsApp on the bot's phone (Settings > Linked devices > Link a device):\n${art}\n`),
      ),
    onPairingCode: (code) =>
      process.stdout.write(`\nOn the bot's phone: Linked devices > Link a device > Link with phone number instead, then type: ${code}\n`),
  });

  const web = await consoleFromEnv(process.env, runtime, prefix, log);
  const http = await startHttpServer({
    ...(web ? { mounts: web.mounts } : {}),
    port: whatsapp.port,
    health: () => ({ ...channel.health(), sessionHolder: keeper.holding() }),
    routes: whatsapp.loginPassword
      ? { [`GET ${LOGIN_PATH}`]: loginPage(whatsapp.loginPassword, () => ({ state: channel.state, ...channel.login })) }
      : {},
  });
  const keeper = keepLease(lease, {
    start: () => channel.start(),
    stop: () => channel.stop(),
    onChange: (holding) => log.info(holding ? "whatsapp.session_taken" : "whatsapp.session_released", { clientId: wwebConfig.clientId }),
  });
  const relay = startRelay({
    handoff: runtime.handoff,
    conversation: runtime.conversation,
    senders: { [WHATSAPP_CHANNEL]: channel.sender() },
    ledger,
    log,
  });
  log.info("whatsapp.started", { port: http.port, auth: whatsapp.auth, loginPage: Boolean(whatsapp.loginPassword) });

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info("whatsapp.stopping", { signal });
      const timer = setTimeout(() => {
        log.error("whatsapp.shutdown_timeout", { ms: SHUTDOWN_MS });
        process.exit(1);
      }, SHUTDOWN_MS);
      timer.unref();
      relay
        .stop()
        .then(() => web?.close())
        .then(() => keeper.close())
        .then(() => http.close())
        .then(() => runtime.close())
        .then(resolve, resolve);
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
  log.info("whatsapp.stopped");
  return 0;
}

process.exitCode = await main();
