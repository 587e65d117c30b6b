// Node kind "case-list": shows the person's cases (reference, date, status)
// from a variable an effect filled in, or says there are none.
import { z } from "zod";
import type { NodeKind } from "../node-kind.js";
import { nodeId, varName } from "./fields.js";

const schema = z.strictObject({ id: nodeId, kind: z.literal("case-list"), from: varName, next: nodeId });
export type CaseListNode = z.infer<typeof schema>;

export const caseListKind: NodeKind<CaseListNode> = {
  kind: "case-list",
  schema,
  waits: false,
  targets: (n) => [{ field: "next", target: n.next }],
  texts: () => [
    { field: "none", key: "common:cases.none", params: [] },
    { field: "list", key: "common:cases.list", params: ["count", "lines"] },
    { field: "line", key: "common:cases.line", params: ["ref", "date", "status"] },
    { field: "status", key: "common:cases.status.open", params: [] },
    { field: "status", key: "common:cases.status.closed", params: [] },
    { field: "urgent", key: "common:cases.urgent", params: [] },
  ],
  enter(ctx, n) {
    const data = ctx.session.vars[n.from];
    const cases = data && typeof data === "object" && !Array.isArray(data) && Array.isArray(data.cases) ? data.cases : [];
    if (cases.length === 0) {
      ctx.say("common:cases.none");
      return { goto: n.next };
    }
    const lines = cases.map((c) => {
      const rec = c && typeof c === "object" && !Array.isArray(c) ? c : {};
      const status = ctx.t(`common:cases.status.${rec.status === "closed" ? "closed" : "open"}`);
      const date = String(rec.date ?? "")
        .split("-")
        .reverse()
        .join("/");
      const line = ctx.t("common:cases.line", { ref: String(rec.ref ?? ""), date, status });
      return rec.urgent === true ? `${line} ${ctx.t("common:cases.urgent")}` : line;
    });
    ctx.say("common:cases.list", { count: cases.length, lines: lines.join("\n") });
    return { goto: n.next };
  },
};
