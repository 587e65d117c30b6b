// Telegram: configuration from the environment, parsed once by a pure function.
import { z } from "zod";
import { ConfigError } from "../../config/config.js";

const schema = z.object({
  TELEGRAM_BOT_TOKEN: z
    .string({ message: "TELEGRAM_BOT_TOKEN is required: the token BotFather gave you" })
    .trim()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC...)"),
  TELEGRAM_API_ROOT: z
    .string()
    .trim()
    .url("TELEGRAM_API_ROOT must be a URL, e.g. http://127.0.0.1:8081")
    .default("https://api.telegram.org"),
  TELEGRAM_WEBHOOK_URL: z
    .string()
    .trim()
    .url("TELEGRAM_WEBHOOK_URL must be a URL")
    .refine(
      (u) => u.startsWith("https://") || /^http:\/\/(127\.0\.0\.1|localhost)/.test(u),
      "TELEGRAM_WEBHOOK_URL must use https (Telegram requires it)",
    )
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "TELEGRAM_WEBHOOK_SECRET: 16 to 256 letters, digits, _ or -")
    .optional(),
  /** Telegram allows about 30 messages a second overall and 1 a second per chat. */
  TELEGRAM_MAX_PER_SECOND: z.coerce.number().positive().max(10_000).default(30),
  TELEGRAM_MAX_PER_CHAT_PER_SECOND: z.coerce.number().positive().max(10_000).default(1),
  TELEGRAM_MAX_RETRY_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  /** A private forum group of caseworkers: each handoff becomes a topic there (instead of, or besides, the console). */
  TELEGRAM_CASEWORKER_GROUP_ID: z.coerce
    .number({ message: "TELEGRAM_CASEWORKER_GROUP_ID must be the group's numeric id (like -1001234567890)" })
    .int()
    .negative("TELEGRAM_CASEWORKER_GROUP_ID: group ids are negative (like -1001234567890)")
    .optional(),
});

export interface TelegramConfig {
  token: string;
  apiRoot: string;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  maxPerSecond: number;
  maxPerChatPerSecond: number;
  maxRetrySeconds: number;
  caseworkerGroupId: number | undefined;
}

export class TelegramConfigError extends ConfigError {
  constructor(problems: string[]) {
    super(problems, "Telegram configuration problems");
  }
}

export function parseTelegramConfig(env: Record<string, string | undefined>): TelegramConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new TelegramConfigError(parsed.error.issues.map((i) => i.message));
  const c = parsed.data;
  if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_WEBHOOK_SECRET) {
    throw new TelegramConfigError(["TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL, so only Telegram can post updates"]);
  }
  return {
    token: c.TELEGRAM_BOT_TOKEN,
    apiRoot: c.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    webhookUrl: c.TELEGRAM_WEBHOOK_URL,
    webhookSecret: c.TELEGRAM_WEBHOOK_SECRET,
    maxPerSecond: c.TELEGRAM_MAX_PER_SECOND,
    maxPerChatPerSecond: c.TELEGRAM_MAX_PER_CHAT_PER_SECOND,
    maxRetrySeconds: c.TELEGRAM_MAX_RETRY_SECONDS,
    caseworkerGroupId: c.TELEGRAM_CASEWORKER_GROUP_ID,
  };
}

/** The variables this channel reads (checked against .env.example by a test). */
export const TELEGRAM_ENV_VARIABLES = Object.keys(schema.shape);
