// Part: WhatsApp through whatsapp-web.js (a phone linked like WhatsApp Web).
// The QR code to link it is printed to the terminal and, with
// WHATSAPP_LOGIN_PASSWORD, shown at /whatsapp/login; WHATSAPP_PAIRING_PHONE
// gives a pairing code instead. With Redis, only the replica holding the lease
// runs the browser; the others stand by to take over (and count as ready).
import qrcodeTerminal from "qrcode-terminal";
import { keepLease, type Lease, LocalLease, RedisLease } from "../../channels/lease.js";
import { createPacer } from "../../channels/pacer.js";
import { MemoryUpdateLedger, RedisUpdateLedger, type UpdateLedger } from "../../channels/update-ledger.js";
import { WHATSAPP_CHANNEL } from "../../channels/whatsapp/common.js";
import { LOGIN_PATH, loginPage } from "../../channels/whatsapp/login-page.js";
import { RedisRemoteAuthStore } from "../../channels/whatsapp/remote-auth-store.js";
import { MemoryServiceWindow, RedisServiceWindow } from "../../channels/whatsapp/service-window.js";
import { WhatsAppWebChannel } from "../../channels/whatsapp/wweb-channel.js";
import { createWwebClient } from "../../channels/whatsapp/wweb-client.js";
import type { Part, PartContext } from "./part.js";

export async function whatsappPart({ app, runtime, log }: PartContext): Promise<Part> {
  const whatsapp = app.whatsapp;
  if (!whatsapp) throw new Error("whatsapp part without its configuration");
  const redis = runtime.redis;
  const prefix = app.core.redisPrefix;
  const ledger: UpdateLedger = redis ? new RedisUpdateLedger(redis, prefix, "wa", app.core.updateLeaseMs) : new MemoryUpdateLedger();
  const lease: Lease = redis ? new RedisLease(redis, `${prefix}wa:lease:${whatsapp.clientId}`) : new LocalLease();
  const remoteStore = redis ? new RedisRemoteAuthStore(redis, prefix, runtime.keyring, whatsapp.sessionDir) : undefined;
  const channel = new WhatsAppWebChannel({
    createClient: () => createWwebClient(whatsapp, remoteStore),
    conversation: runtime.conversation,
    attachments: runtime.attachments,
    maxAttachmentBytes: app.core.attachmentMaxBytes,
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
  let keeper: ReturnType<typeof keepLease> | undefined;
  return {
    name: "whatsapp",
    routes: whatsapp.loginPassword
      ? { [`GET ${LOGIN_PATH}`]: loginPage(whatsapp.loginPassword, () => ({ state: channel.state, ...channel.login })) }
      : {},
    senders: { [WHATSAPP_CHANNEL]: channel.sender() },
    async start() {
      keeper = keepLease(lease, {
        start: () => channel.start(),
        stop: () => channel.stop(),
        onChange: (holding) => log.info(holding ? "whatsapp.session_taken" : "whatsapp.session_released", { clientId: whatsapp.clientId }),
      });
      log.info("whatsapp.started", { auth: whatsapp.auth, loginPage: Boolean(whatsapp.loginPassword) });
    },
    ready: () => {
      if (!keeper?.holding()) return true; // standing by: another replica holds the session
      return channel.state === "ready" ? true : `whatsapp ${channel.state}`;
    },
    health: () => ({ ...channel.health(), sessionHolder: keeper?.holding() ?? false }),
    async stop() {
      await keeper?.close(); // stops the channel (finishing messages in flight) and releases the lease
    },
  };
}
