// Flows: the one loading pipeline for flow files, after goflow's: size check,
// parse YAML, migrate to the latest format version, validate with zod, then the
// graph and translation checks. All problems are collected, not just the first.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import type { BaseNode, CommandWords, Flow, FlowSet } from "../engine/node-kind.js";
import { NODE_KINDS } from "../engine/nodes/index.js";
import type { Translate } from "../engine/types.js";
import { createTranslate, loadCommandWords, loadLocales, type Resources } from "../i18n/locales.js";
import { checkFlows, type EntryFlows } from "./check.js";
import { FlowLoadError, type FlowProblem, fieldPath, issueMessage } from "./errors.js";

/** Flow files larger than this are refused before parsing. */
export const MAX_FLOW_FILE_BYTES = 256 * 1024;
export const FLOW_FORMAT_VERSION = 1;

/**
 * Upgrades from older file formats, by the version they upgrade from. Empty
 * while there is only version 1; a future format change adds `1: (raw) => ...`.
 */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

const header = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, "use lower-case letters, digits and -"),
  version: z
    .number()
    .int()
    .min(1)
    .max(FLOW_FORMAT_VERSION, `this program reads flow format versions 1 to ${FLOW_FORMAT_VERSION}; update the program or the file`),
  start: z.string().min(1),
  description: z.string().optional(),
  nodes: z.array(z.unknown()).min(1),
});

const kindNames = NODE_KINDS.map((k) => k.kind);
const kindSchemas = new Map(NODE_KINDS.map((k) => [k.kind as string, k.schema as z.ZodType<BaseNode>]));

function migrate(raw: Record<string, unknown>): Record<string, unknown> {
  let current = raw;
  for (let v = Number(raw.version); v < FLOW_FORMAT_VERSION; v++) {
    const up = MIGRATIONS[v];
    if (up) current = { ...up(current), version: v + 1 };
  }
  return current;
}

/** Parses one flow file's text. The file name is used only in messages. */
export function parseFlow(file: string, text: string): { flow?: Flow; problems: FlowProblem[] } {
  const problems: FlowProblem[] = [];
  if (Buffer.byteLength(text) > MAX_FLOW_FILE_BYTES) {
    return { problems: [{ file, message: `file is larger than ${MAX_FLOW_FILE_BYTES / 1024} KB` }] };
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return { problems: doc.errors.map((e) => ({ file, message: `not valid YAML: ${e.message.split("\n")[0]}` })) };
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    return { problems: [{ file, message: "expected a flow (id, version, start, nodes)" }] };
  const head = header.safeParse(raw);
  if (!head.success) {
    return { problems: head.error.issues.map((i) => ({ file, field: fieldPath(i.path), message: issueMessage(i) })) };
  }
  const migrated = header.parse(migrate(raw as Record<string, unknown>));
  const flowId = migrated.id;
  const nodes = new Map<string, BaseNode>();
  const declared = new Set<string>();
  migrated.nodes.forEach((rawNode, index) => {
    const id = (rawNode as { id?: unknown })?.id;
    const nodeName = typeof id === "string" ? id : `#${index + 1}`;
    if (typeof id === "string") declared.add(id);
    const kind = (rawNode as { kind?: unknown })?.kind;
    const schema = typeof kind === "string" ? kindSchemas.get(kind) : undefined;
    if (!schema) {
      problems.push({ file, flow: flowId, node: nodeName, field: "kind", message: `must be one of ${kindNames.join(", ")}` });
      return;
    }
    const parsed = schema.safeParse(rawNode);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({ file, flow: flowId, node: nodeName, field: fieldPath(issue.path), message: issueMessage(issue) });
      return;
    }
    if (nodes.has(parsed.data.id)) {
      problems.push({ file, flow: flowId, node: parsed.data.id, field: "id", message: "duplicate node id" });
      return;
    }
    nodes.set(parsed.data.id, parsed.data);
  });
  return { flow: { id: flowId, version: migrated.version, start: migrated.start, file, nodes, declared }, problems };
}

export interface LoadedFlows {
  flows: FlowSet;
  resources: Resources;
  translate: Translate;
  commands: CommandWords;
}

export const ENTRY_FLOWS: EntryFlows = { homeFlow: "welcome", menuFlow: "menu", languageFlow: "language" };

/** Reads and checks every flow in `flowsDir` against the translations in `localesDir`. */
export function loadFlows(
  flowsDir: string,
  localesDir: string,
  entries: EntryFlows = ENTRY_FLOWS,
): { loaded?: LoadedFlows; problems: FlowProblem[] } {
  const problems: FlowProblem[] = [];
  const flows = new Map<string, Flow>();
  const cwd = process.cwd();
  let files: string[] = [];
  try {
    files = readdirSync(flowsDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch {
    problems.push({ file: flowsDir, message: "folder not found" });
  }
  for (const name of files) {
    const path = join(flowsDir, name);
    const rel = relative(cwd, path);
    const file = rel && !rel.startsWith("..") ? rel : path;
    if (statSync(path).size > MAX_FLOW_FILE_BYTES) {
      problems.push({ file, message: `file is larger than ${MAX_FLOW_FILE_BYTES / 1024} KB` });
      continue;
    }
    const result = parseFlow(file, readFileSync(path, "utf8"));
    problems.push(...result.problems);
    if (!result.flow) continue;
    const other = flows.get(result.flow.id);
    if (other) {
      problems.push({ file, flow: result.flow.id, field: "id", message: `flow id is also used by ${other.file}` });
      continue;
    }
    flows.set(result.flow.id, result.flow);
  }
  const locales = loadLocales(localesDir);
  problems.push(...locales.problems);
  const commands = loadCommandWords(locales.resources);
  problems.push(...commands.problems);
  problems.push(...checkFlows(flows, locales.resources, entries));
  if (problems.length > 0) return { problems };
  return {
    loaded: { flows, resources: locales.resources, translate: createTranslate(locales.resources), commands: commands.words },
    problems,
  };
}

/** Like loadFlows, but throws one error listing every problem: for start-up. */
export function loadFlowsOrThrow(flowsDir: string, localesDir: string): LoadedFlows {
  const { loaded, problems } = loadFlows(flowsDir, localesDir);
  if (!loaded) throw new FlowLoadError(problems);
  return loaded;
}
