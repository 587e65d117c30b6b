// Node kind "branch": goes to the first case whose condition holds, else the default.
import { z } from "zod";
import { conditionSchema, evaluate } from "../conditions.js";
import type { NodeKind } from "../node-kind.js";
import { nodeId } from "./fields.js";

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("branch"),
  cases: z.array(z.strictObject({ when: conditionSchema, target: nodeId })).min(1),
  default: nodeId,
});
export type BranchNode = z.infer<typeof schema>;

export const branchKind: NodeKind<BranchNode> = {
  kind: "branch",
  schema,
  waits: false,
  targets: (n) => [
    ...n.cases.map((c, i) => ({ field: `cases[${i}].target`, target: c.target, label: `case ${i + 1}` })),
    { field: "default", target: n.default, label: "default" },
  ],
  texts: () => [],
  enter(ctx, n) {
    const hit = n.cases.find((c) => evaluate(c.when, ctx.session));
    return { goto: hit ? hit.target : n.default };
  },
};
