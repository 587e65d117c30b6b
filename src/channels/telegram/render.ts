// Telegram: how engine outputs look on Telegram. Our texts mark *bold* and
// _italic_ the WhatsApp way; here they become HTML, everything else escaped.
// Long texts are split under Telegram's 4096-character limit.
import { splitLong } from "../split.js";

export const TELEGRAM_TEXT_LIMIT = 4000;

export function toTelegramHtml(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s.,;:!?)]|$)/g, "$1<b>$2</b>")
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s.,;:!?)]|$)/g, "$1<i>$2</i>");
}

export function splitForTelegram(text: string): string[] {
  return splitLong(text, TELEGRAM_TEXT_LIMIT);
}
