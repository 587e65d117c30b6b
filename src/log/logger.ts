// Log: structured JSON lines through pino, on stderr (stdout belongs to the
// terminal chat's machine interface). Lines carry the correlation id of what
// they belong to: `person` for everything about one chat (personRef, a one-way
// hash of the chat: every line of a turn, its effects and events has it),
// `update` for a platform's delivery, `ticket` for a handoff. Never message
// text or personal data. As a second guard, fields whose names hold personal
// data are redacted, and strings are scrubbed of phone numbers and e-mail
// addresses (an error message can quote what it failed on).
// (Not AsyncLocalStorage: on Node 20 its promise hooks cost about 5% of a
// turn's CPU in npm run bench:telegram, for ids the lines can carry themselves.)
import { createHash } from "node:crypto";
import pino from "pino";

export type Level = "debug" | "info" | "warn" | "error" | "silent";

export type Fields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  debug(event: string, fields?: Fields): void;
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

/** Field names whose values are personal data or secrets: never written, whoever passes them. */
export const REDACTED_FIELDS = [
  "text",
  "body",
  "caption",
  "message",
  "phone",
  "from",
  "to",
  "user",
  "userId",
  "chatId",
  "name",
  "email",
  "password",
  "token",
  "secret",
  "address",
  "filename",
  "answer",
  "answers",
  "draft",
  "transcript",
] as const;

const PHONE = /(?<![\w+])\+?\d(?:[ .-]?\d){9,14}(?!\w)/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/** A string with phone numbers and e-mail addresses masked. */
export function scrub(value: string): string {
  return value.replace(EMAIL, "[email]").replace(PHONE, "[number]");
}

export function createLogger(level: Level, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const logger = pino(
    {
      level,
      base: undefined,
      messageKey: "event",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(fields)) out[k] = typeof v === "string" ? scrub(v) : v;
          return out;
        },
      },
      redact: { paths: [...REDACTED_FIELDS], censor: "[redacted]" },
    },
    { write },
  );
  const at = (l: Exclude<Level, "silent">) => (event: string, fields?: Fields) => {
    if (fields) logger[l](fields, event);
    else logger[l](event);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A short, stable, one-way reference to a person for correlating log lines. */
export function personRef(channel: string, userId: string): string {
  return createHash("sha256").update(`${channel}:${userId}`).digest("hex").slice(0, 12);
}
