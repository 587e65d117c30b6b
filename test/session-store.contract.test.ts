// One contract, every SessionStore: the in-memory store and the Redis store
// (against the real server) must behave the same.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemorySessionStore } from "../src/sessions/memory-session-store.js";
import { type RedisClient, RedisSessionStore } from "../src/sessions/redis-session-store.js";
import type { AlsoSet, SessionStore } from "../src/sessions/session-store.js";
import { connectTestRedis, deleteByPrefix, uniquePrefix } from "./helpers/redis.js";

const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Harness {
  /** Two handles on the same data, as two processes would have. */
  stores: () => [SessionStore, SessionStore];
  expire: (ms: number) => Promise<void>;
}

function contract(name: string, setup: () => Promise<Harness>, teardown: () => Promise<void>) {
  describe(`SessionStore contract: ${name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(teardown);

    it("reads nothing for an unknown key", async () => {
      const [a] = h.stores();
      expect(await a.read("nobody")).toBeUndefined();
    });

    it("writes when the key is new and reads it back with revision 1", async () => {
      const [a, b] = h.stores();
      expect(await a.write("k1", '{"x":1}', 0, HOUR)).toBe(true);
      expect(await b.read("k1")).toEqual({ rev: 1, data: '{"x":1}' });
    });

    it("refuses a write based on an old revision and keeps the newer data", async () => {
      const [a, b] = h.stores();
      await a.write("k2", "first", 0, HOUR);
      expect(await a.write("k2", "second", 1, HOUR)).toBe(true);
      expect(await b.write("k2", "stale", 1, HOUR)).toBe(false);
      expect(await b.write("k2", "again", 0, HOUR)).toBe(false);
      expect(await a.read("k2")).toEqual({ rev: 2, data: "second" });
    });

    it("deletes", async () => {
      const [a, b] = h.stores();
      await a.write("k3", "x", 0, HOUR);
      await b.delete("k3");
      expect(await a.read("k3")).toBeUndefined();
      expect(await a.write("k3", "y", 0, HOUR)).toBe(true);
    });

    it("forgets a session after its time to live", async () => {
      const [a] = h.stores();
      await a.write("k4", "x", 0, 100);
      expect(await a.read("k4")).toBeDefined();
      await h.expire(250);
      expect(await a.read("k4")).toBeUndefined();
    });

    it("keeps every update when two writers race (compare-and-set with retry)", async () => {
      const [a, b] = h.stores();
      const increment = async (store: SessionStore) => {
        for (;;) {
          const current = await store.read("counter");
          const n = current ? Number(current.data) : 0;
          if (await store.write("counter", String(n + 1), current?.rev ?? 0, HOUR)) return;
        }
      };
      await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? a : b)));
      expect(await a.read("counter")).toEqual({ rev: 40, data: "40" });
    });

    it("stores any text as it was given", async () => {
      const [a] = h.stores();
      const data = `{"t":"${"ñ🙂\\u0000".repeat(1000)}"}`;
      await a.write("k5", data, 0, HOUR);
      expect((await a.read("k5"))?.data).toBe(data);
    });
  });
}

let clock = 0;
contract(
  "memory",
  async () => {
    const store = new MemorySessionStore(() => clock);
    return {
      stores: () => [store, store],
      expire: async (ms) => {
        clock += ms;
      },
    };
  },
  async () => {},
);

let clients: RedisClient[] = [];
const prefix = uniquePrefix();
contract(
  "redis",
  async () => {
    clients = [await connectTestRedis(), await connectTestRedis()];
    const [c1, c2] = clients as [RedisClient, RedisClient];
    return { stores: () => [new RedisSessionStore(c1, prefix), new RedisSessionStore(c2, prefix)], expire: sleep };
  },
  async () => {
    const [c1] = clients as [RedisClient];
    await deleteByPrefix(c1, prefix);
    expect(await c1.keys(`${prefix}*`)).toEqual([]);
    await Promise.all(clients.map((c) => c.close()));
  },
);

describe("Redis store when the connection drops", () => {
  it("fails at once while reconnecting (no offline queue), then works again by itself", async () => {
    const client = await connectTestRedis();
    const admin = await connectTestRedis();
    const dropPrefix = uniquePrefix();
    const store = new RedisSessionStore(client, dropPrefix);
    try {
      expect(await store.write("p", "one", 0, 60_000)).toBe(true);
      const id = await client.clientId();
      const dropped = new Promise<void>((resolve) => client.once("reconnecting", () => resolve()));
      await admin.clientKill({ filter: "ID", id });
      await dropped;
      const t0 = performance.now();
      await expect(store.read("p")).rejects.toThrow();
      expect(performance.now() - t0).toBeLessThan(200);
      // The client reconnects on its own; the data written before is intact.
      await new Promise<void>((resolve) => (client.isReady ? resolve() : client.once("ready", () => resolve())));
      expect(await store.read("p")).toEqual({ rev: 1, data: "one" });
    } finally {
      await deleteByPrefix(admin, dropPrefix);
      await Promise.all([client.close(), admin.close()]);
    }
  });
});

describe("Redis store: a second key in the same write", () => {
  it("sets it only when the session write succeeds, and says so", async () => {
    const client = await connectTestRedis();
    const p = uniquePrefix();
    const store = new RedisSessionStore(client, p);
    try {
      const won: AlsoSet = { key: `${p}tg:update:1`, value: "done", ttlMs: 60_000 };
      expect(await store.write("s", "one", 0, HOUR, won)).toBe(true);
      expect(won.written).toBe(true);
      expect(await client.get(won.key)).toBe("done");
      expect(await client.pTTL(won.key)).toBeGreaterThan(50_000);

      const lost: AlsoSet = { key: `${p}tg:update:2`, value: "done", ttlMs: 60_000 };
      expect(await store.write("s", "stale", 0, HOUR, lost)).toBe(false);
      expect(lost.written).toBeUndefined();
      expect(await client.get(lost.key)).toBeNull();
      expect(await store.read("s")).toEqual({ rev: 1, data: "one" });
    } finally {
      await deleteByPrefix(client, p);
      await client.close();
    }
  });
});
