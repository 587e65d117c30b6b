// Flows: problems found while loading flows and translations. Each names the
// file, flow, node and field so a person can find and fix it.

export interface FlowProblem {
  file: string;
  flow?: string;
  node?: string;
  field?: string;
  message: string;
}

export function formatProblem(p: FlowProblem): string {
  const where = [p.flow && `flow[${p.flow}]`, p.node && `node[${p.node}]`, p.field].filter(Boolean).join(" ");
  return `${p.file}${where ? ` ${where}` : ""}: ${p.message}`;
}

export class FlowLoadError extends Error {
  constructor(readonly problems: FlowProblem[]) {
    super(`${problems.length} problem(s) in flows or translations:\n${problems.map(formatProblem).join("\n")}`);
    this.name = "FlowLoadError";
  }
}

/** zod issue path -> "options[2].target" */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i > 0 ? "." : ""}${String(p)}`)).join("");
}

/** A zod issue in words for flow authors: "is missing" rather than "expected string, received undefined". */
export function issueMessage(issue: { code: string; message: string }): string {
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) return "is missing";
  if (issue.code === "unrecognized_keys") return issue.message.replace("Unrecognized key", "unknown field");
  return issue.message;
}
