// Engine: field schemas shared by node kinds.
import { z } from "zod";

export const nodeId = z.string().regex(/^[a-z][a-z0-9_]*$/, "use lower-case letters, digits and _ (start with a letter)");
/** An i18n key: "menu.title" (in the flow's own namespace) or "common:buttons.yes". */
export const textKey = z.string().regex(/^([a-z][a-z0-9_-]*:)?[a-zA-Z0-9_.-]+$/, "not an i18n key");
/** Interpolation values: {{name}} in the text is filled from the variable at this path. */
export const params = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string().min(1)).optional();

export function textRef(field: string, key: string, p: Record<string, string> | undefined) {
  return { field, key, params: Object.keys(p ?? {}) };
}
