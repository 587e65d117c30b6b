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
  /** name -> literal value, {from: "other.var"} to copy, {newId: true} for a new unique id, or {list: true} for an empty list. */
  vars: z
    .record(
      z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
      z.union([
        literal,
        z.strictObject({ from: z.string() }),
        z.strictObject({ newId: z.literal(true) }),
        z.strictObject({ list: z.literal(true) }),
      ]),
    )
    .optional(),
  /** Variables to forget: names, or a prefix ending in * ("c_*"). */
  unset: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*\*?$/)).optional(),
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
    const vars = ctx.session.vars;
    for (const pattern of n.unset ?? []) {
      for (const name of Object.keys(vars)) {
        if (pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern) delete vars[name];
      }
    }
    for (const [name, value] of Object.entries(n.vars ?? {})) {
      let resolved: Value;
      if (value === null || typeof value !== "object") resolved = value;
      else if ("from" in value) resolved = readVar(ctx.session, value.from) ?? null;
      else if ("newId" in value) resolved = ctx.env.newId();
      else resolved = [];
      vars[name] = resolved;
    }
    if (n.lang) ctx.session.lang = n.lang;
    return { goto: n.next };
  },
};
