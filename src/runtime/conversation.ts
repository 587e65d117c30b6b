// Runtime: performs one conversation turn around the pure engine. For each
// message it takes the person's place in line, reads the session, runs the
// step, and writes the session back with compare-and-set (retrying when
// another process wrote first). Only then are the outputs returned to be sent.
import type { StepEnv } from "../engine/node-kind.js";
import { begin, stepOwned } from "../engine/step.js";
import type { Input, Lang, Output, Session } from "../engine/types.js";
import { type Logger, personRef } from "../log/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { KeyedMutex } from "../sessions/keyed-mutex.js";
import { decodeSession, encodeSession, salvageLang } from "../sessions/session-codec.js";
import { type AlsoSet, type SessionStore, type Stored, sessionKey } from "../sessions/session-store.js";
import { type EffectHandler, ERASE_EFFECT } from "./effects.js";
import { type EventHandler, performEvents } from "./events.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ConversationDeps {
  env: StepEnv;
  store: SessionStore;
  ttlMs: number;
  log: Logger;
  /** How often to retry a turn whose write lost a race. */
  maxAttempts?: number;
  /** Performed for each event a turn emits, once its session is saved. */
  events?: EventHandler[];
  /** Effects flows may ask for in the middle of a turn, by name. */
  effects?: Record<string, EffectHandler>;
  /**
   * Decides first whether the bot handles an input at all (a caseworker may
   * hold the chat): looks the chat up, then decides for the input.
   */
  gate?: (channel: string, userId: string) => Promise<(input: Input) => Promise<{ pass: true; input?: Input } | { pass: false }>>;
  /** Messages in and out, turn latency, failed turns. */
  metrics?: Metrics;
  /**
   * The keys a person's session may be stored under, the current one first
   * (keyed pseudonyms, so no phone number is a Redis key; older ones after a
   * key rotation). A session found under an older key moves to the current
   * one. Default: the plain key.
   */
  sessionKeys?: (channel: string, userId: string) => string[];
}

/**
 * A turn's reads, started early: the channel sends them with its own Redis
 * command (the update ledger's claim), one round trip for all. See prefetch().
 */
export interface Prefetched {
  readonly key: string;
  /** Nothing else ran or waited for this person when the reads started: they cannot be stale from this process. */
  readonly idle: boolean;
  readonly look: Promise<GateDecision> | undefined;
  readonly read: Promise<Stored | undefined>;
}
type GateDecision = Awaited<ReturnType<NonNullable<ConversationDeps["gate"]>>>;

const ignore = () => undefined;

