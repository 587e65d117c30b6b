// Telegram: how engine outputs look on Telegram. Our texts mark *bold* and
// _italic_ the WhatsApp way; here they become HTML, everything else escaped.
// Long texts are split at line breaks under Telegram's 4096-character limit.
import { z } from "zod";

const LIMIT = 4000;

export function toTelegramHtml(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s.,;:!?)]|$)/g, "$1<b>$2</b>")
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s.,;:!?)]|$)/g, "$1<i>$2</i>");
}

/** Splits at paragraph, then line, then word boundaries, never inside a word if it can help it. */
export function splitLong(text: string, limit = LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"), window.lastIndexOf(" "));
    const at = cut > limit / 2 ? cut : limit;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest.trim().length > 0 || parts.length === 0) parts.push(rest.trimEnd());
  return parts;
}

/**
 * Callback data: "<step ref>|<button id>", within Telegram's 64 bytes. The step
 * ref lets the engine tell an old menu's button from the current one.
 */
export function packButton(ref: string | undefined, id: string): string | undefined {
  const data = `${ref ?? ""}|${id}`;
  return Buffer.byteLength(data) <= 64 ? data : undefined;
}

const callbackData = z
  .string()
  .max(64)
  .regex(/^[0-9a-z]{0,8}\|[\w:.-]{1,56}$/);

export function unpackButton(data: string): { ref?: string; id: string } | undefined {
  if (!callbackData.safeParse(data).success) return undefined;
  const [ref, id] = data.split("|", 2) as [string, string];
  return ref ? { ref, id } : { id };
}
