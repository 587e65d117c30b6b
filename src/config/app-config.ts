// Config: everything the app reads from the environment, parsed once at
// start-up into one typed object: the core (config.ts), the app's own settings
// below, and the configuration of each enabled channel. A bad or missing value
// stops the start with a message listing every problem at once. `.env.example`
// documents every variable (a test checks that it names each one read here).
import { z } from "zod";
import { parseTelegramConfig, TELEGRAM_ENV_VARIABLES, type TelegramConfig } from "../channels/telegram/telegram-config.js";
import {
  CLOUD_ENV_VARIABLES,
  type CloudConfig,
  parseCloudConfig,
  parseWwebConfig,
  WWEB_ENV_VARIABLES,
  type WwebConfig,
} from "../channels/whatsapp/whatsapp-config.js";
import { CORE_ENV_VARIABLES, type Config, ConfigError, parseConfig } from "./config.js";

export const CHANNEL_NAMES = ["terminal", "telegram", "whatsapp", "whatsapp-cloud"] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

const flag = z
  .enum(["0", "1", "true", "false", ""], { message: "use 1 or 0" })
  .default("0")
  .transform((v) => v === "1" || v === "true");

const appSchema = z.object({
  /** Which channels this process serves: any of terminal, telegram, whatsapp, whatsapp-cloud, comma-separated. */
  CHANNELS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(CHANNEL_NAMES, { message: `each of CHANNELS must be one of ${CHANNEL_NAMES.join(", ")}` }))),
  /** The app's HTTP server: webhooks, /console, /healthz, /readyz, /metrics. */
  PORT: z.coerce.number({ message: "PORT must be a port number" }).int().min(0).max(65535, "PORT must be at most 65535").default(8080),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  /** Serve the caseworkers' console at /console (needs REDIS_URL). */
  CONSOLE: flag,
  /** Console cookies marked Secure: set when it is served over HTTPS (behind a TLS proxy). */
  CONSOLE_SECURE_COOKIES: flag,
  /** A bearer token /metrics asks for; unset, /metrics is open (keep the port private then). */
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN: at least 16 characters").optional(),
  /** The longest a shutdown may take before the process exits anyway. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(25),
});

export interface AppConfig {
  core: Config;
  channels: ChannelName[];
  http: { port: number; host: string; enabled: boolean };
  console: { enabled: boolean; secureCookies: boolean };
  metricsToken: string | undefined;
  shutdownMs: number;
  telegram?: TelegramConfig;
  whatsapp?: WwebConfig;
  whatsappCloud?: CloudConfig;
}

/** Every variable the app reads, for `.env.example` and its test. */
export const ENV_VARIABLES = [
  ...new Set([
    ...CORE_ENV_VARIABLES,
    ...Object.keys(appSchema.shape),
    ...TELEGRAM_ENV_VARIABLES,
    ...WWEB_ENV_VARIABLES,
    ...CLOUD_ENV_VARIABLES,
  ]),
];

/**
 * Parses the whole configuration, or throws a ConfigError listing every
 * problem. `channels`, when given (a start script's --channels), replaces CHANNELS.
 */
export function parseAppConfig(env: Record<string, string | undefined>, channels?: string): AppConfig {
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const core = attempt(() => parseConfig(env));
  const parsed = appSchema.safeParse(channels === undefined ? env : { ...env, CHANNELS: channels });
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.join(".") || "CHANNELS"}: ${i.message}`));
  const app = parsed.success ? parsed.data : undefined;
  // The channels on their own, so each enabled channel's settings are checked even when another app setting is wrong.
  const listed = appSchema.shape.CHANNELS.safeParse(channels ?? env.CHANNELS);
  const enabled = [...new Set(listed.success ? listed.data : [])];
  const telegram = enabled.includes("telegram") ? attempt(() => parseTelegramConfig(env)) : undefined;
  const whatsapp = enabled.includes("whatsapp") ? attempt(() => parseWwebConfig(env)) : undefined;
  const whatsappCloud = enabled.includes("whatsapp-cloud") ? attempt(() => parseCloudConfig(env)) : undefined;
  if (app) {
    if (enabled.length === 0 && !app.CONSOLE)
      problems.push(`CHANNELS: name at least one of ${CHANNEL_NAMES.join(", ")} (or set CONSOLE=1 to serve the console alone)`);
    if (enabled.includes("whatsapp") && enabled.includes("whatsapp-cloud"))
      problems.push("CHANNELS: choose one way to connect WhatsApp, whatsapp or whatsapp-cloud, not both");
  }
  if (appSchema.shape.CONSOLE.safeParse(env.CONSOLE).data && !env.REDIS_URL?.trim())
    problems.push("CONSOLE=1 needs REDIS_URL: caseworker accounts and tickets are kept in Redis");
  if (problems.length > 0 || !core || !app) throw new ConfigError(problems);
  const onlyTerminal = enabled.every((c) => c === "terminal") && !app.CONSOLE;
  return {
    core,
    channels: enabled,
    // A terminal chat alone needs no HTTP server, unless PORT asks for one (health and metrics).
    http: { port: app.PORT, host: app.HOST, enabled: !onlyTerminal || env.PORT !== undefined },
    console: { enabled: app.CONSOLE, secureCookies: app.CONSOLE_SECURE_COOKIES },
    metricsToken: app.METRICS_TOKEN,
    shutdownMs: app.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    ...(telegram ? { telegram } : {}),
    ...(whatsapp ? { whatsapp } : {}),
    ...(whatsappCloud ? { whatsappCloud } : {}),
  };
}
