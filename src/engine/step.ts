// Engine: the step function. Given the flows, a session and one input, it
// returns the new session and the outputs to send. It performs no I/O and reads
// no clock: everything comes in through StepEnv, so a turn is reproducible.

import type { Alert } from "../safety/detector.js";
import { readVar } from "./conditions.js";
import {
  type BaseNode,
  type ButtonSpec,
  type Command,
  type Flow,
  GLOBAL_COMMANDS,
  type Next,
  type NodeContext,
  positionKey,
  type StepEnv,
} from "./node-kind.js";
import { kindOf } from "./nodes/index.js";
import { fold, MAX_INPUT_LENGTH, stripControl } from "./text.js";
import { type Input, type Lang, type Output, type Position, SESSION_VERSION, type Session, type Value } from "./types.js";
import { formatValue, RETURN_VAR } from "./values.js";

export { formatValue, RETURN_VAR };

export interface StepResult {
  session: Session;
  outputs: Output[];
}

/** Longest chain of nodes one turn may walk before the flow is considered broken. */
const MAX_VISITS = 200;
/** Deepest nesting of flows calling flows. */
const MAX_STACK = 16;
/** Invalid answers in a row after which the turn emits "bot.stuck". */
const STUCK_AFTER = 3;
/** How many earlier questions "back" can return through. */
const MAX_HISTORY = 10;

export function newSession(lang: Lang | null): Session {
  return { v: SESSION_VERSION, lang, at: null, stack: [], vars: {}, tries: 0, history: [] };
}

/** A short, stable name for a waiting step, carried by its buttons. */
export function stepRef(p: Position): string {
  let h = 5381;
  for (const ch of positionKey(p)) h = ((h * 33) ^ ch.charCodeAt(0)) >>> 0;
  return h.toString(36);
}

export function step(env: StepEnv, current: Session | null, input: Input, langHint?: Lang): StepResult {
  return stepOwned(env, current ? structuredClone(current) : null, input, langHint);
}

/**
 * Like step(), but works on `current` itself instead of a copy: for a caller
 * that owns the session object and will not use it again (the host, which has
 * just decoded it from storage). Saves a deep copy on every turn.
 */
export function stepOwned(env: StepEnv, current: Session | null, input: Input, langHint?: Lang): StepResult {
  const run = new Turn(env, current ?? newSession(langHint ?? null));
  if (!current) {
    // Danger comes first, even in a first message: the alert, then the welcome.
    const alert = input.type === "text" ? env.safety?.detect(input.text) : undefined;
    if (alert) run.safetyAlert(alert);
    run.startFlow(env.homeFlow);
  } else run.handle(input);
  return { session: run.session, outputs: run.outputs };
}

/** Starts `flowId` from its beginning (for commands such as /status, and for tests). */
export function begin(env: StepEnv, current: Session | null, flowId: string, lang?: Lang): StepResult {
  const run = new Turn(env, current ? structuredClone(current) : newSession(lang ?? null));
  run.startFlow(flowId);
  return { session: run.session, outputs: run.outputs };
}

class Turn {
  readonly outputs: Output[] = [];
  private visits = 0;

  constructor(
    private readonly env: StepEnv,
    readonly session: Session,
  ) {}

