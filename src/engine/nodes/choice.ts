// Node kind "choice": a menu of options shown as buttons. The person can press a
// button, or type its number, its label (in any of our languages, accents and
// case ignored) or its id.
import { z } from "zod";
import type { NodeKind } from "../node-kind.js";
import { matchButton, nodeId, params, progress, progressPrefix, textKey, textRef, varName } from "./fields.js";
import { retryOf, retrySchema, retryTargets } from "./retry.js";

const option = z.strictObject({ id: nodeId, label: textKey, target: nodeId });
const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("choice"),
  text: textKey,
  params,
  options: z.array(option).min(1).max(12),
  /** Saves the chosen option's id in this variable. */
  save: varName.optional(),
  step: progress,
  retry: retrySchema,
});
export type ChoiceNode = z.infer<typeof schema>;

export const choiceKind: NodeKind<ChoiceNode> = {
  kind: "choice",
  schema,
  waits: true,
  // A menu cannot be failed: its options stay on screen. Without its own way out it just asks again.
  retry: (n) => (n.retry ? retryOf(n.retry) : { max: Number.POSITIVE_INFINITY }),
  targets: (n) => [
    ...n.options.map((o, i) => ({ field: `options[${i}].target`, target: o.target, label: o.id })),
    ...retryTargets(n.retry),
  ],
  texts: (n) => [textRef("text", n.text, n.params), ...n.options.map((o, i) => textRef(`options[${i}].label`, o.label, undefined))],
  enter(ctx, n) {
    ctx.say(
      n.text,
      ctx.params(n.params),
      n.options.map((o) => ({ id: o.id, label: o.label })),
      progressPrefix(ctx, n.step),
    );
    return { wait: true };
  },
  resume(ctx, n, input) {
    const id = input.type === "button" ? input.id : matchButton(ctx, n.options, input.text);
    const hit = n.options.find((o) => o.id === id);
    if (!hit) return input.type === "button" ? { expired: true } : { invalid: "choice", params: { count: n.options.length } };
    if (n.save) ctx.session.vars[n.save] = hit.id;
    return { goto: hit.target };
  },
};
