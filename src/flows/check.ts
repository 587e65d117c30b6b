// Flows: the graph and translation checks run on every loaded flow set: start
// and targets exist, called flows exist, every node is reachable, no loop can
// run without waiting for the person, and every text exists in every language
// with the {{variables}} the node supplies.
import { ENGINE_KEYS } from "../engine/engine-keys.js";
import type { Flow } from "../engine/node-kind.js";
import { kindOf } from "../engine/nodes/index.js";
import { LANGUAGES } from "../engine/types.js";
import { checkLocaleParity, interpolationVars, lookup, type Resources } from "../i18n/locales.js";
import type { FlowProblem } from "./errors.js";

export interface EntryFlows {
  homeFlow: string;
  menuFlow: string;
  languageFlow: string;
}

export function checkFlows(flows: ReadonlyMap<string, Flow>, resources: Resources, entries: EntryFlows): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const [role, id] of Object.entries(entries)) {
    if (!flows.has(id)) problems.push({ file: "flows/", message: `the ${role} "${id}" does not exist` });
  }
  for (const flow of flows.values()) problems.push(...checkGraph(flow, flows), ...checkTexts(flow, resources));
  for (const key of ENGINE_KEYS) {
    for (const lang of LANGUAGES) {
      if (typeof lookup(resources, lang, key) !== "string") {
        problems.push({
          file: `locales/${lang}/${key.split(":")[0]}.json`,
          field: key.split(":")[1],
          message: "missing (the engine says this)",
        });
      }
    }
  }
  problems.push(...checkLocaleParity(resources));
  return problems;
}

function checkGraph(flow: Flow, flows: ReadonlyMap<string, Flow>): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const at = (node?: string, field?: string) => ({ file: flow.file, flow: flow.id, node, field });
  const exists = (id: string) => flow.nodes.has(id) || (flow.declared?.has(id) ?? false);
  if (!exists(flow.start)) problems.push({ ...at(undefined, "start"), message: `node "${flow.start}" does not exist` });
  for (const node of flow.nodes.values()) {
    const kind = kindOf(node);
    for (const t of kind.targets(node)) {
      if (!exists(t.target)) problems.push({ ...at(node.id, t.field), message: `target "${t.target}" does not exist` });
    }
    for (const called of kind.calls?.(node) ?? []) {
      if (!flows.has(called)) problems.push({ ...at(node.id, "flow"), message: `flow "${called}" does not exist` });
    }
  }
  // Reachability from the start node.
  const seen = new Set<string>();
  const queue = flow.nodes.has(flow.start) ? [flow.start] : [];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = flow.nodes.get(id);
    if (node) for (const t of kindOf(node).targets(node)) queue.push(t.target);
  }
  if (seen.size > 0) {
    for (const id of flow.nodes.keys()) if (!seen.has(id)) problems.push({ ...at(id), message: "cannot be reached from the start" });
  }
  problems.push(...loopsWithoutWaiting(flow));
  return problems;
}

/** A cycle made only of nodes that never wait would spin forever in one turn. */
function loopsWithoutWaiting(flow: Flow): FlowProblem[] {
  const state = new Map<string, "open" | "done">();
  const problems: FlowProblem[] = [];
  const visit = (id: string, path: string[]) => {
    const node = flow.nodes.get(id);
    if (!node || kindOf(node).waits || state.get(id) === "done") return;
    if (state.get(id) === "open") {
      const cycle = path.slice(path.indexOf(id));
      problems.push({
        file: flow.file,
        flow: flow.id,
        node: id,
        message: `loops back to itself without waiting for an answer (${[...cycle, id].join(" -> ")})`,
      });
      return;
    }
    state.set(id, "open");
    for (const t of kindOf(node).targets(node)) visit(t.target, [...path, id]);
    state.set(id, "done");
  };
  for (const id of flow.nodes.keys()) visit(id, []);
  return problems;
}

function checkTexts(flow: Flow, resources: Resources): FlowProblem[] {
  const problems: FlowProblem[] = [];
  for (const node of flow.nodes.values()) {
    for (const ref of kindOf(node).texts(node)) {
      const key = ref.key.includes(":") ? ref.key : `${flow.id}:${ref.key}`;
      for (const lang of LANGUAGES) {
        const text = lookup(resources, lang, key);
        const where = { file: flow.file, flow: flow.id, node: node.id, field: ref.field };
        if (typeof text !== "string") {
          problems.push({ ...where, message: `translation "${key}" is missing in locales/${lang}/${key.split(":")[0]}.json` });
          continue;
        }
        for (const name of new Set(interpolationVars(text))) {
          if (!ref.params.includes(name))
            problems.push({ ...where, message: `"${key}" in ${lang} uses {{${name}}} but the node has no params.${name}` });
        }
      }
    }
  }
  return problems;
}
