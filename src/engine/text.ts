// Engine: text helpers shared by answer parsing and command matching.

/** Longest message the engine will read; longer ones get a polite "too long". */
export const MAX_INPUT_LENGTH = 4000;

// C0/C1 control characters except tab and newline, plus bidi overrides that can
// disguise text. Removed from everything a person types before it is read.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function stripControl(text: string): string {
  return text.replace(CONTROL, "");
}

/** Lower case, no accents, single spaces: for comparing what people type with labels. */
export function fold(text: string): string {
  let s = stripControl(text);
  // Decomposing accents is the slow part; most text a search folds is plain ASCII.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a range test, nothing is matched literally
  if (/[^\u0000-\u007f]/.test(s)) s = s.normalize("NFD").replace(/\p{M}/gu, "");
  return s
    .toLowerCase()
    .replace(/[¿?¡!.,;:"'`´()[\]]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
