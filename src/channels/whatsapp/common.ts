// WhatsApp: what both adapters (whatsapp-web.js and the Cloud API) share.
import type { Lang } from "../../engine/types.js";

/**
 * One channel name for both ways to connect, with the phone number as the
 * person's id: a deployment that moves from whatsapp-web.js to the Cloud API
 * keeps everyone's conversation.
 */
export const WHATSAPP_CHANNEL = "whatsapp";

/**
 * WhatsApp tells us no language. A Haitian number (+509) is a strong hint
 * for Haitian Creole; every other person chooses (the welcome asks).
 */
export function langHintOf(user: string): Lang | undefined {
  return user.startsWith("509") ? "ht" : undefined;
}

/** A message sent outside a turn (a caseworker's reply): sent, or why not. */
export type SendResult = { ok: true } | { ok: false; reason: "outside_window" | "not_connected" | "failed" };