export class Conversation {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly deps: ConversationDeps) {}

  /**
   * Handles one input from a person and returns what to send them. `done`,
   * from the channel's update ledger, is written with the session when the
   * store can (see AlsoSet): then the update is marked handled exactly when
   * its turn is saved.
   */
  handle(channel: string, userId: string, input: Input, langHint?: Lang, done?: AlsoSet, prefetched?: Prefetched): Promise<Output[]> {
    const metrics = this.deps.metrics;
    if (!metrics) return this.handleOnce(channel, userId, input, langHint, done, prefetched);
    metrics.messagesIn.inc({ channel });
    const end = metrics.turnSeconds.startTimer({ channel });
    return this.handleOnce(channel, userId, input, langHint, done, prefetched).then(
      (outputs) => {
        end();
        metrics.messagesOut.inc({ channel }, countTexts(outputs));
        return outputs;
      },
      (error) => {
        metrics.errors.inc({ kind: "turn" });
        throw error;
      },
    );
  }

  private keysOf(channel: string, userId: string): [string, ...string[]] {
    const keys = this.deps.sessionKeys?.(channel, userId);
    return keys?.length ? (keys as [string, ...string[]]) : [sessionKey(channel, userId)];
  }

  /** Reads a session at its current key, moving it there from an older key if that is where it is. */
  private async readCurrent(keys: [string, ...string[]]): Promise<Stored | undefined> {
    const { store, ttlMs } = this.deps;
    const [key, ...older] = keys;
    const stored = await store.read(key);
    if (stored || older.length === 0) return stored;
    for (const old of older) {
      const found = await store.read(old);
      if (!found) continue;
      // Moved with compare-and-set: if another process moved it first, what is now at the current key wins.
      const moved = await store.write(key, found.data, 0, ttlMs);
      await store.delete(old);
      return moved ? { rev: 1, data: found.data } : store.read(key);
    }
    return undefined;
  }

  /**
   * Starts the reads of a person's next turn (the handoff check and the
   * session) before the turn, so that a channel can send them together with
   * its own Redis command: the update ledger's claim and these reads then
   * take one round trip, not two. Pass the result to handle(); if the turn
   * does not happen (a duplicate update), just drop it. Stale reads are safe:
   * the session is written with compare-and-set, and a turn that lost a race
   * reads again.
   */
  prefetch(channel: string, userId: string): Prefetched {
    const keys = this.keysOf(channel, userId);
    const look = this.deps.gate?.(channel, userId);
    const read = this.readCurrent(keys);
    look?.catch(ignore); // unread if the turn never comes
    read.catch(ignore);
    return { key: keys[0], idle: !this.mutex.busy(keys[0]), look, read };
  }

  private handleOnce(
    channel: string,
    userId: string,
    input: Input,
    langHint?: Lang,
    done?: AlsoSet,
    prefetched?: Prefetched,
  ): Promise<Output[]> {
    const keys = this.keysOf(channel, userId);
    const key = keys[0];
    return this.mutex.run(key, async () => {
      // Reads started before another turn of this person ran here are not used.
      const early = prefetched?.idle && prefetched.key === key ? prefetched : undefined;
      // The session is read while the gate looks (one round trip to Redis for both, pipelined).
      const look = early ? early.look : this.deps.gate?.(channel, userId);
      const read = early?.read ?? this.readCurrent(keys);
      read.catch(ignore); // unread when the gate fails or says no
      const gate = look ? await (await look)(input) : { pass: true as const, input };
      if (!gate.pass) return []; // a caseworker has the chat: the bot stays silent
      return this.turn(key, { channel, userId }, personRef(channel, userId), gate.input ?? input, langHint, read, done);
    });
  }

  private async perform(effect: Extract<Output, { type: "effect" }>, who: Parameters<EffectHandler>[1], ref: string) {
    const handler = this.deps.effects?.[effect.name];
    if (!handler) throw new Error(`no handler for effect "${effect.name}"`);
    try {
      return await handler(effect.data, who);
    } catch (error) {
      // An outage is an expected outcome here: the flow tells the person to try again.
      this.deps.log.error("effect.failed", { person: ref, effect: effect.name, error: (error as Error).message });
      this.deps.metrics?.errors.inc({ kind: "effect" });
      return { ok: false, data: {} };
    }
  }

  /** A text in a language, for hosts that speak to a person outside a turn. */
  translate(lang: Lang, key: string, params?: Record<string, unknown>): string {
    return this.deps.env.translate(lang, key, params);
  }

  /** The polite reply for when a turn failed (store down, a bug): in the person's language when known. */
  apology(lang?: Lang): Output {
    return { type: "text", text: this.deps.env.translate(lang ?? this.deps.env.defaultLang, "common:error"), buttons: [] };
  }

  /** The person's language as stored, for channels that must reply outside a turn. */
  async languageOf(channel: string, userId: string): Promise<Lang | undefined> {
    const stored = await this.readCurrent(this.keysOf(channel, userId));
    if (!stored) return undefined;
    const decoded = decodeSession(stored.data);
    return (decoded.ok ? decoded.session.lang : salvageLang(stored.data)) ?? undefined;
  }

  /**
   * Starts a flow for a person from outside their turn (the host's doing, not
   * an input they could forge): the chat coming back from a caseworker.
   */
  begin(channel: string, userId: string, flowId: string): Promise<Output[]> {
    const keys = this.keysOf(channel, userId);
    const key = keys[0];
    return this.mutex.run(key, async () => {
      const { env, store, ttlMs } = this.deps;
      for (let attempt = 1; attempt <= 10; attempt++) {
        const stored = attempt === 1 ? await this.readCurrent(keys) : await store.read(key);
        const decoded = stored ? decodeSession(stored.data) : undefined;
        const session = decoded?.ok ? decoded.session : null;
        const result = begin(env, session, flowId, session?.lang ?? undefined);
        if (await store.write(key, encodeSession(result.session), stored?.rev ?? 0, ttlMs)) {
          this.deps.metrics?.messagesOut.inc({ channel }, countTexts(result.outputs));
          return result.outputs;
        }
      }
      throw new Error(`session ${personRef(channel, userId)}: still changing after 10 attempts`);
    });
  }

  /** Most effects one turn may perform (a loop here would be a bug in a flow). */
  private static readonly MAX_EFFECTS = 5;

  private async turn(
    key: string,
    chat: { channel: string; userId: string },
    ref: string,
    input: Input,
    langHint: Lang | undefined,
    firstRead: Promise<Stored | undefined>,
    done: AlsoSet | undefined,
  ): Promise<Output[]> {
    const { env, store, ttlMs, log } = this.deps;
    const attempts = this.deps.maxAttempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      const stored = attempt === 1 ? await firstRead : await store.read(key);
      let session: Session | null = null;
      const notices: Output[] = [];
      let hint = langHint;
      if (stored) {
        const decoded = decodeSession(stored.data);
        if (decoded.ok) session = decoded.session;
        else {
          hint = salvageLang(stored.data) ?? hint;
          log.warn("session.reset", { person: ref, reason: decoded.reason });
          notices.push({ type: "text", text: env.translate(hint ?? env.defaultLang, "common:session.reset"), buttons: [] });
        }
      }
      let result = stepOwned(env, session, input, hint);
      const outputs: Output[] = [];
      let erased = false;
      for (let effects = 0; ; effects++) {
        const at = result.outputs.findIndex((o) => o.type === "effect");
        if (at < 0) break;
        const effect = result.outputs[at] as Extract<Output, { type: "effect" }>;
        outputs.push(...result.outputs.slice(0, at));
        if (effects >= Conversation.MAX_EFFECTS)
          throw new Error(`session ${ref}: more than ${Conversation.MAX_EFFECTS} effects in one turn`);
        const done = await this.perform(effect, { ...chat, lang: result.session.lang ?? env.defaultLang }, ref);
        erased ||= effect.name === ERASE_EFFECT && done.ok;
        result = stepOwned(env, result.session, { type: "effect", name: effect.name, ...done }, hint);
      }
      outputs.push(...result.outputs);
      if (erased) {
        // "Delete my data": the session goes too, instead of being saved.
        for (const k of this.keysOf(chat.channel, chat.userId)) await store.delete(k);
        log.info("data.erased", { person: ref });
        return [...notices, ...outputs];
      }
      if (await store.write(key, encodeSession(result.session), stored?.rev ?? 0, ttlMs, done)) {
        log.debug("turn", { person: ref, input: input.type, outputs: outputs.length, attempt });
        await performEvents(outputs, this.deps.events ?? [], log, { ...chat, lang: result.session.lang ?? env.defaultLang }, () =>
          this.deps.metrics?.errors.inc({ kind: "event" }),
        );
        return [...notices, ...outputs];
      }
      if (attempt >= attempts) throw new Error(`session ${ref}: still changing after ${attempts} attempts`);
      log.debug("turn.retry", { person: ref, attempt });
      // Another process wrote this session first: wait a little, with jitter, so the two stop colliding.
      await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
    }
  }
}

/** The messages a person receives from these outputs (texts; effects and events are not sent). */
function countTexts(outputs: Output[]): number {
  let n = 0;
  for (const o of outputs) if (o.type === "text") n++;
  return n;
}
