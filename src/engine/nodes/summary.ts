// Node kind "summary": shows every answer before sending, with buttons to
// send, change an answer, or cancel. "Change" lists the answers as buttons;
// choosing one asks that question again and, once answered, comes back here
// (the engine's RETURN_VAR), instead of going through the rest of the flow.
import { z } from "zod";
import type { ButtonSpec, NodeContext, NodeKind } from "../node-kind.js";
import { formatValue, RETURN_VAR } from "../values.js";
import { matchButton, nodeId, textKey, textRef, varName } from "./fields.js";

const field = z.strictObject({
  label: textKey,
  var: varName,
  /** The question that asks it again. */
  edit: nodeId,
  /** For option ids: the key prefix of their labels ("options.what" -> "options.what.<id>"). */
  options: textKey.optional(),
});

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("summary"),
  text: textKey,
  fields: z.array(field).min(1).max(40),
  send: nodeId,
  cancel: nodeId,
});
export type SummaryNode = z.infer<typeof schema>;

const SEND: ButtonSpec = { id: "send", label: "common:summary.send" };
const CHANGE: ButtonSpec = { id: "change", label: "common:summary.change" };
const CANCEL: ButtonSpec = { id: "cancel", label: "common:summary.cancel" };
const BACK: ButtonSpec = { id: "summary", label: "common:summary.back" };
const MODE_VAR = "_summary_mode";

/** Answers given so far: fields whose question was skipped by the flow (not asked at all) are left out. */
function shown(ctx: NodeContext, n: SummaryNode) {
  return n.fields.map((f, i) => ({ f, i })).filter(({ f }) => f.var in ctx.session.vars);
}

function display(ctx: NodeContext, f: SummaryNode["fields"][number]): string {
  const value = ctx.session.vars[f.var];
  if (value === null || value === undefined || value === "") return ctx.t("common:summary.empty");
  if (typeof value === "boolean") return ctx.t(value ? "common:buttons.yes" : "common:buttons.no");
  if (Array.isArray(value)) return ctx.t("common:summary.files", { count: value.length });
  if (f.options && typeof value === "string") return ctx.t(`${f.options}.${value}`);
  // Dates as people write them: day/month/year.
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value.split("-").reverse().join("/");
  return formatValue(value);
}

function buttons(ctx: NodeContext, n: SummaryNode): ButtonSpec[] {
  if (ctx.session.vars[MODE_VAR] !== "change") return [SEND, CHANGE, CANCEL];
  return [...shown(ctx, n).map(({ f, i }) => ({ id: `edit:${i}`, label: f.label })), BACK];
}

function showSummary(ctx: NodeContext, n: SummaryNode) {
  ctx.session.vars[MODE_VAR] = "summary";
  const lines = shown(ctx, n).map(({ f }) => `• ${ctx.t(f.label)}: ${display(ctx, f)}`);
  ctx.say(n.text, { answers: lines.join("\n") }, buttons(ctx, n));
}

export const summaryKind: NodeKind<SummaryNode> = {
  kind: "summary",
  schema,
  waits: true,
  targets: (n) => [
    { field: "send", target: n.send, label: "send" },
    { field: "cancel", target: n.cancel, label: "cancel" },
    ...n.fields.map((f, i) => ({ field: `fields[${i}].edit`, target: f.edit, label: `change ${f.var}` })),
  ],
  texts: (n) => [
    { field: "text", key: n.text, params: ["answers"] },
    ...n.fields.map((f, i) => textRef(`fields[${i}].label`, f.label, undefined)),
    ...[SEND, CHANGE, CANCEL, BACK].map((b) => ({ field: "buttons", key: b.label, params: [] })),
    { field: "change", key: "common:summary.which", params: [] },
    { field: "empty", key: "common:summary.empty", params: [] },
    { field: "files", key: "common:summary.files", params: ["count"] },
  ],
  enter(ctx, n) {
    delete ctx.session.vars[RETURN_VAR];
    showSummary(ctx, n);
    return { wait: true };
  },
  resume(ctx, n, input) {
    let id: string | undefined = input.type === "button" ? input.id : undefined;
    if (input.type === "text") {
      const options = buttons(ctx, n);
      id = matchButton(ctx, options, input.text);
      if (!id) return { invalid: "choice", params: { count: options.length } };
    }
    if (!buttons(ctx, n).some((b) => b.id === id)) return { expired: true };
    switch (id) {
      case "send":
        delete ctx.session.vars[MODE_VAR];
        return { goto: n.send };
      case "cancel":
        delete ctx.session.vars[MODE_VAR];
        return { goto: n.cancel };
      case "change":
        ctx.session.vars[MODE_VAR] = "change";
        ctx.say("common:summary.which", undefined, buttons(ctx, n));
        return { wait: true };
      case "summary":
        showSummary(ctx, n);
        return { wait: true };
    }
    const f = n.fields[Number(id?.slice("edit:".length))];
    if (!f) return { expired: true };
    delete ctx.session.vars[MODE_VAR];
    ctx.session.vars[RETURN_VAR] = n.id;
    return { goto: f.edit };
  },
};
