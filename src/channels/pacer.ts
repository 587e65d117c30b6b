// Channels: pacing of outgoing messages to a platform's limits, per chat and
// overall (Telegram: about 1 a second per chat and 30 a second overall;
// WhatsApp: slower, with a little jitter so the rhythm does not look like a
// machine's). Sends under the limits go straight through (no timers); sends
// over them wait for their slot, in order.

export interface PacerOptions {
  perSecond: number;
  perChatPerSecond: number;
  /** Up to this many ms added at random to each wait that is needed anyway, and to each chat's gap. */
  jitterMs?: number;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type Pacer = (chat: string) => Promise<void>;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPacer(options: PacerOptions): Pacer {
  const { now = Date.now, random = Math.random, sleep = defaultSleep, jitterMs = 0 } = options;
  const chatGap = 1000 / options.perChatPerSecond;
  const globalGap = 1000 / options.perSecond;
  const nextForChat = new Map<string, number>();
  let nextGlobal = 0;
  return async (chat) => {
    const t = now();
    const at = Math.max(t, nextForChat.get(chat) ?? 0, nextGlobal);
    nextForChat.set(chat, at + chatGap + (jitterMs ? random() * jitterMs : 0));
    nextGlobal = Math.max(nextGlobal, at) + globalGap;
    if (nextForChat.size > 50_000) for (const [k, v] of nextForChat) if (v < t) nextForChat.delete(k);
    if (at > t) await sleep(at - t);
  };
}
