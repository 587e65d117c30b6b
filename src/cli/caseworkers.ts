// `npm run caseworkers -- add --name <name> --role caseworker|supervisor`
// (the password is read from stdin, at least 12 characters), `list`,
// `disable --name <name>`, `enable --name <name>`, `audit [--limit N]`.
// Accounts for the console, kept in Redis (REDIS_URL); passwords hashed with argon2id.
import { parseArgs } from "node:util";
import { z } from "zod";
import { parseConfig } from "../config/config.js";
import { accountName, hashPassword, password, RedisConsoleStore } from "../console/accounts.js";
import { connectRedis } from "../sessions/redis-session-store.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: "string" }, role: { type: "string" }, limit: { type: "string", default: "50" } },
  });
  const config = parseConfig(process.env);
  if (!config.redisUrl) {
    process.stderr.write("caseworkers: set REDIS_URL (accounts live in Redis, shared by every process)\n");
    return 2;
  }
  const command = positionals[0];
  const args = z
    .object({
      name: accountName.optional(),
      role: z.enum(["caseworker", "supervisor"], { message: "--role caseworker or supervisor" }).optional(),
    })
    .safeParse(values);
  if (!args.success) {
    process.stderr.write(`caseworkers: ${args.error.issues.map((i) => i.message).join("; ")}\n`);
    return 2;
  }
  const client = await connectRedis(config.redisUrl);
  const store = new RedisConsoleStore(client, config.redisPrefix);
  try {
    if (command === "add") {
      if (!args.data.name || !args.data.role) {
        process.stderr.write("usage: npm run caseworkers -- add --name <name> --role caseworker|supervisor  (password on stdin)\n");
        return 2;
      }
      const pass = password.safeParse(await readStdin());
      if (!pass.success) {
        process.stderr.write(`caseworkers: ${pass.error.issues[0]?.message}\n`);
        return 2;
      }
      const account = await store.addAccount(args.data.name, args.data.role, await hashPassword(pass.data), new Date());
      process.stdout.write(`added ${account.role} "${account.name}"\n`);
    } else if (command === "list") {
      for (const a of await store.accounts()) process.stdout.write(`${a.name}\t${a.role}${a.disabled ? "\tdisabled" : ""}\n`);
    } else if (command === "disable" || command === "enable") {
      if (!args.data.name || !(await store.setDisabled(args.data.name, command === "disable"))) {
        process.stderr.write("caseworkers: no such account\n");
        return 1;
      }
      process.stdout.write(`${command}d "${args.data.name}"\n`);
    } else if (command === "audit") {
      for (const e of await store.auditLog(Number(values.limit)))
        process.stdout.write(`${e.at}\t${e.who}\t${e.action}\t${e.ticket ?? ""}\n`);
    } else {
      process.stderr.write("usage: npm run caseworkers -- add|list|disable|enable|audit ...\n");
      return 2;
    }
    return 0;
  } catch (error) {
    process.stderr.write(`caseworkers: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await client.close();
  }
}

process.exitCode = await main();
