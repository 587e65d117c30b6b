// Engine: reading typed answers (text, number, money, date, yes/no, phone).
// Each parser is pure and returns a value or the reason it could not read one;
// the reason names an i18n key under common:invalid.* that explains it kindly.
import { z } from "zod";
import { readNumberWords } from "./number-words.js";
import { fold, stripControl } from "./text.js";
import type { Value } from "./types.js";

export const answerSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("text"),
    minLength: z.number().int().min(1).optional(),
    maxLength: z.number().int().min(1).max(4000).optional(),
  }),
  z.strictObject({ type: z.literal("number"), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().optional() }),
  z.strictObject({ type: z.literal("money"), min: z.number().min(0).optional(), max: z.number().positive().optional() }),
  z.strictObject({ type: z.literal("date"), past: z.boolean().optional(), future: z.boolean().optional() }),
  z.strictObject({ type: z.literal("yesno") }),
  z.strictObject({ type: z.literal("phone") }),
]);
export type AnswerSpec = z.infer<typeof answerSchema>;
export type AnswerType = AnswerSpec["type"];

export type Parsed = { ok: true; value: Value } | { ok: false; reason: string; params?: Record<string, unknown> };

const invalid = (reason: string, params?: Record<string, unknown>): Parsed => ({ ok: false, reason, params });

export const YES_WORDS = new Set([
  "si",
  "s",
  "sip",
  "claro",
  "ok",
  "okay",
  "yes",
  "y",
  "yeah",
  "yep",
  "sure",
  "wi",
  "dako",
  "dakò",
  "de acuerdo",
]);
export const NO_WORDS = new Set(["no", "n", "nop", "nope", "non", "nah", "pa vle"]);

export function parseAnswer(spec: AnswerSpec, raw: string, today: string): Parsed {
  const text = stripControl(raw).trim();
  if (text === "") return invalid("empty");
  switch (spec.type) {
    case "text":
      return parseText(text, spec.minLength ?? 1, spec.maxLength ?? 1000);
    case "number":
      return parseNumber(text, spec);
    case "money":
      return parseMoney(text, spec.min ?? 0, spec.max ?? 10_000_000);
    case "date":
      return parseDate(text, today, spec);
    case "yesno":
      return parseYesNo(text);
    case "phone":
      return parsePhone(text);
  }
}

function parseText(text: string, minLength: number, maxLength: number): Parsed {
  // Markup has no place in a report and could be dangerous where it is shown later.
  if (/<\s*\/?\s*[a-z!?][^>]*>/i.test(text)) return invalid("markup");
  const chars = [...text].length;
  if (chars > maxLength) return invalid("too_long", { max: maxLength });
  if (chars < minLength) return invalid("too_short", { min: minLength });
  return { ok: true, value: text };
}

function parseYesNo(text: string): Parsed {
  const f = fold(text);
  if (YES_WORDS.has(f)) return { ok: true, value: true };
  if (NO_WORDS.has(f)) return { ok: true, value: false };
  return invalid("yesno");
}

/**
 * Reads "1500", "1,500", "1.500", "1,500.50", "1.500,50", "12.5". A single
 * separator followed by exactly three digits is a thousands separator (as people
 * write in Mexico and the United States alike); otherwise it is the decimal mark.
 */
export function readNumber(text: string): number | undefined {
  const m = text.match(/^[+-]?\d[\d.,\s]*$/);
  if (!m) return undefined;
  let s = text.replace(/\s/g, "");
  const negative = s.startsWith("-");
  s = s.replace(/^[+-]/, "");
  const lastDot = s.lastIndexOf(".");
  const lastComma = s.lastIndexOf(",");
  let decimalMark: "." | "," | null = null;
  if (lastDot >= 0 && lastComma >= 0) decimalMark = lastDot > lastComma ? "." : ",";
  else if (lastDot >= 0 || lastComma >= 0) {
    const mark = lastDot >= 0 ? "." : ",";
    const parts = s.split(mark);
    const tail = parts[parts.length - 1] ?? "";
    decimalMark = parts.length === 2 && tail.length !== 3 ? mark : null;
  }
  const thousands = decimalMark === "." ? /,/g : decimalMark === "," ? /\./g : /[.,]/g;
  s = s.replace(thousands, "");
  if (decimalMark === ",") s = s.replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) return undefined;
  return negative ? -n : n;
}

function parseNumber(text: string, spec: { min?: number; max?: number; integer?: boolean }): Parsed {
  const n = readNumber(text) ?? readNumberWords(text);
  if (n === undefined) return invalid("number");
  if (spec.integer && !Number.isInteger(n)) return invalid("integer");
  if (spec.min !== undefined && n < spec.min) return invalid("min", { min: spec.min });
  if (spec.max !== undefined && n > spec.max) return invalid("max", { max: spec.max });
  return { ok: true, value: n };
}

