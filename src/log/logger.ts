// Log: one JSON object per line on stderr (stdout belongs to the terminal
// chat's machine interface). Never pass message text or personal data here:
// identify people only by `personRef`, a one-way hash.
import { createHash } from "node:crypto";

export type Level = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type Fields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  debug(event: string, fields?: Fields): void;
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

export function createLogger(level: Level, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const at =
    (l: Exclude<Level, "silent">) =>
    (event: string, fields: Fields = {}) => {
      if (ORDER[l] < ORDER[level]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: l, event, ...fields })}\n`);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A short, stable, one-way reference to a person for correlating log lines. */
export function personRef(channel: string, userId: string): string {
  return createHash("sha256").update(`${channel}:${userId}`).digest("hex").slice(0, 12);
}
