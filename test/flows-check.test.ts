// Broken flows paired with their exact errors, and the flows:check / flows:graph commands.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../src/flows/errors.js";
import { loadFlows } from "../src/flows/load.js";
import { toMermaid } from "../src/flows/mermaid.js";
import { flowWorkspace } from "./helpers/fixtures.js";

const run = promisify(execFile);
const head = "id: broken\nversion: 1\nstart: ask\nnodes:\n";
const F = "<ws>/flows/broken.yaml";

const cases: [string, string, string[]][] = [
  [
    "missing target",
    `${head}  - { id: ask, kind: choice, text: menu:title, options: [{ id: a, label: menu:options.rights, target: nowhere }] }\n`,
    [`${F} flow[broken] node[ask] options[0].target: target "nowhere" does not exist`],
  ],
  [
    "missing translation",
    `${head}  - { id: ask, kind: message, text: menu:nope, next: fin }\n  - { id: fin, kind: end }\n`,
    ["es", "en", "ht"].map((l) => `${F} flow[broken] node[ask] text: translation "menu:nope" is missing in locales/${l}/menu.json`),
  ],
  [
    "duplicate node id",
    `${head}  - { id: ask, kind: message, text: menu:title, next: fin }\n  - { id: fin, kind: end }\n  - { id: ask, kind: end }\n`,
    [`${F} flow[broken] node[ask] id: duplicate node id`],
  ],
  [
    "bad YAML",
    `${head}  - { id: ask, kind: end\n`,
    [`${F}: not valid YAML: Flow map in block collection must be sufficiently indented and end with a }`],
  ],
  ["duplicate YAML key", "id: broken\nid: again\n", [`${F}: not valid YAML: Map keys must be unique`]],
  [
    "unreachable node",
    `${head}  - { id: ask, kind: end }\n  - { id: lost, kind: end }\n`,
    [`${F} flow[broken] node[lost]: cannot be reached from the start`],
  ],
  [
    "unknown kind",
    `${head}  - { id: ask, kind: dance }\n`,
    [
      `${F} flow[broken] node[ask] kind: must be one of message, choice, question, branch, set, flow, end, answer, evidence, wage, summary, effect, case-list, eligibility, directory`,
    ],
  ],
  [
    "missing start",
    "id: broken\nversion: 1\nstart: nope\nnodes:\n  - { id: ask, kind: end }\n",
    [`${F} flow[broken] start: node "nope" does not exist`],
  ],
  [
    "calls a missing flow",
    `${head}  - { id: ask, kind: flow, flow: ghost, next: fin }\n  - { id: fin, kind: end }\n`,
    [`${F} flow[broken] node[ask] flow: flow "ghost" does not exist`],
  ],
  [
    "text needs a variable the node does not give",
    `${head}  - { id: ask, kind: end, text: common:input.too_long }\n`,
    ["es", "en", "ht"].map(
      (l) => `${F} flow[broken] node[ask] text: "common:input.too_long" in ${l} uses {{max}} but the node has no params.max`,
    ),
  ],
  [
    "loop without waiting",
    `${head}  - { id: ask, kind: branch, cases: [{ when: { var: x, eq: 1 }, target: fin }], default: again }\n  - { id: again, kind: set, vars: { y: 1 }, next: ask }\n  - { id: fin, kind: end }\n`,
    [`${F} flow[broken] node[ask]: loops back to itself without waiting for an answer (ask -> again -> ask)`],
  ],
  ["missing field", `${head}  - { id: ask, kind: message, text: menu:title }\n`, [`${F} flow[broken] node[ask] next: is missing`]],
  ["unknown field", `${head}  - { id: ask, kind: end, colour: red }\n`, [`${F} flow[broken] node[ask]: unknown field: "colour"`]],
  [
    "condition without a test",
    `${head}  - { id: ask, kind: branch, cases: [{ when: { var: x }, target: ask }], default: ask }\n`,
    [`${F} flow[broken] node[ask] cases[0].when: a test is missing: use eq, ne, in, gt, gte, lt, lte or set`],
  ],
  [
    "newer format version",
    "id: broken\nversion: 7\nstart: a\nnodes:\n  - { id: a, kind: end }\n",
    [`${F} version: this program reads flow format versions 1 to 1; update the program or the file`],
  ],
  [
    "several problems at once",
    `${head}  - { id: ask, kind: choice, text: menu:nope, options: [{ id: a, label: menu:title, target: x }, { id: b, label: menu:title, target: y }] }\n`,
    [
      `${F} flow[broken] node[ask] options[0].target: target "x" does not exist`,
      `${F} flow[broken] node[ask] options[1].target: target "y" does not exist`,
      ...["es", "en", "ht"].map((l) => `${F} flow[broken] node[ask] text: translation "menu:nope" is missing in locales/${l}/menu.json`),
    ],
  ],
];

