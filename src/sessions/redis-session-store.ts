// Sessions: the Redis store (node-redis). A session is a hash {rev, data}; the
// compare-and-set write is one Lua script, so a turn costs two round trips:
// HGETALL to read, EVALSHA to write (which also marks the update done, when
// the channel passes its ledger key: see AlsoSet).
import { createClient } from "redis";

/** Redis URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

/**
 * Builds a client; its type is the one every Redis user in the app shares.
 * Before the first connection it gives up after a few tries (so start-up fails
 * with a clear message instead of hanging); once connected it reconnects forever.
 */
function makeClient(url: string) {
  let ready = false;
  const client = createClient({
    url,
    // No per-command timeout: node-redis makes one AbortSignal timer per command
    // for it, which cost a third of the client's CPU in npm run bench:telegram.
    // A lost connection still fails commands at once: the socket's error rejects
    // those in flight, and without the offline queue new ones are refused while
    // it reconnects (the person gets an apology) instead of waiting.
    commandOptions: { timeout: 0 },
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: (retries: number, cause: Error) => {
        if (ready) return Math.min(100 * 2 ** retries, 5000);
        return retries >= 3 ? new Error(`Redis at ${redactUrl(url)} is not answering (${cause.message})`) : 250;
      },
    },
  });
  client.on("ready", () => {
    ready = true;
  });
  return client;
}

import type { AlsoSet, SessionStore, Stored } from "./session-store.js";

const CAS_WRITE = `
local current = redis.call('HGET', KEYS[1], 'rev')
if (current or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'rev', tostring(tonumber(ARGV[1]) + 1), 'data', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if KEYS[2] then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5]) end
return 1
`;

export type RedisClient = ReturnType<typeof makeClient>;

export class RedisSessionStore implements SessionStore {
  private sha: string | undefined;

  /** `prefix` namespaces every key, so several deployments (or test runs) can share a server. */
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async read(key: string): Promise<Stored | undefined> {
    const hash = await this.client.hGetAll(this.prefix + key);
    if (hash.rev === undefined || hash.data === undefined) return undefined;
    return { rev: Number(hash.rev), data: hash.data };
  }

  async write(key: string, data: string, expectedRev: number, ttlMs: number, also?: AlsoSet): Promise<boolean> {
    const ms = (n: number) => String(Math.max(1, Math.round(n)));
    const args = also
      ? { keys: [this.prefix + key, also.key], arguments: [String(expectedRev), data, ms(ttlMs), also.value, ms(also.ttlMs)] }
      : { keys: [this.prefix + key], arguments: [String(expectedRev), data, ms(ttlMs)] };
    this.sha ??= await this.client.scriptLoad(CAS_WRITE);
    let ok: boolean;
    try {
      ok = (await this.client.evalSha(this.sha, args)) === 1;
    } catch (error) {
      // The server forgot the script (restart, SCRIPT FLUSH): send it again.
      if (!String(error).includes("NOSCRIPT")) throw error;
      ok = (await this.client.eval(CAS_WRITE, args)) === 1;
    }
    if (ok && also) also.written = true;
    return ok;
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }
}

export async function connectRedis(url: string): Promise<RedisClient> {
  const client = makeClient(url);
  let last = "";
  client.on("error", (error: Error) => {
    // node-redis reconnects by itself; report each new kind of failure once, never any data.
    if (error.message !== last) process.stderr.write(`redis: ${error.message}\n`);
    last = error.message;
  });
  await client.connect();
  return client;
}