  handle(input: Input): void {
    if (input.type === "text") {
      const text = stripControl(input.text);
      if (text.length > MAX_INPUT_LENGTH) return this.notice("common:input.too_long", { max: MAX_INPUT_LENGTH });
      if (text.trim() === "") return this.notice("common:input.empty");
      const command = this.env.commands.get(fold(text).replace(/^\//, ""));
      if (command && GLOBAL_COMMANDS.includes(command)) return this.command(command);
      input = { type: "text", text };
      const alert = this.env.safety?.detect(text);
      if (alert) {
        this.safetyAlert(alert);
        // An answer being written (a question, a complaint's story) is kept and goes on; anywhere else the step is shown again.
        if (!this.takesText()) return this.session.at ? this.reenter(this.session.at) : this.startFlow(this.env.menuFlow);
      }
    }
    if (input.type === "button" && input.id.startsWith("cmd:")) {
      const command = input.id.slice(4) as Command;
      if (GLOBAL_COMMANDS.includes(command)) return this.command(command);
    }
    const at = this.session.at;
    if (!at && input.type === "text" && this.freeText(input.text, null)) return;
    if (!at && input.type === "effect") throw new Error(`got the result of "${input.name}" but no step waits for it`);
    if (!at) return this.startFlow(this.env.homeFlow);
    if (input.type === "start") return this.notice("common:welcome_back");
    if (input.type === "unsupported") return this.notice(input.reason === "edited" ? "common:input.edited" : "common:input.unsupported");
    if (input.type === "file_rejected") return this.notice(`common:input.file_${input.reason}`, { max: input.maxMb });
    const found = this.locate(at);
    const resume = found?.kind.resume;
    if (!found || !resume) {
      if (input.type === "effect") throw new Error(`got the result of "${input.name}" but no step waits for it`);
      // The flows changed since this session was saved and its step is gone.
      this.say("common:session.moved");
      return this.startFlow(this.env.menuFlow);
    }
    const { flow, node } = found;
    if (input.type === "button" && input.ref !== undefined && input.ref !== stepRef(at)) {
      return this.notice("common:expired");
    }
    let next: Next;
    if (input.type === "media") {
      if (!found.kind.media) return this.notice("common:input.media_unexpected");
      next = found.kind.media(this.context(flow), node, input.media);
    } else if (input.type === "effect") {
      if (!found.kind.effect) throw new Error(`${positionKey(at)}: got the result of "${input.name}" but does not wait for one`);
      next = found.kind.effect(this.context(flow), node, input);
    } else {
      next = resume(this.context(flow), node, input);
    }
    // Text that is not one of a menu's options is a question for the knowledge base.
    if ("invalid" in next && node.kind === "choice" && input.type === "text" && this.freeText(input.text, at)) return;
    if ("invalid" in next) return this.invalid(next.invalid, next.params, found);
    if ("expired" in next) return this.notice("common:expired");
    if ("command" in next) return this.command(next.command);
    if ("wait" in next) return; // the node answered and keeps waiting where it is
    this.remember(at);
    this.session.tries = 0;
    // An answer changed from a summary goes back to that summary instead of on through the flow.
    const back = this.session.vars[RETURN_VAR];
    if ("goto" in next && typeof back === "string" && flow.nodes.has(back) && back !== at.node) {
      delete this.session.vars[RETURN_VAR];
      return this.walk(flow, { goto: back });
    }
    this.walk(flow, next);
  }

  /**
   * A message that signals danger interrupts whatever the person was doing: a
   * calm, short reply (what to do now, where help is) with a person offered
   * right away, marked with the alert so channels and checks can tell.
   */
  safetyAlert(alert: Alert): void {
    const lang = this.session.lang ?? alert.lang;
    const t = this.env.translate;
    const at = this.session.at;
    this.outputs.push({
      type: "text",
      text: `${t(lang, `safety:alerts.${alert.id}`)}\n\n${t(lang, "safety:offer")}`,
      buttons: [{ id: "cmd:person", label: t(lang, "safety:buttons.person") }],
      ...(at ? { ref: stepRef(at) } : {}),
      safety: alert.id,
    });
    this.outputs.push({ type: "event", name: "safety.alert", data: { alert: alert.id } });
  }

  /** True when the step waiting now reads free text as its answer (so a danger message is also the answer). */
  private takesText(): boolean {
    const at = this.session.at;
    const node = at ? this.env.flows.get(at.flow)?.nodes.get(at.node) : undefined;
    if (node?.kind === "answer") return true;
    return node?.kind === "question" && (node as BaseNode & { answer?: { type?: string } }).answer?.type === "text";
  }

  startFlow(flowId: string): void {
    this.session.stack = [];
    this.session.tries = 0;
    const flow = this.flow(flowId);
    this.walk(flow, { goto: flow.start });
  }

  /**
   * Sends text typed where no specific answer is expected to the free-text node
   * (the knowledge search), coming back to `returnTo` when that flow ends.
   * Only once the person has a language, and only for text with letters in it.
   */
  private freeText(text: string, returnTo: Position | null): boolean {
    const target = this.env.freeText;
    if (!target || !this.session.lang || (text.match(/\p{L}/gu) ?? []).length < 2) return false;
    const flow = this.env.flows.get(target.flow);
    if (!flow?.nodes.has(target.node)) return false;
    if (returnTo) this.remember(returnTo);
    this.session.stack = returnTo ? [...this.session.stack, returnTo].slice(-MAX_STACK) : [];
    this.session.tries = 0;
    this.session.vars[target.var] = text.trim();
    this.walk(flow, { goto: target.node });
    return true;
  }

  private command(command: Command): void {
    const s = this.session;
    s.tries = 0;
    switch (command) {
      case "menu":
        if (s.at) this.remember(s.at);
        return this.startFlow(this.env.menuFlow);
      case "restart":
        s.vars = {};
        s.history = [];
        return this.startFlow(this.env.homeFlow);
      case "back": {
        const previous = s.history.pop();
        if (!previous) return this.notice("common:back.nothing");
        s.stack = previous.stack;
        return this.reenter(previous.at);
      }
      case "language":
        return this.interrupt(this.env.languageFlow);
      case "help":
        return this.notice("common:help");
      case "skip":
      case "done":
        return this.notice("common:invalid.choice_words");
      default: {
        const flowId = this.env.commandFlows?.[command];
        if (!flowId) return this.notice("common:back.nothing");
        return this.interrupt(flowId);
      }
    }
  }

  /** Runs a flow, then comes back and asks the current question again. */
  private interrupt(flowId: string): void {
    const s = this.session;
    if (s.at) {
      s.stack.push(s.at);
      if (s.stack.length > MAX_STACK) s.stack = [s.at];
    }
    const flow = this.flow(flowId);
    this.walk(flow, { goto: flow.start });
  }

  /** Says something from the engine itself, then asks the current question again. */
  private notice(key: string, params?: Record<string, unknown>): void {
    this.say(key, params);
    if (this.session.at) this.reenter(this.session.at);
    else this.startFlow(this.env.homeFlow);
  }

  private invalid(reason: string, params: Record<string, unknown> | undefined, at: Located): void {
    const s = this.session;
    s.tries += 1;
    // Not understood several times in a row: the host may offer a person (a ticket for caseworkers).
    if (s.tries === STUCK_AFTER) this.outputs.push({ type: "event", name: "bot.stuck", data: {} });
    const retry = at.kind.retry?.(at.node) ?? { max: 3 };
    if (s.tries >= retry.max) {
      s.tries = 0;
      if (retry.exit) {
        this.say("common:invalid.too_many");
        return this.walk(at.flow, { goto: retry.exit });
      }
      this.say("common:invalid.giving_up");
      return this.startFlow(this.env.menuFlow);
    }
    this.say(`common:invalid.${reason}`, params);
    this.reenter(s.at as Position);
  }

  private reenter(p: Position): void {
    const found = this.locate(p);
    if (!found) {
      this.say("common:session.moved");
      return this.startFlow(this.env.menuFlow);
    }
    this.walk(found.flow, { goto: p.node });
  }

  private remember(at: Position): void {
    const h = this.session.history;
    h.push({ at, stack: [...this.session.stack] });
    if (h.length > MAX_HISTORY) h.splice(0, h.length - MAX_HISTORY);
  }

  /** Follows transitions until a node waits for the person or the conversation ends. */
  private walk(flow: Flow, next: Next): void {
    const s = this.session;
    let current = flow;
    let move = next;
    for (;;) {
      if (++this.visits > MAX_VISITS) throw new Error(`flow[${current.id}]: more than ${MAX_VISITS} steps without waiting for an answer`);
      if ("goto" in move) {
        const node = current.nodes.get(move.goto);
        if (!node) throw new Error(`flow[${current.id}] node[${move.goto}]: does not exist`);
        s.at = { flow: current.id, node: node.id };
        move = kindOf(node).enter(this.context(current), node);
      } else if ("wait" in move) {
        return;
      } else if ("call" in move) {
        s.stack.push({ flow: current.id, node: move.returnTo });
        if (s.stack.length > MAX_STACK) throw new Error(`flow[${current.id}]: flows call each other more than ${MAX_STACK} deep`);
        current = this.flow(move.call);
        move = { goto: current.start };
      } else if ("end" in move) {
        const back = s.stack.pop();
        if (!back) {
          s.at = null;
          return;
        }
        current = this.flow(back.flow);
        move = { goto: back.node };
      } else {
        throw new Error(`flow[${current.id}] node[${s.at?.node}]: "${Object.keys(move)[0]}" is only valid as an answer`);
      }
    }
  }

  private flow(id: string): Flow {
    const flow = this.env.flows.get(id);
    if (!flow) throw new Error(`flow[${id}]: does not exist`);
    return flow;
  }

  private locate(p: Position): Located | undefined {
    const flow = this.env.flows.get(p.flow);
    const node = flow?.nodes.get(p.node);
    if (!flow || !node) return undefined;
    const kind = kindOf(node);
    return kind.waits ? { flow, node, kind } : undefined;
  }

  private read(path: string): Value | undefined {
    if (path.startsWith("$") && path.slice(1) in this.env.constants) return this.env.constants[path.slice(1)];
    return readVar(this.session, path);
  }

  private say(key: string, params?: Record<string, unknown>, buttons: ButtonSpec[] = [], prefix = ""): void {
    const lang = this.session.lang ?? this.env.defaultLang;
    this.sayText(prefix + this.env.translate(lang, key, params), buttons);
  }

  private sayText(text: string, buttons: ButtonSpec[] = []): void {
    const lang = this.session.lang ?? this.env.defaultLang;
    const t = this.env.translate;
    const at = this.session.at;
    this.outputs.push({
      type: "text",
      text,
      buttons: buttons.map((b) => ({ id: b.id, label: t(lang, b.label) })),
      ...(buttons.length > 0 && at ? { ref: stepRef(at) } : {}),
    });
  }

  private context(flow: Flow): NodeContext {
    const qualify = (key: string) => (key.includes(":") ? key : `${flow.id}:${key}`);
    return {
      env: this.env,
      flow,
      session: this.session,
      say: (key, params, buttons, prefix) =>
        this.say(
          qualify(key),
          params,
          buttons?.map((b) => ({ ...b, label: qualify(b.label) })),
          prefix,
        ),
      sayText: (text, buttons) =>
        this.sayText(
          text,
          buttons?.map((b) => ({ ...b, label: qualify(b.label) })),
        ),
      emit: (name, data) => this.outputs.push({ type: "event", name, data }),
      request: (name, data) => this.outputs.push({ type: "effect", name, data }),
      t: (key, params) => this.env.translate(this.session.lang ?? this.env.defaultLang, qualify(key), params),
      // "c_pay_unit|units" shows the value through a translation: units.<value> (in this flow unless it names a namespace).
      params: (spec) =>
        Object.fromEntries(
          Object.entries(spec ?? {}).map(([name, path]) => {
            const [varPath, keyPrefix] = path.split("|") as [string, string | undefined];
            const value = formatValue(this.read(varPath));
            return [
              name,
              keyPrefix && value ? this.env.translate(this.session.lang ?? this.env.defaultLang, `${qualify(keyPrefix)}.${value}`) : value,
            ];
          }),
        ),
    };
  }
}

interface Located {
  flow: Flow;
  node: BaseNode;
  kind: ReturnType<typeof kindOf>;
}
