// Telegram: pacing of outgoing messages to Telegram's limits — about one
// message a second per chat and 30 a second overall (configurable). A small
// API transformer: calls under the limits go straight through (no timers);
// calls over them wait for their slot, in order.
import type { Transformer } from "grammy";

/** Methods that put a message in a chat (and so count against its limit). */
const SENDING = new Set([
  "sendMessage",
  "sendPhoto",
  "sendDocument",
  "sendVoice",
  "sendAudio",
  "sendVideo",
  "sendMediaGroup",
  "sendLocation",
  "sendContact",
  "copyMessage",
  "forwardMessage",
]);

export function pacing(perSecond: number, perChatPerSecond: number, now: () => number = Date.now): Transformer {
  const chatGap = 1000 / perChatPerSecond;
  const globalGap = 1000 / perSecond;
  const nextForChat = new Map<string, number>();
  let nextGlobal = 0;
  return async (prev, method, payload, signal) => {
    const chat = SENDING.has(method) && payload && "chat_id" in payload ? String(payload.chat_id) : undefined;
    if (chat !== undefined) {
      const t = now();
      const at = Math.max(t, nextForChat.get(chat) ?? 0, nextGlobal);
      nextForChat.set(chat, at + chatGap);
      nextGlobal = Math.max(nextGlobal, at) + globalGap;
      if (nextForChat.size > 50_000) for (const [k, v] of nextForChat) if (v < t) nextForChat.delete(k);
      if (at > t) await new Promise((resolve) => setTimeout(resolve, at - t));
    }
    return prev(method, payload, signal);
  };
}
