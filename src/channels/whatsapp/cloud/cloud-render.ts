// WhatsApp Cloud API: how one engine output becomes Graph API messages.
// Options become what WhatsApp shows best within its limits: up to 3 short
// ones as reply buttons, 4 to 10 as a list behind one button, anything else
// (more options, long labels, long text) as numbered text (../render.ts), which
// the engine reads like any typed answer. Reply ids are packed button data
// ("<step ref>|<id>"), so an old or forged reply gets "that menu has expired".
import type { Output } from "../../../engine/types.js";
import { packButton } from "../../buttons.js";
import { renderNumbered } from "../render.js";
import type { GraphMessage } from "./graph-client.js";

type TextOutput = Extract<Output, { type: "text" }>;

/** Meta's limits for interactive messages (characters). */
export const LIMITS = {
  body: 1024,
  replyButtons: 3,
  buttonTitle: 20,
  listRows: 10,
  rowTitle: 24,
  listButton: 20,
} as const;

/** Words the rendering needs in the person's language. */
export interface RenderWords {
  /** "Reply with the number of your choice." (common:channel.reply_number) */
  replyNumber: string;
  /** The list's button label (common:channel.options_button). */
  optionsButton: string;
}

function text(body: string): GraphMessage {
  return { type: "text", text: { body, preview_url: false } };
}

/** The messages that carry one output. */
export function renderForCloud(output: TextOutput, words: RenderWords): GraphMessage[] {
  const { buttons } = output;
  if (buttons.length === 0) return renderNumbered(output, words.replyNumber).map(text);
  const ids = buttons.map((b) => packButton(output.ref, b.id));
  const packed = ids.every((id): id is string => id !== undefined);
  const bodyFits = output.text.trim().length > 0 && output.text.length <= LIMITS.body;
  const fits = (max: number) => buttons.every((b) => b.label.trim().length > 0 && b.label.length <= max);
  if (packed && bodyFits && buttons.length <= LIMITS.replyButtons && fits(LIMITS.buttonTitle)) {
    return [
      {
        type: "interactive",
        interactive: {
          type: "button",
          body: { text: output.text },
          action: { buttons: buttons.map((b, i) => ({ type: "reply", reply: { id: ids[i], title: b.label } })) },
        },
      },
    ];
  }
  if (
    packed &&
    bodyFits &&
    buttons.length > LIMITS.replyButtons &&
    buttons.length <= LIMITS.listRows &&
    fits(LIMITS.rowTitle) &&
    words.optionsButton.length <= LIMITS.listButton
  ) {
    return [
      {
        type: "interactive",
        interactive: {
          type: "list",
          body: { text: output.text },
          action: { button: words.optionsButton, sections: [{ rows: buttons.map((b, i) => ({ id: ids[i], title: b.label })) }] },
        },
      },
    ];
  }
  return renderNumbered(output, words.replyNumber).map(text);
}
