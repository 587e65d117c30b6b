// `npm run --silent cases -- export --format json|csv [--since YYYY-MM-DD]`:
// prints the cases, decrypted, for partner organizations (json: one object per
// line). Reads Redis (REDIS_URL) with the keys in DATA_KEYS. The output holds
// personal data: a warning goes to stderr every time.
// `npm run cases -- close <REF>` closes a case; it is deleted CASE_RETENTION_DAYS later.
import { parseArgs } from "node:util";
import { z } from "zod";
import { DirectoryAttachmentStore } from "../cases/attachment-store.js";
import { CaseService } from "../cases/case-service.js";
import type { CaseRecord } from "../cases/case-store.js";
import { RedisCaseStore } from "../cases/redis-case-store.js";
import { ConfigError, parseConfig } from "../config/config.js";
import { keyringFromEnv } from "../privacy/keyring.js";
import { connectRedis } from "../sessions/redis-session-store.js";

const USAGE = "Usage: npm run --silent cases -- export --format json|csv [--since YYYY-MM-DD]\n       npm run cases -- close <REF>\n";
const argsSchema = z.object({
  command: z.literal("export", { message: 'the only command is "export"' }),
  format: z.enum(["json", "csv"], { message: "--format must be json or csv" }),
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "--since must be a date like 2026-10-01")
    .refine((d) => !Number.isNaN(Date.parse(d)), "--since is not a real date")
    .optional(),
});

/** The columns of the CSV export, in order. */
const COLUMNS = [
  "ref",
  "createdAt",
  "status",
  "closedAt",
  "urgent",
  "lang",
  "channel",
  "category",
  "c_country",
  "c_state",
  "c_city",
  "c_employer",
  "c_recruiter",
  "c_address",
  "c_job",
  "c_sector",
  "c_document",
  "c_minor",
  "c_start",
  "c_end",
  "c_pay_unit",
  "c_rate",
  "c_worked",
  "c_paid",
  "c_owed",
  "c_fee",
  "c_fee_to",
  "c_description",
  "c_evidence",
  "c_contact",
  "c_phone",
  "chat",
  "c_consent_share",
];

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  // Quote every field; a leading = + - @ is neutralised so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { format: { type: "string" }, since: { type: "string" } } });
  if (positionals[0] === "close") return close(positionals[1]);
  const args = argsSchema.safeParse({ command: positionals[0], format: values.format, since: values.since });
  if (!args.success) {
    process.stderr.write(`${args.error.issues.map((i) => i.message).join("\n")}\n${USAGE}`);
    return 2;
  }
  const config = parseConfig(process.env);
  if (!config.redisUrl || !config.dataKeys) {
    process.stderr.write(
      "cases export reads the cases in Redis: set REDIS_URL and DATA_KEYS (the in-memory default keeps cases only while the bot runs).\n",
    );
    return 2;
  }
  const keyring = keyringFromEnv(config.dataKeys, config.dataKeyId);
  const client = await connectRedis(config.redisUrl);
  try {
    const store = new RedisCaseStore(client, config.redisPrefix);
    const service = new CaseService(store, keyring, new DirectoryAttachmentStore(config.attachmentsDir, keyring));
    const cases = await store.list(args.data.since ? `${args.data.since}T00:00:00.000Z` : undefined);
    process.stderr.write(
      `WARNING: this output holds personal data of ${cases.length} case(s). Keep it safe, share it only as the workers allowed, and delete it when done.\n`,
    );
    const rows = cases.map((c: CaseRecord) => {
      const { sealed: _sealed, draftId: _draft, owner: _owner, ...meta } = c;
      return { ...meta, ...service.open(c) };
    });
    if (args.data.format === "json") for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    else {
      process.stdout.write(`${COLUMNS.join(",")}\n`);
      for (const row of rows) process.stdout.write(`${COLUMNS.map((k) => cell((row as Record<string, unknown>)[k])).join(",")}\n`);
    }
  } finally {
    await client.close();
  }
  return 0;
}

async function close(ref: string | undefined): Promise<number> {
  const parsed = z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    .safeParse(ref?.toUpperCase());
  if (!parsed.success) {
    process.stderr.write(`a case reference looks like K7M2-9QXD\n${USAGE}`);
    return 2;
  }
  const config = parseConfig(process.env);
  if (!config.redisUrl) {
    process.stderr.write("cases close works on the cases in Redis: set REDIS_URL.\n");
    return 2;
  }
  const client = await connectRedis(config.redisUrl);
  try {
    const store = new RedisCaseStore(client, config.redisPrefix);
    if (!(await store.get(parsed.data))) {
      process.stderr.write(`no case ${parsed.data}\n`);
      return 1;
    }
    await store.close(parsed.data, new Date(), config.caseRetentionDays * 86_400_000);
    process.stdout.write(`closed ${parsed.data}; it will be deleted in ${config.caseRetentionDays} days\n`);
    return 0;
  } finally {
    await client.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `cases: ${(error as Error).message}`}\n`);
  process.exitCode = 1;
}