const CURRENCIES: [RegExp, string][] = [
  [/\b(usd|us\$|dolares|dollars?|dolar|dola|dla)\b/, "USD"],
  [/\b(mxn|pesos?|pezo|mx\$|pes)\b/, "MXN"],
  [/\b(quetzales|quetzal|gtq)\b/, "GTQ"],
];

function parseMoney(text: string, min: number, max: number): Parsed {
  // Accents off but digit punctuation kept ("1.500,50" must stay readable).
  const plain = text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
  let currency: string | null = null;
  let rest = plain;
  for (const [pattern, code] of CURRENCIES) {
    if (pattern.test(plain)) currency = code;
    rest = rest.replace(new RegExp(pattern.source, "g"), " ");
  }
  rest = rest.replace(/[$€]/g, " ").trim();
  const compact = rest.replace(/\s+/g, "");
  // "$1,500", "1.500", "-200" as digits; "mil quinientos", "15 mil", "2k" as words.
  const n = /^-?\d[\d.,]*$/.test(compact) ? readNumber(compact) : readNumberWords(rest);
  if (n === undefined) return invalid("money");
  if (n < 0) return invalid("negative");
  if (n < min) return invalid("min", { min });
  if (n > max) return invalid("max", { max });
  return { ok: true, value: { amount: Math.round(n * 100) / 100, currency } };
}

const DAY_MS = 86_400_000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function validDate(y: number, m: number, d: number): number | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return undefined;
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  return back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? ms : undefined;
}

const RELATIVE_DAYS: Record<string, number> = {
  hoy: 0,
  today: 0,
  "jodi a": 0,
  jodia: 0,
  jodi: 0,
  ayer: 1,
  yesterday: 1,
  ye: 1,
  ayè: 1,
  anteayer: 2,
  antier: 2,
  "antes de ayer": 2,
};
const WEEKDAYS: Record<string, number> = {
  domingo: 0,
  lunes: 1,
  martes: 2,
  miercoles: 3,
  jueves: 4,
  viernes: 5,
  sabado: 6,
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  dimanch: 0,
  lendi: 1,
  madi: 2,
  mekredi: 3,
  jedi: 4,
  vandredi: 5,
  samdi: 6,
};
const UNIT_DAYS: Record<string, number> = {
  dia: 1,
  dias: 1,
  day: 1,
  days: 1,
  jou: 1,
  semana: 7,
  semanas: 7,
  week: 7,
  weeks: 7,
  semen: 7,
  mes: 30,
  meses: 30,
  month: 30,
  months: 30,
  mwa: 30,
};

/**
 * Reads day/month/year ("1/10/2026", "1-10-26", "2026-10-01", "1/10" for this
 * year) and a few relative phrases ("ayer", "hace 2 semanas", "3 days ago").
 * Day comes before month, as in Mexico, Central America and Haiti.
 */
export function readDate(text: string, today: string): number | undefined {
  const f = fold(text);
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  if (f in RELATIVE_DAYS) return todayMs - (RELATIVE_DAYS[f] ?? 0) * DAY_MS;
  const rel = f.match(/^(?:hace|sa fe|gen)?\s*(\d{1,3})\s+([a-z]+)(?:\s+(?:ago|de eso|pase))?$/);
  if (rel) {
    const unit = UNIT_DAYS[rel[2] ?? ""];
    if (unit !== undefined) return todayMs - Number(rel[1]) * unit * DAY_MS;
  }
  // "el lunes pasado", "last monday", "lendi pase": the latest such day before today.
  const weekday = f.match(/^(?:el |last |on )?([a-z]+)(?: pasado| ki sot pase| pase| last)?$/);
  const wanted = weekday ? WEEKDAYS[weekday[1] ?? ""] : undefined;
  if (wanted !== undefined) {
    const todayDay = new Date(todayMs).getUTCDay();
    const back = (todayDay - wanted + 7) % 7 || 7;
    return todayMs - back * DAY_MS;
  }
  const iso = f.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = text.trim().match(/^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/);
  if (dmy) {
    const thisYear = Number(today.slice(0, 4));
    let year = dmy[3] === undefined ? thisYear : Number(dmy[3]);
    if (dmy[3] !== undefined && dmy[3].length === 2) year += 2000;
    return validDate(year, Number(dmy[2]), Number(dmy[1]));
  }
  return undefined;
}

function parseDate(text: string, today: string, spec: { past?: boolean; future?: boolean }): Parsed {
  const ms = readDate(text, today);
  if (ms === undefined) return invalid("date");
  const value = isoDate(ms);
  if (spec.past && value > today) return invalid("future_date");
  if (spec.future && value < today) return invalid("past_date");
  return { ok: true, value };
}

function parsePhone(text: string): Parsed {
  const compact = text.replace(/[\s().-]/g, "");
  if (!/^\+?\d+$/.test(compact)) return invalid("phone");
  const digits = compact.replace("+", "");
  if (digits.length < 8 || digits.length > 15) return invalid("phone");
  return { ok: true, value: compact.startsWith("+") ? `+${digits}` : digits };
}
