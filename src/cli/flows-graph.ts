// `npm run flows:graph -- <flowId>`: prints the flow as a Mermaid diagram.
import { join } from "node:path";
import { formatProblem } from "../flows/errors.js";
import { loadFlows } from "../flows/load.js";
import { toMermaid } from "../flows/mermaid.js";
import { PROJECT_ROOT } from "../runtime/create-runtime.js";

const id = process.argv[2];
const { loaded, problems } = loadFlows(join(PROJECT_ROOT, "flows"), join(PROJECT_ROOT, "locales"));
if (!loaded) {
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  process.exitCode = 1;
} else if (!id || !loaded.flows.has(id)) {
  process.stderr.write(`Usage: npm run flows:graph -- <flowId>\nFlows: ${[...loaded.flows.keys()].join(", ")}\n`);
  process.exitCode = 2;
} else {
  process.stdout.write(toMermaid(loaded.flows.get(id) as NonNullable<ReturnType<typeof loaded.flows.get>>));
}
