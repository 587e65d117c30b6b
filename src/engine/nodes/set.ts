// Node kind "set": stores values in variables (or the conversation language).
import { z } from "zod";
import { readVar } from "../conditions.js";
import type { NodeKind } from "../node-kind.js";
import { LANGUAGES, type Value } from "../types.js";
import { nodeId } from "./fields.js";

const literal = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("set"),
  /** name -> literal value, or {from: "other.var"} to copy. */
  vars: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.union([literal, z.strictObject({ from: z.string() })])).optional(),
  lang: z.enum(LANGUAGES).optional(),
  next: nodeId,
});
export type SetNode = z.infer<typeof schema>;

export const setKind: NodeKind<SetNode> = {
  kind: "set",
  schema,
  waits: false,
  targets: (n) => [{ field: "next", target: n.next }],
  texts: () => [],
  enter(ctx, n) {
    for (const [name, value] of Object.entries(n.vars ?? {})) {
      const resolved: Value = value !== null && typeof value === "object" ? (readVar(ctx.session, value.from) ?? null) : value;
      ctx.session.vars[name] = resolved;
    }
    if (n.lang) ctx.session.lang = n.lang;
    return { goto: n.next };
  },
};
