// Node kind "choice": a menu of options shown as buttons. The person can press a
// button, or type its number, its label (in any of our languages, accents and
// case ignored) or its id.
import { z } from "zod";
import type { NodeContext, NodeKind } from "../node-kind.js";
import { fold } from "../text.js";
import { LANGUAGES } from "../types.js";
import { nodeId, params, textKey, textRef } from "./fields.js";
import { retryOf, retrySchema, retryTargets } from "./retry.js";

const option = z.strictObject({ id: nodeId, label: textKey, target: nodeId });
const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("choice"),
  text: textKey,
  params,
  options: z.array(option).min(1).max(12),
  retry: retrySchema,
});
export type ChoiceNode = z.infer<typeof schema>;

function matchOption(ctx: NodeContext, node: ChoiceNode, text: string) {
  const wanted = fold(text);
  if (/^\d{1,2}$/.test(wanted)) return node.options[Number(wanted) - 1];
  return node.options.find((o) => {
    if (fold(o.id) === wanted) return true;
    const key = o.label.includes(":") ? o.label : `${ctx.flow.id}:${o.label}`;
    return LANGUAGES.some((lang) => fold(ctx.env.translate(lang, key)) === wanted);
  });
}

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
    );
    return { wait: true };
  },
  resume(ctx, n, input) {
    if (input.type === "button") {
      const hit = n.options.find((o) => o.id === input.id);
      return hit ? { goto: hit.target } : { expired: true };
    }
    const hit = matchOption(ctx, n, input.text);
    return hit ? { goto: hit.target } : { invalid: "choice", params: { count: n.options.length } };
  },
};
