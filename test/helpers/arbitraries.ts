// Test helpers for the property tests (test/property.test.ts): fast-check
// arbitraries for what people and platforms may send (text with every kind of
// Unicode trouble, numbers and dates written many ways, very long messages,
// forged button data), the actions of a person in a chat, and checks of what
// the platforms accept back (length limits, Telegram's HTML, well-formed UTF-16).
// Arbitraries are made by functions, not at import, so they follow the size
// settings the test file gives fast-check (fc.configureGlobal).
import fc from "fast-check";
import type { Button, Input, Output } from "../../src/engine/types.js";
import type { Logger } from "../../src/log/logger.js";

const unit = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));
const point = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));

/** Pieces of text that have broken parsers, renderers and platforms before. */
const trouble = [
  { weight: 6, arbitrary: unit(0x20, 0x7e) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(" ", "  ", "\n", "\n\n", "\t", "\r\n", "\v", "\u00a0", "\u2028", "\u2029", "\u3000") },
  // C0 and C1 controls (NUL included), and invisible or direction-changing marks.
  { weight: 2, arbitrary: fc.oneof(unit(0x00, 0x1f), unit(0x7f, 0x9f)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "\u200b",
      "\u200e",
      "\u200f",
      "\u202a",
      "\u202b",
      "\u202c",
      "\u202d",
      "\u202e",
      "\u2066",
      "\u2069",
      "\ufeff",
    ),
  },
  // Arabic and Hebrew letters, combining marks, astral characters (emoji, CJK extensions).
  { weight: 2, arbitrary: point(0x0590, 0x06ff) },
  { weight: 1, arbitrary: unit(0x0300, 0x036f) },
  { weight: 2, arbitrary: fc.oneof(point(0x1f300, 0x1faff), point(0x10000, 0x10ffff)) },
  // Markup that means something to Telegram's HTML and to WhatsApp, and our button data separator.
  { weight: 2, arbitrary: fc.constantFrom("*", "_", "~", "`", "<", ">", "&", "<b>", "</b>", "<i>", "&amp;", "&lt;", "|", "/", "\\", '"') },
];

/** Text made of troublesome pieces; `loneSurrogates` adds unpaired UTF-16 halves (JavaScript strings can hold them, UTF-8 cannot). */
export function unicodeText(options: { minLength?: number; maxLength: number; loneSurrogates?: boolean }): fc.Arbitrary<string> {
  const pieces = options.loneSurrogates ? [...trouble, { weight: 1, arbitrary: unit(0xd800, 0xdfff) }] : trouble;
  return fc.string({ unit: fc.oneof(...pieces), minLength: options.minLength ?? 0, maxLength: options.maxLength });
}

/** The first `max` UTF-16 units of `s`, without leaving half of a surrogate pair at the end. */
export function clip(s: string, max: number): string {
  const cut = s.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) && /[\udc00-\udfff]/.test(s.charAt(max)) ? cut.slice(0, -1) : cut;
}

/** The longest start of `s` that is at most `max` bytes in UTF-8. */
export function clipBytes(s: string, max: number): string {
  let out = "";
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/** A long message: a random piece repeated up to `max` UTF-16 units (shrinking towards short ones, so a failure reads well). */
export function longText(options: { max: number; loneSurrogates?: boolean }): fc.Arbitrary<string> {
  // Uniform lengths are mostly long; shrinking goes towards short ones.
  const length = fc.integer({ min: 1, max: options.max });
  return fc
    .tuple(unicodeText({ minLength: 1, maxLength: 40, loneSurrogates: options.loneSurrogates }), length)
    .map(([piece, length]) => clip(piece.repeat(Math.ceil(length / piece.length)), length));
}

const digits = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength, maxLength });
/** Up to 480 digits, from a short piece repeated (quick to shrink, unlike one long random string). */
const manyDigits = fc.tuple(digits(1, 8), fc.integer({ min: 1, max: 60 })).map(([piece, times]) => piece.repeat(times));

