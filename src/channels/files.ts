// Channels: turning a file a person sent into an engine input, the same way
// for every channel: stored (checked, hashed, encrypted) in the attachment
// store, or refused with the reason the engine explains in their language.
import type { AttachmentStore } from "../cases/attachment-store.js";
import type { Input } from "../engine/types.js";

function megabytes(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

/** The refusal of a file known to be too big (from its declared size), before reading it. */
export function fileTooLarge(maxBytes: number): Input {
  return { type: "file_rejected", reason: "too_large", maxMb: megabytes(maxBytes) };
}

export async function fileInput(attachments: AttachmentStore, data: Buffer, maxBytes: number): Promise<Input> {
  if (data.length > maxBytes) return fileTooLarge(maxBytes);
  const stored = await attachments.put(data);
  if (stored.ok) return { type: "media", media: stored.media };
  return { type: "file_rejected", reason: stored.reason === "too_large" ? "too_large" : "type", maxMb: megabytes(maxBytes) };
}
