// Node kind "flow": runs another flow, then continues at `next` when it ends.
import { z } from "zod";
import type { NodeKind } from "../node-kind.js";
import { nodeId } from "./fields.js";

const schema = z.strictObject({ id: nodeId, kind: z.literal("flow"), flow: z.string().min(1), next: nodeId });
export type FlowCallNode = z.infer<typeof schema>;

export const flowCallKind: NodeKind<FlowCallNode> = {
  kind: "flow",
  schema,
  waits: false,
  targets: (n) => [{ field: "next", target: n.next }],
  calls: (n) => [n.flow],
  texts: () => [],
  enter: (_ctx, n) => ({ call: n.flow, returnTo: n.next }),
};
