// Flows: a flow as a Mermaid diagram, for staff to look at (`npm run flows:graph -- <flowId>`).
import type { Flow } from "../engine/node-kind.js";
import { kindOf } from "../engine/nodes/index.js";

const quote = (s: string) => s.replace(/"/g, "#quot;");

export function toMermaid(flow: Flow): string {
  const lines = ["flowchart TD", `  %% flow ${flow.id} (${flow.file})`, `  start((start)) --> ${flow.start}`];
  for (const node of flow.nodes.values()) {
    const kind = kindOf(node);
    const text = kind.texts(node)[0]?.key;
    const label = quote(`${node.kind}: ${node.id}${text ? `<br/>${text}` : ""}`);
    const shape = kind.waits
      ? `{{"${label}"}}`
      : node.kind === "end"
        ? `(["${label}"])`
        : node.kind === "branch"
          ? `{"${label}"}`
          : `["${label}"]`;
    lines.push(`  ${node.id}${shape}`);
    for (const called of kind.calls?.(node) ?? []) {
      lines.push(`  ${node.id} -.-> flow_${called.replace(/-/g, "_")}[["flow: ${called}"]]`);
    }
    for (const t of kind.targets(node)) {
      lines.push(t.label ? `  ${node.id} -->|"${quote(t.label)}"| ${t.target}` : `  ${node.id} --> ${t.target}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
