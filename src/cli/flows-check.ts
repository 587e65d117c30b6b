// `npm run flows:check -- [DIR]`: checks a folder of flow files (default flows/)
// against the project's translations; prints every problem, exits 1 if any.
import { join, resolve } from "node:path";
import { formatProblem } from "../flows/errors.js";
import { loadFlows } from "../flows/load.js";
import { PROJECT_ROOT } from "../runtime/create-runtime.js";

const dir = resolve(process.argv[2] ?? join(PROJECT_ROOT, "flows"));
const { loaded, problems } = loadFlows(dir, join(PROJECT_ROOT, "locales"));
if (!loaded) {
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  process.stderr.write(`flows:check: ${problems.length} problem(s)\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`flows:check: ${loaded.flows.size} flows OK (${[...loaded.flows.keys()].join(", ")})\n`);
}
