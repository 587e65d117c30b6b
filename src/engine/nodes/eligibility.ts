// Node kind "eligibility": the result of the "what may apply to me" wizard.
// Rules are data in the flow file: each names an item (a program, asylum, a
// complaint...), a verdict (it may fit, or it does not) with a one-line
// reason, and the answers it applies to. The first rule that matches decides
// an item; the person gets one message listing what may fit and what does not,
// each with its reason, and a note that this is general information, not legal advice.
import { z } from "zod";
import type { NodeKind } from "../node-kind.js";
import { nodeId, textKey, varName } from "./fields.js";

const values = z.array(z.string().min(1)).min(1);
const rule = z.strictObject({
  item: z.string().regex(/^[a-z][a-z0-9_]*$/),
  verdict: z.enum(["fits", "no"]),
  /** Every listed variable must hold one of the values (or none of them, with `not`). */
  when: z.record(varName, z.union([values, z.strictObject({ not: values })])),
  reason: textKey,
});

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("eligibility"),
  /** Key prefix of the items' names: `<names>.<item>`. */
  names: textKey,
  fits: textKey,
  nofit: textKey,
  none: textKey,
  note: textKey,
  rules: z.array(rule).min(1),
  next: nodeId,
});
export type EligibilityNode = z.infer<typeof schema>;
export type EligibilityRule = z.infer<typeof rule>;

export function ruleMatches(r: EligibilityRule, vars: Record<string, unknown>): boolean {
  return Object.entries(r.when).every(([name, cond]) => {
    const v = vars[name];
    const has = typeof v === "string" && (Array.isArray(cond) ? cond : cond.not).includes(v);
    return Array.isArray(cond) ? has : typeof v === "string" && !has;
  });
}

/** The deciding rule of each item, in rule order. */
export function decide(rules: EligibilityRule[], vars: Record<string, unknown>): EligibilityRule[] {
  const decided = new Map<string, EligibilityRule>();
  for (const r of rules) if (!decided.has(r.item) && ruleMatches(r, vars)) decided.set(r.item, r);
  return [...decided.values()];
}

export const eligibilityKind: NodeKind<EligibilityNode> = {
  kind: "eligibility",
  schema,
  waits: false,
  targets: (n) => [{ field: "next", target: n.next }],
  texts: (n) => [
    ...[n.fits, n.nofit, n.none, n.note].map((key) => ({ field: "texts", key, params: [] })),
    ...[...new Set(n.rules.map((r) => r.item))].map((item) => ({ field: "names", key: `${n.names}.${item}`, params: [] })),
    ...n.rules.map((r, i) => ({ field: `rules[${i}].reason`, key: r.reason, params: [] })),
  ],
  enter(ctx, n) {
    const decided = decide(n.rules, ctx.session.vars);
    const line = (r: EligibilityRule) => `• *${ctx.t(`${n.names}.${r.item}`)}*: ${ctx.t(r.reason)}`;
    const fits = decided.filter((r) => r.verdict === "fits");
    const no = decided.filter((r) => r.verdict === "no");
    const parts = [fits.length > 0 ? `${ctx.t(n.fits)}\n${fits.map(line).join("\n")}` : ctx.t(n.none)];
    if (no.length > 0) parts.push(`${ctx.t(n.nofit)}\n${no.map(line).join("\n")}`);
    parts.push(ctx.t(n.note));
    ctx.session.vars.wizard_items = decided.map((r) => `${r.item}:${r.verdict}`);
    ctx.sayText(parts.join("\n\n"));
    return { goto: n.next };
  },
};
