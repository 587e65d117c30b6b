// Channels: button data that comes back from the platform (Telegram callback
// data, WhatsApp reply ids): "<step ref>|<button id>", at most 64 bytes (the
// smallest limit, Telegram's). The step ref lets the engine tell an old
// menu's button from the current one; anything else is refused at the boundary.
import { z } from "zod";

export const MAX_BUTTON_DATA_BYTES = 64;

const buttonData = z
  .string()
  .max(MAX_BUTTON_DATA_BYTES)
  .regex(/^[0-9a-z]{0,8}\|[\w:.-]{1,56}$/);

/** The data for a button, or undefined when it would not come back through unpackButton. */
export function packButton(ref: string | undefined, id: string): string | undefined {
  const data = `${ref ?? ""}|${id}`;
  return buttonData.safeParse(data).success ? data : undefined;
}

export function unpackButton(data: string): { ref?: string; id: string } | undefined {
  if (!buttonData.safeParse(data).success) return undefined;
  const [ref, id] = data.split("|", 2) as [string, string];
  return ref ? { ref, id } : { id };
}
