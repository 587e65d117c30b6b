// Console: caseworker accounts, login sessions and the audit log. Accounts are
// created from the command line (npm run caseworkers); passwords are hashed
// with argon2id. A login session is a random token in an HttpOnly cookie,
// looked up here, expiring after a working day. The audit log records who
// opened or changed which ticket or case. In Redis, which every process shares.
import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import type { RedisClient } from "../sessions/redis-session-store.js";
import type { ConsoleRole } from "./views.js";

export const SESSION_HOURS = 12;
const ARGON2ID = 2;

const accountSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(2).max(60),
  role: z.enum(["caseworker", "supervisor"]),
  hash: z.string().startsWith("$argon2id$"),
  createdAt: z.string(),
  disabled: z.boolean().optional(),
});
export type Account = z.infer<typeof accountSchema>;

export const accountName = z
  .string()
  .trim()
  .min(2, "a name of at least 2 characters")
  .max(60)
  .regex(/^[\p{L}\p{N} ._-]+$/u, "letters, digits, spaces, '.', '_' or '-'");
export const password = z.string().min(12, "a password of at least 12 characters").max(200);

export async function hashPassword(plain: string): Promise<string> {
  return hash(plain, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

export async function checkPassword(account: Account | undefined, plain: string): Promise<boolean> {
  // Without an account, a hash is still verified: a wrong name takes as long as a wrong password.
  const target = account && !account.disabled ? account.hash : DUMMY_HASH;
  const ok = await verify(target, plain).catch(() => false);
  return ok && account !== undefined && !account.disabled;
}
const DUMMY_HASH = await hashPassword(randomBytes(16).toString("hex"));

export interface AuditEntry {
  at: string;
  who: string;
  action: string;
  ticket?: string;
  caseRef?: string;
}

export interface ConsoleStore {
  addAccount(name: string, role: ConsoleRole, passwordHash: string, now: Date): Promise<Account>;
  accountByName(name: string): Promise<Account | undefined>;
  accountById(id: string): Promise<Account | undefined>;
  accounts(): Promise<Account[]>;
  setDisabled(name: string, disabled: boolean): Promise<boolean>;
  newSession(accountId: string): Promise<string>;
  session(token: string): Promise<string | undefined>;
  endSession(token: string): Promise<void>;
  audit(entry: AuditEntry): Promise<void>;
  auditLog(limit?: number): Promise<AuditEntry[]>;
}

const fold = (name: string) => name.trim().toLowerCase();

export class RedisConsoleStore implements ConsoleStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  private k = (name: string) => `${this.prefix}console:${name}`;

  private parse(raw: string | null | undefined): Account | undefined {
    if (!raw) return undefined;
    const parsed = accountSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async addAccount(name: string, role: ConsoleRole, passwordHash: string, now: Date) {
    const account: Account = { id: randomBytes(8).toString("hex"), name, role, hash: passwordHash, createdAt: now.toISOString() };
    if (!(await this.client.hSetNX(this.k("accounts"), fold(name), JSON.stringify(account))))
      throw new Error(`an account named "${name}" already exists`);
    await this.client.hSet(this.k("account-ids"), account.id, fold(name));
    return account;
  }
  async accountByName(name: string) {
    return this.parse(await this.client.hGet(this.k("accounts"), fold(name)));
  }
  async accountById(id: string) {
    const name = await this.client.hGet(this.k("account-ids"), id);
    return name ? this.accountByName(name) : undefined;
  }
  async accounts() {
    return Object.values(await this.client.hGetAll(this.k("accounts"))).flatMap((raw) => this.parse(raw) ?? []);
  }
  async setDisabled(name: string, disabled: boolean) {
    const a = await this.accountByName(name);
    if (!a) return false;
    await this.client.hSet(this.k("accounts"), fold(name), JSON.stringify({ ...a, disabled }));
    return true;
  }
  async newSession(accountId: string) {
    const token = randomBytes(32).toString("base64url");
    await this.client.set(this.k(`session:${token}`), accountId, { EX: SESSION_HOURS * 3600 });
    return token;
  }
  async session(token: string) {
    return (await this.client.get(this.k(`session:${token}`))) ?? undefined;
  }
  async endSession(token: string) {
    await this.client.del(this.k(`session:${token}`));
  }
  async audit(entry: AuditEntry) {
    await this.client.lPush(this.k("audit"), JSON.stringify(entry));
    await this.client.lTrim(this.k("audit"), 0, 99_999);
  }
  async auditLog(limit = 200) {
    return (await this.client.lRange(this.k("audit"), 0, limit - 1)).map((raw) => JSON.parse(raw) as AuditEntry);
  }
}
