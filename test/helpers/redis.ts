// Test helpers: a real Redis at REDIS_URL (default redis://127.0.0.1:6379), a
// key prefix unique to this run, and cleanup that deletes only our own keys.
import { randomBytes } from "node:crypto";
import { connectRedis, type RedisClient } from "../../src/sessions/redis-session-store.js";

export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

export function uniquePrefix(): string {
  return `test:${process.pid}:${randomBytes(4).toString("hex")}:`;
}

export async function connectTestRedis(): Promise<RedisClient> {
  return connectRedis(REDIS_URL);
}

export async function deleteByPrefix(client: RedisClient, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) deleted += await client.del(keys);
  }
  return deleted;
}

/** A fixed data key for tests that run the bot with Redis (never used outside tests). */
export const TEST_KEYS = `t1:${Buffer.alloc(32, 7).toString("base64")}`;
