// Engine: the "how many tries, then where" setting shared by waiting nodes.
import { z } from "zod";
import { nodeId } from "./fields.js";

export const DEFAULT_MAX_TRIES = 3;

/** After `max` invalid answers in a row the person is taken to `exit` (default: the main menu). */
export const retrySchema = z.strictObject({ max: z.number().int().min(1).max(10), exit: nodeId.optional() }).optional();
export type RetrySpec = z.infer<typeof retrySchema>;

export function retryOf(spec: RetrySpec) {
  return { max: spec?.max ?? DEFAULT_MAX_TRIES, exit: spec?.exit };
}

export function retryTargets(spec: RetrySpec) {
  return spec?.exit ? [{ field: "retry.exit", target: spec.exit, label: "too many tries" }] : [];
}
