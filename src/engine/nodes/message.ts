// Node kind "message": says something and moves on.
import { z } from "zod";
import type { NodeKind } from "../node-kind.js";
import { nodeId, params, textKey, textRef } from "./fields.js";

const schema = z.strictObject({ id: nodeId, kind: z.literal("message"), text: textKey, params, next: nodeId });
export type MessageNode = z.infer<typeof schema>;

export const messageKind: NodeKind<MessageNode> = {
  kind: "message",
  schema,
  waits: false,
  targets: (n) => [{ field: "next", target: n.next }],
  texts: (n) => [textRef("text", n.text, n.params)],
  enter(ctx, n) {
    ctx.say(n.text, ctx.params(n.params));
    return { goto: n.next };
  },
};
