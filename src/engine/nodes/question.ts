// Node kind "question": asks for a typed answer (text, number, money, date,
// yes/no, phone), checks it, and saves it in a variable. Yes/no questions show
// buttons; optional questions can be skipped (saved as null).
import { z } from "zod";
import { answerSchema, parseAnswer } from "../answers.js";
import type { ButtonSpec, NodeKind } from "../node-kind.js";
import { fold } from "../text.js";
import type { Value } from "../types.js";
import { nodeId, params, progress, progressPrefix, textKey, textRef } from "./fields.js";
import { retryOf, retrySchema, retryTargets } from "./retry.js";

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("question"),
  text: textKey,
  params,
  answer: answerSchema,
  save: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
  optional: z.boolean().optional(),
  step: progress,
  next: nodeId,
  retry: retrySchema,
});
export type QuestionNode = z.infer<typeof schema>;

const YES: ButtonSpec = { id: "yes", label: "common:buttons.yes" };
const NO: ButtonSpec = { id: "no", label: "common:buttons.no" };
const SKIP: ButtonSpec = { id: "skip", label: "common:buttons.skip" };

function buttonsOf(n: QuestionNode): ButtonSpec[] {
  return [...(n.answer.type === "yesno" ? [YES, NO] : []), ...(n.optional ? [SKIP] : [])];
}

export const questionKind: NodeKind<QuestionNode> = {
  kind: "question",
  schema,
  waits: true,
  retry: (n) => retryOf(n.retry),
  targets: (n) => [{ field: "next", target: n.next }, ...retryTargets(n.retry)],
  texts: (n) => [textRef("text", n.text, n.params)],
  enter(ctx, n) {
    ctx.say(n.text, ctx.params(n.params), buttonsOf(n), progressPrefix(ctx, n.step));
    return { wait: true };
  },
  resume(ctx, n, input) {
    const save = (value: Value) => {
      ctx.session.vars[n.save] = value;
      return { goto: n.next };
    };
    if (input.type === "button") {
      if (!buttonsOf(n).some((b) => b.id === input.id)) return { expired: true };
      return save(input.id === "skip" ? null : input.id === "yes");
    }
    const folded = fold(input.text);
    if (n.optional && ctx.env.commands.get(folded.replace(/^\//, "")) === "skip") return save(null);
    if (n.answer.type === "yesno" && (folded === "1" || folded === "2")) return save(folded === "1");
    const parsed = parseAnswer(n.answer, input.text, ctx.env.today);
    if (!parsed.ok) return { invalid: parsed.reason, params: parsed.params };
    return save(parsed.value);
  },
};
