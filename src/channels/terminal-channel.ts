// Channels: the terminal chat. Interactive mode prints buttons as numbered
// options (reply with the number or the label). JSON mode is the stable machine
// interface: one message per input line (plain text, {"text": "..."},
// {"button": "<id>"} or {"file": "path"}), one {"text", "buttons"} object per
// bot message (with "safety": "<alert-id>" when it answers a safety alert).
import { readFile, stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { z } from "zod";
import type { AttachmentStore } from "../cases/attachment-store.js";
import type { Input, Lang, Output } from "../engine/types.js";
import type { Logger } from "../log/logger.js";
import type { Conversation } from "../runtime/conversation.js";
import { fileInput, fileTooLarge } from "./files.js";

export const TERMINAL_CHANNEL = "terminal";

const jsonLine = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({ button: z.string().min(1).max(256) }),
  z.strictObject({ file: z.string().min(1).max(4096) }),
]);

export type TerminalLine = Input | { type: "file"; path: string };

/**
 * Reads one line of the JSON interface. Lines not starting with "{" are plain
 * text; {"file": "path"} sends a file (as a photo, document or voice note).
 */
export function parseJsonLine(line: string): TerminalLine {
  if (!line.trimStart().startsWith("{")) return { type: "text", text: line };
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return { type: "unsupported" };
  }
  const parsed = jsonLine.safeParse(data);
  if (!parsed.success) return { type: "unsupported" };
  if ("file" in parsed.data) return { type: "file", path: parsed.data.file };
  return "text" in parsed.data ? { type: "text", text: parsed.data.text } : { type: "button", id: parsed.data.button };
}

/** Reads a file named in the JSON interface, refusing big ones before reading them. */
async function readFileLine(path: string, attachments: AttachmentStore, maxBytes: number): Promise<Input> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { type: "unsupported" };
    if (info.size > maxBytes) return fileTooLarge(maxBytes);
    return fileInput(attachments, await readFile(path), maxBytes);
  } catch {
    return { type: "unsupported" };
  }
}

export interface TerminalOptions {
  conversation: Conversation;
  attachments: AttachmentStore;
  maxAttachmentBytes: number;
  log: Logger;
  input: Readable;
  output: Writable;
  json: boolean;
  user: string;
  lang?: Lang;
  /** Stops reading (a shutdown); the turn in flight finishes first. */
  signal?: AbortSignal;
}

/** Prints outputs: a JSON line each, or text with numbered options. */
export function writeOutputs(output: Writable, outputs: Output[], json: boolean): void {
  for (const o of outputs) {
    if (o.type !== "text") continue;
    // A reply to a safety alert says which one: {"safety": "<alert-id>"}.
    if (json) output.write(`${JSON.stringify({ text: o.text, buttons: o.buttons, ...(o.safety ? { safety: o.safety } : {}) })}\n`);
    else output.write(`\n${o.text}\n${o.buttons.map((b, i) => `  ${i + 1}. ${b.label}\n`).join("")}`);
  }
}

export async function runTerminal(options: TerminalOptions): Promise<void> {
  const { conversation, log, input, output, json, user, lang, attachments, maxAttachmentBytes } = options;
  const write = (text: string) => output.write(text);
  const send = (outputs: Output[]) => writeOutputs(output, outputs, json);
  const turn = async (message: Input) => {
    try {
      send(await conversation.handle(TERMINAL_CHANNEL, user, message, lang));
    } catch (error) {
      // The one error boundary of this channel: log with context, answer politely.
      log.error("turn.failed", { channel: TERMINAL_CHANNEL, input: message.type, error: (error as Error).message });
      send([conversation.apology((await conversation.languageOf(TERMINAL_CHANNEL, user).catch(() => undefined)) ?? lang)]);
    }
  };
  if (!json) await turn({ type: "start" });
  const prompt = () => {
    if (!json) write("> ");
  };
  prompt();
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  options.signal?.addEventListener("abort", () => lines.close(), { once: true });
  for await (const line of lines) {
    const parsed: TerminalLine = json ? parseJsonLine(line) : { type: "text", text: line };
    await turn(parsed.type === "file" ? await readFileLine(parsed.path, attachments, maxAttachmentBytes) : parsed);
    prompt();
  }
  if (!json) write("\n");
}
