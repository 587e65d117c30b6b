// Config: the environment, parsed once into a typed object by a pure function
// (tests call it with their own values). Every problem is reported at once.
import { z } from "zod";
import { DEFAULT_LANGUAGE, LANGUAGES, type Lang } from "../engine/types.js";

const schema = z.object({
  REDIS_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || /^rediss?:\/\//.test(v), "must start with redis:// or rediss://"),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,40}$/, "letters, digits, ':', '_' or '-', up to 40")
    .default("mab:"),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  DEFAULT_LANGUAGE: z.enum(LANGUAGES).default(DEFAULT_LANGUAGE),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  DATA_KEYS: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine(
      (v) => v === undefined || /^[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+(,[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+)*$/.test(v),
      'must look like "kid:base64key,kid2:base64key"',
    ),
  DATA_KEY_ID: z.string().trim().min(1).optional(),
  ATTACHMENTS_DIR: z.string().trim().min(1).default("data/attachments"),
  ATTACHMENT_MAX_MB: z.coerce.number().positive().max(100).default(10),
  CASE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** A person who writes within this many days of a closed ticket reopens it. */
  HANDOFF_REOPEN_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  /** A ticket waiting longer raises an alert in the console, and the person gets an update. */
  HANDOFF_LONG_WAIT_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
  /** Service hours told to people who ask for a person, as written (e.g. "lunes a viernes, 9 a 17 h"). */
  HANDOFF_HOURS: z.string().trim().max(200).optional(),
  /** How long a message whose handler crashed stays locked before a new delivery of it is handled. */
  UPDATE_LEASE_SECONDS: z.coerce.number().min(0.2).max(300).default(15),
});

export interface Config {
  redisUrl: string | undefined;
  redisPrefix: string;
  sessionTtlDays: number;
  defaultLang: Lang;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** "kid:base64key,..." (32-byte keys); unset on the embedded default means a temporary key. */
  dataKeys: string | undefined;
  dataKeyId: string | undefined;
  attachmentsDir: string;
  attachmentMaxBytes: number;
  caseRetentionDays: number;
  handoff: { reopenDays: number; longWaitMinutes: number; hours?: string };
  updateLeaseMs: number;
}

/** Every problem of a configuration, listed; each part (core, a channel) throws one of these. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    title = "Configuration problems",
  ) {
    super(`${title}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const c = parsed.data;
  return {
    redisUrl: c.REDIS_URL,
    redisPrefix: c.REDIS_PREFIX,
    sessionTtlDays: c.SESSION_TTL_DAYS,
    defaultLang: c.DEFAULT_LANGUAGE,
    logLevel: c.LOG_LEVEL,
    dataKeys: c.DATA_KEYS,
    dataKeyId: c.DATA_KEY_ID,
    attachmentsDir: c.ATTACHMENTS_DIR,
    attachmentMaxBytes: Math.round(c.ATTACHMENT_MAX_MB * 1024 * 1024),
    caseRetentionDays: c.CASE_RETENTION_DAYS,
    handoff: {
      reopenDays: c.HANDOFF_REOPEN_DAYS,
      longWaitMinutes: c.HANDOFF_LONG_WAIT_MINUTES,
      ...(c.HANDOFF_HOURS ? { hours: c.HANDOFF_HOURS } : {}),
    },
    updateLeaseMs: Math.round(c.UPDATE_LEASE_SECONDS * 1000),
  };
}

/** The variables the core reads (checked against .env.example by a test). */
export const CORE_ENV_VARIABLES = Object.keys(schema.shape);
