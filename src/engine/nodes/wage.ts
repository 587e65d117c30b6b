// Node kind "wage": the wage calculator. From the promised rate (money), the
// number of hours/days/weeks/months worked and what was paid, it computes what
// is still owed (never below zero) and saves it as money, for the worker to
// confirm or correct in the next question.
import { z } from "zod";
import { readVar } from "../conditions.js";
import type { NodeKind } from "../node-kind.js";
import type { Value } from "../types.js";
import { nodeId, varName } from "./fields.js";

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("wage"),
  rate: varName,
  worked: varName,
  paid: varName,
  save: varName,
  next: nodeId,
});
export type WageNode = z.infer<typeof schema>;

function money(value: Value | undefined): { amount: number; currency: string | null } {
  if (value && typeof value === "object" && !Array.isArray(value) && typeof value.amount === "number") {
    return { amount: value.amount, currency: typeof value.currency === "string" ? value.currency : null };
  }
  return { amount: 0, currency: null };
}

/** What is owed: rate x worked - paid, in cents to avoid rounding drift, never negative. */
export function owed(rate: number, worked: number, paid: number): number {
  const cents = Math.round(rate * 100) * worked - Math.round(paid * 100);
  return Math.max(0, Math.round(cents) / 100);
}

export const wageKind: NodeKind<WageNode> = {
  kind: "wage",
  schema,
  waits: false,
  targets: (n) => [{ field: "next", target: n.next }],
  texts: () => [],
  enter(ctx, n) {
    const rate = money(readVar(ctx.session, n.rate));
    const paid = money(readVar(ctx.session, n.paid));
    const worked = readVar(ctx.session, n.worked);
    const amount = owed(rate.amount, typeof worked === "number" ? worked : 0, paid.amount);
    ctx.session.vars[n.save] = { amount, currency: rate.currency ?? paid.currency };
    return { goto: n.next };
  },
};
