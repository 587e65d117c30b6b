// Test helpers: a real Redis at REDIS_URL (default redis://127.0.0.1:6379), a
// key prefix unique to this run, and cleanup that deletes only our own keys.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/log/logger.js";
import { createRuntime, PROJECT_ROOT, type Runtime } from "../../src/runtime/create-runtime.js";
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

/**
 * A Redis connection for the tests of the surrounding file or describe block,
 * with a key prefix of its own; every key under that prefix is deleted after.
 * Read `redis.client` inside tests and hooks (it connects in beforeAll).
 */
export function useTestRedis(): { client: RedisClient; prefix: string } {
  const redis = { client: undefined as unknown as RedisClient, prefix: uniquePrefix() };
  beforeAll(async () => {
    redis.client = await connectTestRedis();
  });
  afterAll(async () => {
    await deleteByPrefix(redis.client, redis.prefix);
    await redis.client.close();
  });
  return redis;
}

/** The whole runtime on Redis under `prefix`, with the test data key; the caller closes it. */
export function redisRuntime(prefix: string): Promise<Runtime> {
  return createRuntime({
    config: parseConfig({
      REDIS_URL,
      REDIS_PREFIX: prefix,
      DATA_KEYS: TEST_KEYS,
      ATTACHMENTS_DIR: join(PROJECT_ROOT, "data", "test-attachments"),
    }),
    log: createLogger("silent"),
  });
}