/** Numbers as people and machines write them: digits, separators, signs, exponents, words, currencies, absurdly long. */
export const numberText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer().map(String),
    fc.double().map(String),
    fc.integer({ min: 0, max: 2_000_000_000 }).map((n) => n.toLocaleString("en-US")),
    fc.integer({ min: 0, max: 2_000_000_000 }).map((n) => n.toLocaleString("de-DE")),
    fc.double({ min: 0, max: 1e7, noNaN: true }).map((n) => n.toLocaleString("es-MX", { maximumFractionDigits: 2 })),
    fc
      .tuple(fc.constantFrom("", "+", "-"), manyDigits, fc.constantFrom("", ".", ","), digits(0, 6))
      .map(([sign, whole, mark, fraction]) => `${sign}${whole}${fraction ? mark + fraction : ""}`),
    fc
      .tuple(
        fc.constantFrom("", "$"),
        digits(1, 3),
        fc.constantFrom("", ".", ","),
        digits(0, 3),
        fc.constantFrom("", "k", " mil", " millones", " pesos", " dolares", " usd", " dola"),
      )
      .map(([dollar, whole, mark, fraction, word]) => `${dollar}${whole}${fraction ? mark + fraction : ""}${word}`),
    fc
      .array(
        fc.constantFrom("mil", "quinientos", "veinte", "y", "cinco", "fifteen", "hundred", "thousand", "de", "senk", "san", "k", "9"),
        {
          minLength: 1,
          maxLength: 6,
        },
      )
      .map((words) => words.join(" ")),
  );

