// WhatsApp (whatsapp-web.js): the store for RemoteAuth, in Redis, so a
// replacement container (or another replica taking over the lease) finds the
// linked session without a volume. RemoteAuth zips the browser profile to
// `<dataPath>/<session>.zip` and calls save(); extract() writes it back. The
// session is as good as the phone's login, so it is sealed with the data keys.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Keyring } from "../../privacy/keyring.js";
import type { RedisClient } from "../../sessions/redis-session-store.js";

export class RedisRemoteAuthStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly keyring: Keyring,
    /** RemoteAuth's dataPath: where it leaves the zip for save(). */
    private readonly dataPath: string,
  ) {}

  private key(session: string) {
    return `${this.prefix}wa:auth:${session}`;
  }

  async sessionExists({ session }: { session: string }): Promise<boolean> {
    return (await this.client.exists(this.key(session))) === 1;
  }

  async save({ session }: { session: string }): Promise<void> {
    const zip = await readFile(join(this.dataPath, `${session}.zip`));
    await this.client.set(this.key(session), this.keyring.sealBytes(zip).toString());
  }

  async extract({ session, path }: { session: string; path: string }): Promise<void> {
    const sealed = await this.client.get(this.key(session));
    if (sealed === null) throw new Error(`no saved WhatsApp session "${session}"`);
    await writeFile(path, this.keyring.openBytes(Buffer.from(sealed)), { mode: 0o600 });
  }

  async delete({ session }: { session: string }): Promise<void> {
    await this.client.del(this.key(session));
  }
}
