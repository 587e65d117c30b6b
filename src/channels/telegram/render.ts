// Telegram: how engine outputs look on Telegram. Our texts mark *bold* and
// _italic_ the WhatsApp way; here they become HTML, everything else escaped.
// Long texts are split under Telegram's 4096-character limit.
import { splitLong } from "../split.js";

export const TELEGRAM_TEXT_LIMIT = 4000;

const ITALIC = /(^|[\s(])_([^_\n]+)_(?=[\s.,;:!?)]|$)/g;
/** Bold or italic spans, left to right, never overlapping: "_a *b_ c*" must not become <i>a <b>b</i> c</b>, which Telegram refuses. */
const SPAN = /(^|[\s(])(?:\*([^*\n]+)\*|_([^_\n]+)_)(?=[\s.,;:!?)]|$)/g;

export function toTelegramHtml(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped.replace(SPAN, (_all, before: string, bold: string | undefined, italic: string | undefined) =>
    // Italic inside bold nests properly: the inner span lies wholly within.
    bold !== undefined ? `${before}<b>${bold.replace(ITALIC, "$1<i>$2</i>")}</b>` : `${before}<i>${italic}</i>`,
  );
}

export function splitForTelegram(text: string): string[] {
  return splitLong(text, TELEGRAM_TEXT_LIMIT);
}