/** Dates, real and impossible, and the relative phrases the parser knows. */
export const dateText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 2300 }))
      .map(([d, m, y]) => `${d}/${m}/${y}`),
    fc
      .tuple(fc.integer({ min: 1800, max: 2300 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`),
    fc.constantFrom(
      "hoy",
      "ayer",
      "anteayer",
      "el lunes pasado",
      "last friday",
      "lendi pase",
      "today",
      "jodi a",
      "31/02/2026",
      "29/02/2028",
    ),
    fc
      .tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom("dias", "semanas", "meses", "days", "weeks", "jou", "mwa", "años"))
      .map(([n, u]) => `hace ${n} ${u}`),
  );

/** What a person might type: anything, with real words and numbers mixed in so flows are walked, not just refused. */
export function personText(words: readonly string[], options: { maxLength: number; loneSurrogates?: boolean }): fc.Arbitrary<string> {
  const short = unicodeText({ maxLength: 60, loneSurrogates: options.loneSurrogates });
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...words) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 12 }).map(String) },
    { weight: 3, arbitrary: short },
    { weight: 1, arbitrary: unicodeText({ maxLength: 400, loneSurrogates: options.loneSurrogates }) },
    { weight: 1, arbitrary: longText({ max: options.maxLength, loneSurrogates: options.loneSurrogates }) },
    { weight: 1, arbitrary: numberText() },
    { weight: 1, arbitrary: dateText() },
    // A known word dressed up: capitals, accents, punctuation, a slash, a bot's name, spaces.
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom("", "/", " ", "¡", "¿"),
          fc.mixedCase(fc.constantFrom(...words)),
          fc.constantFrom("", "!", "?", "@asistente_bot", " ", "."),
        )
        .map((parts) => parts.join("")),
    },
  );
}

/** Button data nobody we sent could have produced, at most 64 bytes: garbage, the right shape with wrong parts, almost-commands. */
export function forgedButtonData(ids: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    unicodeText({ maxLength: 64 }).map((s) => clipBytes(s, 64)),
    fc.stringMatching(/^[0-9a-z]{0,8}\|[\w:.-]{1,56}$/),
    fc.tuple(fc.stringMatching(/^[0-9a-z]{0,8}$/), fc.constantFrom(...ids)).map(([ref, id]) => `${ref}|${id}`),
    fc.constantFrom("|", "x|", "|cmd:menu", "cmd:menu", "|cmd:delete", "zz|cmd:person", "|cmd:bot", "|cmd:", "||", "a|b|c", "|forged"),
  );
}

/** What a person does in a chat, whatever the platform. */
export type Action =
  | { kind: "text"; text: string }
  /** Presses the button at `index` (modulo their number) of the latest message with buttons, as the platform sends it back. */
  | { kind: "press"; index: number }
  /** Sends button data we never sent. */
  | { kind: "forged"; data: string }
  /** Anything else the platform may deliver: a sticker, an edit, a file refused... (engine-level only). */
  | { kind: "other"; input: Input };

export function actions(words: readonly string[], ids: readonly string[], options: { maxLength: number; loneSurrogates?: boolean }) {
  return fc.oneof(
    { weight: 5, arbitrary: personText(words, options).map((text): Action => ({ kind: "text", text })) },
    // The first option is most often the way forward (send, yes, continue): pressed more often, so flows get to their end.
    { weight: 4, arbitrary: fc.oneof(fc.constant(0), fc.nat(20)).map((index): Action => ({ kind: "press", index })) },
    { weight: 2, arbitrary: forgedButtonData(ids).map((data): Action => ({ kind: "forged", data })) },
  );
}

/** Inputs only the channels make (never typed): what the engine must also survive from any step. */
export const otherInputs = (): fc.Arbitrary<Action> =>
  fc
    .oneof(
      fc.constant<Input>({ type: "start" }),
      fc.constant<Input>({ type: "unsupported" }),
      fc.constant<Input>({ type: "unsupported", reason: "edited" }),
      fc.record({
        type: fc.constant("file_rejected" as const),
        reason: fc.constantFrom("too_large" as const, "type" as const),
        maxMb: fc.double({ min: 0, max: 100, noNaN: true }),
      }),
      fc.record({
        type: fc.constant("media" as const),
        media: fc.record({
          kind: fc.constantFrom("photo" as const, "document" as const, "voice" as const),
          id: fc.uuid(),
          sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
          mime: fc.constantFrom("image/jpeg", "application/pdf", "audio/ogg"),
          size: fc.nat(10_000_000),
        }),
      }),
      fc.record({
        type: fc.constant("button" as const),
        id: unicodeText({ maxLength: 80, loneSurrogates: true }),
        ref: fc.option(fc.string(), { nil: undefined }),
      }),
    )
    .map((input): Action => ({ kind: "other", input }));

/** The latest buttons a chat was shown, with the step they belong to. */
export type Keyboard = { ref?: string; buttons: Button[] } | undefined;

export function latestKeyboard(outputs: Output[], previous: Keyboard): Keyboard {
  let keyboard = previous;
  for (const o of outputs) if (o.type === "text" && o.buttons.length > 0) keyboard = { ref: o.ref, buttons: o.buttons };
  return keyboard;
}

/** True if `s` holds half of a surrogate pair on its own (invalid UTF-16: no UTF-8 for it, platforms refuse or mangle it). */
export function hasLoneSurrogate(s: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/**
 * Why Telegram would refuse this text with parse_mode HTML, or undefined if it
 * would not: only the tags we use (b, i), properly nested and closed, and
 * every other <, > and & escaped.
 */
export function telegramHtmlProblem(html: string): string | undefined {
  const open: string[] = [];
  for (const m of html.matchAll(/<(\/?)([^<>]*)>|[<>]|&(?!(?:amp|lt|gt|quot);)/g)) {
    const [token, closing, name] = m;
    if (name === undefined) return `unescaped ${JSON.stringify(token)} at ${m.index}`;
    if (name !== "b" && name !== "i") return `unsupported tag ${JSON.stringify(token)} at ${m.index}`;
    if (!closing) open.push(name);
    else if (open.pop() !== name) return `${JSON.stringify(token)} at ${m.index} does not close the innermost open tag`;
  }
  return open.length > 0 ? `unclosed <${open.join("><")}>` : undefined;
}

/** What a person reads of an HTML message (Telegram's length limit counts this, after entities are parsed). */
export function telegramVisibleText(html: string): string {
  return html
    .replace(/<\/?[bi]>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/** A logger that keeps what it is told (the channels' error boundaries log there when a bug or an outage reaches them). */
export function recordingLogger(): Logger & { lines: { level: string; event: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; event: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (event: string, fields?: Record<string, unknown>) => {
    lines.push({ level, event, ...(fields ? { fields } : {}) });
  };
  return { lines, debug: () => undefined, info: at("info"), warn: at("warn"), error: at("error") };
}

type Path = (string | number)[];

/** Every path to a value inside objects and arrays, the root excluded. */
function pathsIn(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = [...prefix, Array.isArray(value) ? Number(k) : k];
    return [path, ...pathsIn(v, path)];
  });
}

function setAt(root: unknown, path: Path, replacement: unknown): void {
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === undefined) delete parent[last];
  else parent[last] = replacement;
}

/**
 * `base` (plain JSON) with one to `maxChanges` of its values replaced by random
 * JSON or removed: the shape a platform promised, broken in places.
 */
export function broken<T>(base: fc.Arbitrary<T>, maxChanges = 3): fc.Arbitrary<T> {
  const change = fc.tuple(fc.nat(), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined, freq: 4 }));
  return fc.tuple(base, fc.array(change, { minLength: 1, maxLength: maxChanges })).map(([value, changes]) => {
    const copy = structuredClone(value);
    for (const [i, replacement] of changes) {
      const all = pathsIn(copy);
      const path = all[i % Math.max(1, all.length)];
      if (path) setAt(copy, path, structuredClone(replacement));
    }
    return copy;
  });
}
