// WhatsApp: configuration from the environment, parsed once by pure functions,
// one for each way to connect: whatsapp-web.js (a linked phone) and the
// official Cloud API. Every problem is listed at once, with what to do.
import { z } from "zod";
import { ConfigError } from "../../config/config.js";

export class WhatsAppConfigError extends ConfigError {}

function fail(kind: string, issues: { message: string }[]): never {
  throw new WhatsAppConfigError(
    issues.map((i) => i.message),
    `${kind} configuration problems`,
  );
}

const wwebSchema = z.object({
  /** Where LocalAuth keeps the linked session (a volume in production). */
  WHATSAPP_SESSION_DIR: z.string().trim().min(1).default("data/whatsapp-session"),
  WHATSAPP_AUTH: z.enum(["local", "remote"], { message: "WHATSAPP_AUTH must be local or remote" }).default("local"),
  WHATSAPP_CLIENT_ID: z
    .string()
    .regex(/^[-_\w]{1,40}$/, "WHATSAPP_CLIENT_ID: 1 to 40 letters, digits, _ or -")
    .default("main"),
  PUPPETEER_EXECUTABLE_PATH: z.string().trim().min(1).default("/usr/bin/chromium"),
  /** Log in with an 8-character pairing code typed on the phone instead of a QR code. */
  WHATSAPP_PAIRING_PHONE: z
    .string()
    .regex(/^\d{8,15}$/, "WHATSAPP_PAIRING_PHONE: the phone number in international form, digits only (e.g. 5215512345678)")
    .optional(),
  /** Enables the operators' login page (/whatsapp/login) behind this password. */
  WHATSAPP_LOGIN_PASSWORD: z.string().min(12, "WHATSAPP_LOGIN_PASSWORD must be at least 12 characters").optional(),
  WHATSAPP_MAX_PER_SECOND: z.coerce.number().positive().max(1000).default(5),
  WHATSAPP_MAX_PER_CHAT_PER_SECOND: z.coerce.number().positive().max(1000).default(1),
  WHATSAPP_JITTER_MS: z.coerce.number().int().min(0).max(10_000).default(800),
});

export interface WwebConfig {
  sessionDir: string;
  auth: "local" | "remote";
  clientId: string;
  chromiumPath: string;
  pairingPhone: string | undefined;
  loginPassword: string | undefined;
  maxPerSecond: number;
  maxPerChatPerSecond: number;
  jitterMs: number;
}

export function parseWwebConfig(env: Record<string, string | undefined>): WwebConfig {
  const parsed = wwebSchema.safeParse(env);
  const issues = parsed.success ? [] : [...parsed.error.issues];
  if (env.WHATSAPP_AUTH === "remote" && !env.REDIS_URL)
    issues.push({ message: "WHATSAPP_AUTH=remote keeps the session in Redis: set REDIS_URL" } as (typeof issues)[number]);
  if (!parsed.success || issues.length > 0) fail("WhatsApp", issues);
  const c = parsed.data;
  return {
    sessionDir: c.WHATSAPP_SESSION_DIR,
    auth: c.WHATSAPP_AUTH,
    clientId: c.WHATSAPP_CLIENT_ID,
    chromiumPath: c.PUPPETEER_EXECUTABLE_PATH,
    pairingPhone: c.WHATSAPP_PAIRING_PHONE,
    loginPassword: c.WHATSAPP_LOGIN_PASSWORD,
    maxPerSecond: c.WHATSAPP_MAX_PER_SECOND,
    maxPerChatPerSecond: c.WHATSAPP_MAX_PER_CHAT_PER_SECOND,
    jitterMs: c.WHATSAPP_JITTER_MS,
  };
}

/** Meta's Graph API, with the version this adapter was written against (check Meta's changelog when upgrading). */
export const DEFAULT_GRAPH_API_BASE = "https://graph.facebook.com/v23.0";

const cloudSchema = z.object({
  WHATSAPP_CLOUD_TOKEN: z
    .string({ message: "WHATSAPP_CLOUD_TOKEN is required: a system user access token from Meta's Business settings" })
    .trim()
    .min(20, "WHATSAPP_CLOUD_TOKEN looks too short to be an access token"),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: z
    .string({ message: "WHATSAPP_CLOUD_PHONE_NUMBER_ID is required: the id of the business phone number (not the number itself)" })
    .trim()
    .regex(/^\d{5,30}$/, "WHATSAPP_CLOUD_PHONE_NUMBER_ID must be digits: the phone number's id in the WhatsApp Manager"),
  WHATSAPP_CLOUD_APP_SECRET: z
    .string({ message: "WHATSAPP_CLOUD_APP_SECRET is required: the app secret, to check webhook signatures" })
    .trim()
    .min(16, "WHATSAPP_CLOUD_APP_SECRET looks too short to be an app secret"),
  WHATSAPP_CLOUD_VERIFY_TOKEN: z
    .string({ message: "WHATSAPP_CLOUD_VERIFY_TOKEN is required: any secret string, entered again in the webhook settings" })
    .min(16, "WHATSAPP_CLOUD_VERIFY_TOKEN must be at least 16 characters"),
  WHATSAPP_CLOUD_API_BASE: z
    .string()
    .trim()
    .url("WHATSAPP_CLOUD_API_BASE must be a URL, e.g. https://graph.facebook.com/v23.0")
    .default(DEFAULT_GRAPH_API_BASE),
  WHATSAPP_CLOUD_MAX_PER_SECOND: z.coerce.number().positive().max(1000).default(50),
  WHATSAPP_CLOUD_MAX_PER_CHAT_PER_SECOND: z.coerce.number().positive().max(1000).default(1),
});

export interface CloudConfig {
  token: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  apiBase: string;
  maxPerSecond: number;
  maxPerChatPerSecond: number;
}

export function parseCloudConfig(env: Record<string, string | undefined>): CloudConfig {
  const parsed = cloudSchema.safeParse(env);
  if (!parsed.success) fail("WhatsApp Cloud API", parsed.error.issues);
  const c = parsed.data;
  return {
    token: c.WHATSAPP_CLOUD_TOKEN,
    phoneNumberId: c.WHATSAPP_CLOUD_PHONE_NUMBER_ID,
    appSecret: c.WHATSAPP_CLOUD_APP_SECRET,
    verifyToken: c.WHATSAPP_CLOUD_VERIFY_TOKEN,
    apiBase: c.WHATSAPP_CLOUD_API_BASE.replace(/\/+$/, ""),
    maxPerSecond: c.WHATSAPP_CLOUD_MAX_PER_SECOND,
    maxPerChatPerSecond: c.WHATSAPP_CLOUD_MAX_PER_CHAT_PER_SECOND,
  };
}

/** The variables each way to connect reads (checked against .env.example by a test). */
export const WWEB_ENV_VARIABLES = Object.keys(wwebSchema.shape);
export const CLOUD_ENV_VARIABLES = Object.keys(cloudSchema.shape);