describe("flow loading rejects broken flows with errors that name the place", () => {
  it.each(cases)("%s", (_name, yaml, expected) => {
    const ws = flowWorkspace({ withDemo: false, extraFlows: { "broken.yaml": yaml } });
    try {
      const { loaded, problems } = loadFlows(ws.flows, ws.locales);
      expect(loaded).toBeUndefined();
      expect(problems.map((p) => formatProblem(p).replaceAll(ws.dir, "<ws>"))).toEqual(expected);
    } finally {
      ws.cleanup();
    }
  });

  it("reports a flow id used twice", () => {
    const ws = flowWorkspace({
      withDemo: false,
      extraFlows: { "zz-menu-copy.yaml": "id: menu\nversion: 1\nstart: a\nnodes:\n  - { id: a, kind: end }\n" },
    });
    try {
      const { problems } = loadFlows(ws.flows, ws.locales);
      expect(problems.map((p) => formatProblem(p).replaceAll(ws.dir, "<ws>"))).toEqual([
        "<ws>/flows/zz-menu-copy.yaml flow[menu] id: flow id is also used by <ws>/flows/menu.yaml",
      ]);
    } finally {
      ws.cleanup();
    }
  });

  it("loads the project's own flows without a problem", () => {
    const ws = flowWorkspace({ withDemo: true });
    try {
      expect(loadFlows(ws.flows, ws.locales).problems).toEqual([]);
    } finally {
      ws.cleanup();
    }
  });
});

describe("npm run flows:check and flows:graph", () => {
  const tsx = ["--import", "tsx"];
  it("passes on flows/ and fails naming file and node on a broken folder", async () => {
    const good = await run(process.execPath, [...tsx, "src/cli/flows-check.ts"]);
    expect(good.stdout).toMatch(/flows:check: \d+ flows OK/);
    const ws = flowWorkspace({
      withDemo: false,
      extraFlows: { "broken.yaml": `${head}  - { id: ask, kind: message, text: menu:title, next: nowhere }\n` },
    });
    try {
      const bad = await run(process.execPath, [...tsx, "src/cli/flows-check.ts", ws.flows]).catch((e) => e);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`${ws.flows}/broken.yaml flow[broken] node[ask] next: target "nowhere" does not exist`);
    } finally {
      ws.cleanup();
    }
  });

  it("prints a Mermaid diagram of a flow", async () => {
    const { stdout } = await run(process.execPath, [...tsx, "src/cli/flows-graph.ts", "welcome"]);
    expect(stdout).toContain("flowchart TD");
    expect(stdout).toContain('check_language -->|"default"| pick_language');
    expect(stdout).toContain('pick_language -.-> flow_language[["flow: language"]]');
  });

  it("draws every node and edge of a flow", () => {
    const ws = flowWorkspace({ withDemo: true });
    try {
      const flow = loadFlows(ws.flows, ws.locales).loaded?.flows.get("demo");
      const diagram = toMermaid(flow as NonNullable<typeof flow>);
      for (const id of flow?.nodes.keys() ?? []) expect(diagram).toContain(`  ${id}`);
      expect(diagram).toContain('ask_age -->|"too many tries"| too_hard');
    } finally {
      ws.cleanup();
    }
  });
});
