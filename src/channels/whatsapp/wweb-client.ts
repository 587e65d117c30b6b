// WhatsApp (whatsapp-web.js): the real client, with the system Chromium and
// flags that work in a container (no sandbox needs, /dev/shm may be tiny, no
// GPU), and the chosen way to keep the linked session: LocalAuth in a folder
// (a volume), or RemoteAuth in Redis (sealed) for replicas without a shared volume.
import wweb from "whatsapp-web.js";
import type { WwebConfig } from "./whatsapp-config.js";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-setuid-sandbox",
  "--disable-dev-shm-usage",
  "--disable-gpu",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-extensions",
];

/** RemoteAuth copies the session to the store this often (its minimum is one minute). */
const BACKUP_EVERY_MS = 5 * 60_000;

export function createWwebClient(config: WwebConfig, remoteStore?: wweb.Store): wweb.Client {
  const authStrategy =
    config.auth === "remote" && remoteStore
      ? new wweb.RemoteAuth({
          clientId: config.clientId,
          dataPath: config.sessionDir,
          store: remoteStore,
          backupSyncIntervalMs: BACKUP_EVERY_MS,
        })
      : new wweb.LocalAuth({ clientId: config.clientId, dataPath: config.sessionDir });
  return new wweb.Client({
    authStrategy,
    puppeteer: { executablePath: config.chromiumPath, headless: true, args: CHROMIUM_ARGS },
    ...(config.pairingPhone ? { pairWithPhoneNumber: { phoneNumber: config.pairingPhone, showNotification: true } } : {}),
  });
}
