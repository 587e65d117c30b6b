// Vitest global setup: the Redis tests use a real server at REDIS_URL (default
// redis://127.0.0.1:6379). If none answers and redis-server is installed, one
// is started for the run (nothing kept on disk) and stopped afterwards.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createClient } from "redis";

const url = process.env.REDIS_URL || "redis://127.0.0.1:6379";

async function answers(): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    await client.close();
    return true;
  } catch {
    return false;
  }
}

export default async function setup(): Promise<(() => void) | undefined> {
  if (await answers()) return undefined;
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    throw new Error(`No Redis answers at ${url} and redis-server is not installed. Start Redis or set REDIS_URL (see README).`);
  }
  const port = new URL(url).port || "6379";
  const server: ChildProcess = spawn("redis-server", ["--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  for (let i = 0; i < 50 && !(await answers()); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await answers())) throw new Error(`Started redis-server on port ${port}, but it does not answer at ${url}`);
  return () => {
    server.kill();
  };
}
