// Runtime: performs the events a turn emitted, after its session was saved.
// A failing event is logged and does not undo the turn.
import type { Output, Vars } from "../engine/types.js";
import type { GapsStore } from "../knowledge/gaps.js";
import { type Logger, personRef } from "../log/logger.js";
import type { Who } from "./effects.js";

/** Performs one event of a turn; `who` is the person whose turn it was. */
export type EventHandler = (name: string, data: Vars, who?: Who) => Promise<void>;

export function knowledgeEvents(gaps: GapsStore): EventHandler {
  return async (name, data) => {
    const lang = typeof data.lang === "string" ? data.lang : "es";
    const question = typeof data.question === "string" ? data.question : "";
    if (name === "kb.nomatch") await gaps.record("nomatch", lang, question);
    if (name === "kb.feedback" && typeof data.article === "string") {
      await gaps.vote(data.article, data.helpful === true);
      if (data.helpful !== true) await gaps.record("unhelpful", lang, `${data.article} | ${question}`);
    }
  };
}

export async function performEvents(
  outputs: Output[],
  handlers: EventHandler[],
  log: Logger,
  who?: Who,
  onError?: () => void,
): Promise<void> {
  for (const o of outputs) {
    if (o.type !== "event") continue;
    for (const handle of handlers) {
      try {
        await handle(o.name, o.data, who);
      } catch (error) {
        log.error("event.failed", {
          event: o.name,
          ...(who ? { person: personRef(who.channel, who.userId) } : {}),
          error: (error as Error).message,
        });
        onError?.();
      }
    }
  }
}
