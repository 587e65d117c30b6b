// Runtime: performs one conversation turn around the pure engine. For each
// message it takes the person's place in line, reads the session, runs the
// step, and writes the session back with compare-and-set (retrying when
// another process wrote first). Only then are the outputs returned to be sent.
import type { StepEnv } from "../engine/node-kind.js";
import { step } from "../engine/step.js";
import type { Input, Lang, Output, Session } from "../engine/types.js";
import { type Logger, personRef } from "../log/logger.js";
import { KeyedMutex } from "../sessions/keyed-mutex.js";
import { decodeSession, encodeSession, salvageLang } from "../sessions/session-codec.js";
import { type SessionStore, sessionKey } from "../sessions/session-store.js";
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
}

export class Conversation {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly deps: ConversationDeps) {}

  /** Handles one input from a person and returns what to send them. */
  handle(channel: string, userId: string, input: Input, langHint?: Lang): Promise<Output[]> {
    const key = sessionKey(channel, userId);
    return this.mutex.run(key, () => this.turn(key, personRef(channel, userId), input, langHint));
  }

  /** The polite reply for when a turn failed (store down, a bug): in the person's language when known. */
  apology(lang?: Lang): Output {
    return { type: "text", text: this.deps.env.translate(lang ?? this.deps.env.defaultLang, "common:error"), buttons: [] };
  }

  /** The person's language as stored, for channels that must reply outside a turn. */
  async languageOf(channel: string, userId: string): Promise<Lang | undefined> {
    const stored = await this.deps.store.read(sessionKey(channel, userId));
    if (!stored) return undefined;
    const decoded = decodeSession(stored.data);
    return (decoded.ok ? decoded.session.lang : salvageLang(stored.data)) ?? undefined;
  }

  private async turn(key: string, ref: string, input: Input, langHint?: Lang): Promise<Output[]> {
    const { env, store, ttlMs, log } = this.deps;
    const attempts = this.deps.maxAttempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      const stored = await store.read(key);
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
      const result = step(env, session, input, hint);
      if (await store.write(key, encodeSession(result.session), stored?.rev ?? 0, ttlMs)) {
        log.debug("turn", { person: ref, input: input.type, outputs: result.outputs.length, attempt });
        await performEvents(result.outputs, this.deps.events ?? [], log);
        return [...notices, ...result.outputs];
      }
      if (attempt >= attempts) throw new Error(`session ${ref}: still changing after ${attempts} attempts`);
      log.debug("turn.retry", { person: ref, attempt });
      // Another process wrote this session first: wait a little, with jitter, so the two stop colliding.
      await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
    }
  }
}
