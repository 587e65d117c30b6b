// Telegram: pacing of outgoing messages to Telegram's limits — about one
// message a second per chat and 30 a second overall (configurable) — as a
// grammY API transformer around the shared pacer.
import type { Transformer } from "grammy";
import { createPacer } from "../pacer.js";

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
  const pace = createPacer({ perSecond, perChatPerSecond, now });
  return async (prev, method, payload, signal) => {
    if (SENDING.has(method) && payload && "chat_id" in payload) await pace(String(payload.chat_id));
    return prev(method, payload, signal);
  };
}
