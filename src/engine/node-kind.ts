// Engine: the contract every node kind fulfils. The engine core knows only this
// interface; each kind (message, choice, question...) is one module in nodes/,
// so later features (knowledge answers, complaint filing, handoff) add a module
// and register it instead of changing the core.
import type { z } from "zod";
import type { DirectoryEntry } from "../knowledge/directory.js";
import type { SafetyDetector } from "../safety/detector.js";
import type { Input, Lang, MediaRef, Position, Session, Translate, Value } from "./types.js";

/** Fields every node has. */
export interface BaseNode {
  id: string;
  kind: string;
}

export interface Flow {
  id: string;
  version: number;
  start: string;
  /** Where the flow was loaded from, for error messages. */
  file: string;
  nodes: Map<string, BaseNode>;
  /** Every node id the file declares, also of nodes that failed to load, so checks don't report them twice. */
  declared?: ReadonlySet<string>;
}

export type FlowSet = ReadonlyMap<string, Flow>;

/** Global command words, folded, merged across languages. */
/** "bot" (back to the bot from a caseworker) is read by the handoff gate, not the engine. */
export type Command = "menu" | "back" | "language" | "restart" | "status" | "delete" | "help" | "person" | "bot" | "skip" | "done";
/** Commands that work everywhere; "skip" and "done" only mean something to some questions. */
export const GLOBAL_COMMANDS: readonly Command[] = ["menu", "back", "language", "restart", "status", "delete", "help", "person"];
export type CommandWords = ReadonlyMap<string, Command>;

/** Search over the knowledge base: pure and read-only, built once at start-up. */
export interface KnowledgeService {
  search(question: string, lang: Lang): { lang: Lang; results: { id: string; score: number }[] };
  /** Article metadata the cards show: status and date. Texts come through `translate` (namespace "knowledge"). */
  article(
    id: string,
  ): { id: string; status: "current" | "check-current" | "historical"; date: string; sources: string[]; hasMore: boolean } | undefined;
}

/** Everything a step may read besides the session: all pure data. */
export interface StepEnv {
  flows: FlowSet;
  translate: Translate;
  commands: CommandWords;
  defaultLang: Lang;
  /** The clock, fixed in tests: today's date as YYYY-MM-DD. */
  today: string;
  /** Read-only values flows can show, named "$name" in params (e.g. "$sessionDays"). */
  constants: Readonly<Record<string, Value>>;
  /** Flow started on first contact and on restart. */
  homeFlow: string;
  /** Flow the "menu" command and give-ups lead to. */
  menuFlow: string;
  /** Flow the "language" command runs before returning to where the person was. */
  languageFlow: string;
  /** Flows other commands run the same way: "status" (my cases), "delete" (delete my data). */
  commandFlows?: Partial<Record<Command, string>>;
  /** New unique ids (drafts); random in production, a counter in tests. */
  newId: () => string;
  knowledge?: KnowledgeService;
  /** Where to get help (knowledge/directory.yaml). */
  directory?: readonly DirectoryEntry[];
  /** Finds messages that signal danger; the engine answers them before anything else. */
  safety?: SafetyDetector;
  /**
   * Where free text goes when the bot is not waiting for a specific answer (at a
   * menu, or after a conversation ended): the node is entered with the text saved in `var`.
   */
  freeText?: { flow: string; node: string; var: string };
}

export interface ButtonSpec {
  id: string;
  /** i18n key of the label. */
  label: string;
}

/** What a node does once entered or answered. */
export type Next =
  | { goto: string }
  | { wait: true }
  | { call: string; returnTo: string }
  | { end: true }
  | { invalid: string; params?: Record<string, unknown> }
  | { expired: true }
  /** A global command chosen at the node (a typed number that stands for the "Menu" button, say). */
  | { command: Command };

export interface NodeContext {
  readonly env: StepEnv;
  readonly flow: Flow;
  /** Working copy of the session: nodes change it freely during a step. */
  readonly session: Session;
  /** Sends a message: `key` is relative to the flow's namespace unless it names one ("common:..."). `prefix` is text put before it. */
  say(key: string, params?: Record<string, unknown>, buttons?: ButtonSpec[], prefix?: string): void;
  /** Sends text the node composed itself from translated parts (a list, a result). */
  sayText(text: string, buttons?: ButtonSpec[]): void;
  emit(name: string, data: Record<string, Value>): void;
  /** Asks the host to perform an effect; the node then waits for its `effect` input. */
  request(name: string, data: Record<string, Value>): void;
  /** Renders a key in the person's language (relative keys are in this flow's namespace). */
  t(key: string, params?: Record<string, unknown>): string;
  /** Reads `params: {name: "var.path"}` into values for interpolation. */
  params(spec: Record<string, string> | undefined): Record<string, unknown>;
}

/** A reference from a node to an i18n key, for checking translations. */
export interface TextRef {
  field: string;
  key: string;
  /** Interpolation variables the node supplies for this text. */
  params: string[];
}

export interface NodeKind<N extends BaseNode = BaseNode> {
  kind: N["kind"];
  schema: z.ZodType<N>;
  /** True for nodes that stop and wait for the person (choice, question). */
  waits: boolean;
  /** Node ids this node can lead to, by field, for the graph checks and diagrams. */
  targets(node: N): { field: string; target: string; label?: string }[];
  /** Flows this node calls. */
  calls?(node: N): string[];
  texts(node: N): TextRef[];
  /** For waiting nodes: how many invalid answers before taking the way out, and where it leads. */
  retry?(node: N): { max: number; exit?: string };
  enter(ctx: NodeContext, node: N): Next;
  /** Handles the person's input at a waiting node. */
  resume?(ctx: NodeContext, node: N, input: Extract<Input, { type: "text" | "button" }>): Next;
  /** Handles a file at a waiting node that takes files; elsewhere the engine says it cannot use one here. */
  media?(ctx: NodeContext, node: N, media: MediaRef): Next;
  /** Handles the result of the effect this node requested. */
  effect?(ctx: NodeContext, node: N, result: Extract<Input, { type: "effect" }>): Next;
}

export function positionKey(p: Position): string {
  return `${p.flow}/${p.node}`;
}
