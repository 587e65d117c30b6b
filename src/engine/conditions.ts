// Engine: conditions for branch nodes, as data. A condition reads variables by
// dotted path ("fee.amount") or the built-in "$lang".
import { z } from "zod";
import type { Session, Value } from "./types.js";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export type Condition =
  | { var: string; eq?: Value; ne?: Value; in?: Value[]; gt?: number; gte?: number; lt?: number; lte?: number; set?: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
    z
      .strictObject({
        var: z.string().min(1),
        eq: scalar.optional(),
        ne: scalar.optional(),
        in: z.array(scalar).min(1).optional(),
        gt: z.number().optional(),
        gte: z.number().optional(),
        lt: z.number().optional(),
        lte: z.number().optional(),
        set: z.boolean().optional(),
      })
      .refine((c) => Object.keys(c).length > 1, { message: "a test is missing: use eq, ne, in, gt, gte, lt, lte or set" }),
  ]),
);

export function readVar(session: Session, path: string): Value | undefined {
  if (path === "$lang") return session.lang;
  let current: Value | undefined = session.vars;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = current[part];
  }
  return current;
}

export function evaluate(condition: Condition, session: Session): boolean {
  if ("all" in condition) return condition.all.every((c) => evaluate(c, session));
  if ("any" in condition) return condition.any.some((c) => evaluate(c, session));
  if ("not" in condition) return !evaluate(condition.not, session);
  const value = readVar(session, condition.var);
  const present = value !== undefined && value !== null;
  if (condition.set !== undefined && condition.set !== present) return false;
  if ("eq" in condition && value !== condition.eq) return false;
  if ("ne" in condition && value === condition.ne) return false;
  if (condition.in && !condition.in.includes(value ?? null)) return false;
  const n = typeof value === "number" ? value : undefined;
  if (condition.gt !== undefined && !(n !== undefined && n > condition.gt)) return false;
  if (condition.gte !== undefined && !(n !== undefined && n >= condition.gte)) return false;
  if (condition.lt !== undefined && !(n !== undefined && n < condition.lt)) return false;
  if (condition.lte !== undefined && !(n !== undefined && n <= condition.lte)) return false;
  return true;
}
