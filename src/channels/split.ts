// Channels: long texts split for platforms with a message size limit, at
// paragraph, then line, then word boundaries, never inside a word if it can help it.

export function splitLong(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const paragraph = window.lastIndexOf("\n\n");
    const line = window.lastIndexOf("\n");
    const cut = paragraph > limit / 2 ? paragraph : line > limit / 2 ? line : window.lastIndexOf(" ");
    let at = cut > limit / 2 ? cut : limit;
    // Never between the two halves of a character outside the BMP (an emoji).
    const code = rest.charCodeAt(at - 1);
    if (at === limit && code >= 0xd800 && code <= 0xdbff) at--;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest.trim().length > 0 || parts.length === 0) parts.push(rest.trimEnd());
  return parts;
}
