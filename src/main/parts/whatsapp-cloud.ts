// Part: WhatsApp through Meta's Cloud API. Meta posts messages to
// /webhooks/whatsapp on the app's HTTP server; replies go out through the
// Graph API. Stateless apart from Redis, so any number of replicas can serve it.
import { MemoryUpdateLedger, RedisUpdateLedger, type UpdateLedger } from "../../channels/update-ledger.js";
import { createCloudChannel, WEBHOOK_PATH } from "../../channels/whatsapp/cloud/cloud-channel.js";
import { WHATSAPP_CHANNEL } from "../../channels/whatsapp/common.js";
import { MemoryServiceWindow, RedisServiceWindow, type ServiceWindow } from "../../channels/whatsapp/service-window.js";
import type { Part, PartContext } from "./part.js";

export async function whatsappCloudPart({ app, runtime, log }: PartContext): Promise<Part> {
  const cloud = app.whatsappCloud;
  if (!cloud) throw new Error("whatsapp-cloud part without its configuration");
  const redis = runtime.redis;
  const prefix = app.core.redisPrefix;
  const ledger: UpdateLedger = redis ? new RedisUpdateLedger(redis, prefix, "wa", app.core.updateLeaseMs) : new MemoryUpdateLedger();
  const window: ServiceWindow = redis ? new RedisServiceWindow(redis, prefix, runtime.keyring) : new MemoryServiceWindow();
  const channel = createCloudChannel({
    config: cloud,
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: app.core.attachmentMaxBytes,
    ledger,
    window,
    translate: runtime.loaded.translate,
    defaultLang: app.core.defaultLang,
    log,
  });
  let stopping = false;
  const routes = Object.fromEntries(
    Object.entries(channel.routes).map(([key, route]) => [
      key,
      (async (req, res) => {
        // Shutting down: Meta gets an error and delivers the message again later.
        if (stopping) {
          res.writeHead(503).end();
          return;
        }
        await route(req, res);
      }) satisfies typeof route,
    ]),
  );
  return {
    name: "whatsapp-cloud",
    routes,
    // What caseworkers write reaches people here (within WhatsApp's 24-hour window).
    senders: { [WHATSAPP_CHANNEL]: async (user, outputs) => channel.sendToPerson(user, outputs) },
    async start() {
      log.info("whatsapp-cloud.started", { path: WEBHOOK_PATH });
    },
    ready: () => true, // Meta calls us: nothing to connect to before serving
    health: () => ({ whatsappCloud: "webhook", inFlight: channel.inFlight }),
    async stop() {
      stopping = true;
      while (channel.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
