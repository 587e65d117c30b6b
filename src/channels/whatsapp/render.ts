// WhatsApp: how engine outputs look on WhatsApp when they are plain text (the
// whatsapp-web.js client always; the Cloud API when options do not fit its
// buttons or lists). Our texts already use WhatsApp's *bold* and _italic_.
// Options become numbered lines: the person answers with the number, the
// label or a keyword, which the engine reads like any typed answer.
import type { Output } from "../../engine/types.js";
import { splitLong } from "../split.js";

/** Under the Cloud API's 4096-character text limit (whatsapp-web.js takes more). */
export const WHATSAPP_TEXT_LIMIT = 4000;

type TextOutput = Extract<Output, { type: "text" }>;

/** The messages that carry one output: its text, split if long, with the numbered options at the end. */
export function renderNumbered(output: TextOutput, replyHint: string): string[] {
  const options = output.buttons.map((b, i) => `*${i + 1}.* ${b.label}`).join("\n");
  const full = options ? `${output.text}\n\n${options}\n_${replyHint}_` : output.text;
  if (full.length <= WHATSAPP_TEXT_LIMIT) return [full];
  // Too long: split the text, and keep the options together in the last message.
  const parts = splitLong(output.text, WHATSAPP_TEXT_LIMIT);
  if (!options) return parts;
  const tail = `${options}\n_${replyHint}_`;
  const last = parts.at(-1) ?? "";
  if (last.length + tail.length + 2 <= WHATSAPP_TEXT_LIMIT) parts[parts.length - 1] = `${last}\n\n${tail}`;
  else parts.push(...splitLong(tail, WHATSAPP_TEXT_LIMIT));
  return parts;
}
