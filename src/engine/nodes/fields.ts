// Engine: field schemas shared by node kinds.
import { z } from "zod";
import { fold } from "../text.js";
import { LANGUAGES, type Lang } from "../types.js";

export const nodeId = z.string().regex(/^[a-z][a-z0-9_]*$/, "use lower-case letters, digits and _ (start with a letter)");
/** An i18n key: "menu.title" (in the flow's own namespace) or "common:buttons.yes". */
export const textKey = z.string().regex(/^([a-z][a-z0-9_-]*:)?[a-zA-Z0-9_.-]+$/, "not an i18n key");
/** Interpolation values: {{name}} in the text is filled from the variable at this path. */
export const params = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string().min(1)).optional();

export function textRef(field: string, key: string, p: Record<string, string> | undefined) {
  return { field, key, params: Object.keys(p ?? {}) };
}

export const varName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "a variable name: letters, digits and _");

/** "Step 3 of 9", shown before a question: [step, total]. */
export const progress = z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional();

export function progressPrefix(ctx: { t(key: string, params?: Record<string, unknown>): string }, p: [number, number] | undefined): string {
  return p ? `${ctx.t("common:progress", { step: p[0], total: p[1] })}\n` : "";
}

/**
 * Which button a typed answer means: its number, its label in any of our
 * languages (accents, case and emoji ignored), or the label's first word when
 * only one button starts with it ("cambiar" for "✏️ Cambiar algo").
 */
export function matchButton(
  ctx: { env: { translate(lang: Lang, key: string): string }; flow: { id: string } },
  buttons: { id: string; label: string }[],
  text: string,
): string | undefined {
  const typed = fold(text);
  if (/^\d{1,2}$/.test(typed)) return buttons[Number(typed) - 1]?.id;
  const labels = buttons.map((b) => {
    const key = b.label.includes(":") ? b.label : `${ctx.flow.id}:${b.label}`;
    return { id: b.id, texts: LANGUAGES.map((l) => fold(ctx.env.translate(l, key).replace(/[^\p{L}\p{N}\s]/gu, " "))) };
  });
  const exact = labels.find((b) => b.id === typed || b.texts.includes(typed));
  if (exact) return exact.id;
  if (typed.length < 3 || typed.includes(" ")) return undefined;
  const byFirstWord = labels.filter((b) => b.texts.some((t) => t.split(" ")[0] === typed));
  return byFirstWord.length === 1 ? byFirstWord[0]?.id : undefined;
}
