// Node kind "effect": asks the host to do something with the outside world
// (file a case, list the person's cases, delete their data) and waits for the
// result in the same turn: `ok` or `fail`. The result's data is saved in `save`.
import { z } from "zod";
import type { NodeKind } from "../node-kind.js";
import type { Value } from "../types.js";
import { nodeId, varName } from "./fields.js";

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("effect"),
  effect: z.string().regex(/^[a-z]+(\.[a-z]+)+$/, 'a name like "case.submit"'),
  /** Sends every variable whose name starts with this prefix. */
  send: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
    .optional(),
  save: varName.optional(),
  ok: nodeId,
  fail: nodeId,
});
export type EffectNode = z.infer<typeof schema>;

export const effectKind: NodeKind<EffectNode> = {
  kind: "effect",
  schema,
  waits: true,
  targets: (n) => [
    { field: "ok", target: n.ok, label: "ok" },
    { field: "fail", target: n.fail, label: "failed" },
  ],
  texts: () => [],
  enter(ctx, n) {
    const data: Record<string, Value> = {};
    if (n.send !== undefined) {
      for (const [name, value] of Object.entries(ctx.session.vars)) if (name.startsWith(n.send)) data[name] = value;
    }
    ctx.request(n.effect, data);
    return { wait: true };
  },
  effect(ctx, n, result) {
    if (result.name !== n.effect) throw new Error(`node[${n.id}] waits for "${n.effect}", got "${result.name}"`);
    if (n.save) ctx.session.vars[n.save] = result.data;
    return { goto: result.ok ? n.ok : n.fail };
  },
  // The result always comes in the same turn; anything typed meanwhile finds the node already moved on.
  resume: () => ({ expired: true }),
};
