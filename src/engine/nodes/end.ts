// Node kind "end": finishes the flow (optionally saying something); the engine
// returns to the flow that called this one, if any.
import { z } from "zod";
import type { NodeKind } from "../node-kind.js";
import { nodeId, params, textKey, textRef } from "./fields.js";

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("end"),
  text: textKey.optional(),
  params,
  /** Ends the whole conversation, not just this flow (nothing to go back to, e.g. after deleting the person's data). */
  final: z.boolean().optional(),
});
export type EndNode = z.infer<typeof schema>;

export const endKind: NodeKind<EndNode> = {
  kind: "end",
  schema,
  waits: false,
  targets: () => [],
  texts: (n) => (n.text ? [textRef("text", n.text, n.params)] : []),
  enter(ctx, n) {
    if (n.text) ctx.say(n.text, ctx.params(n.params));
    if (n.final) ctx.session.stack.length = 0;
    return { end: true };
  },
};
