// Engine: numbers written in words, in Spanish, English and Haitian Creole
// ("mil quinientos", "fifteen hundred", "de mil senk san"), and digits with a
// thousands word ("15 mil", "2k").
import { fold } from "./text.js";

type Word = { n: number } | { times: number } | { group: number };

const WORDS = new Map<string, Word>();
const add = (value: Word, ...words: string[]) => {
  for (const w of words) WORDS.set(w, value);
};

/** words[i] means values[i] (or i, when no values are given). */
function addList(words: string[], values?: number[]) {
  for (const [i, w] of words.entries()) add({ n: values ? (values[i] as number) : i }, w);
}

const TENS = [20, 30, 40, 50, 60, 70, 80, 90];
addList([
  "cero",
  "uno",
  "dos",
  "tres",
  "cuatro",
  "cinco",
  "seis",
  "siete",
  "ocho",
  "nueve",
  "diez",
  "once",
  "doce",
  "trece",
  "catorce",
  "quince",
  "dieciseis",
  "diecisiete",
  "dieciocho",
  "diecinueve",
  "veinte",
  "veintiuno",
  "veintidos",
  "veintitres",
  "veinticuatro",
  "veinticinco",
  "veintiseis",
  "veintisiete",
  "veintiocho",
  "veintinueve",
]);
add({ n: 1 }, "un", "una", "veintiun");
addList(["treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"], TENS.slice(1));
add({ n: 100 }, "cien", "ciento");
addList(
  ["doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos", "setecientos", "ochocientos", "novecientos"],
  [200, 300, 400, 500, 600, 700, 800, 900],
);
addList([
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
]);
addList(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], TENS);
add({ times: 100 }, "hundred", "san");
addList([
  "zewo",
  "en",
  "de",
  "twa",
  "kat",
  "senk",
  "sis",
  "set",
  "uit",
  "nef",
  "dis",
  "onz",
  "douz",
  "trez",
  "katoz",
  "kenz",
  "sez",
  "diset",
  "dizuit",
  "diznef",
]);
add({ n: 1 }, "youn");
addList(["ven", "trant", "karant", "senkant", "swasant", "swasanndis", "katreven", "katrevendis"], TENS);
add({ group: 1000 }, "mil", "thousand", "k");
add({ group: 1_000_000 }, "millon", "millones", "million", "millions", "milyon");
/** Words that join numbers and mean nothing on their own. */
const FILLER = new Set(["y", "and", "a", "e"]);

/** Reads a whole text as a number in words (or digits with a thousands word); undefined if any word is not part of a number. */
export function readNumberWords(text: string): number | undefined {
  // Digits with separators, before fold() turns the separators into spaces: "1,500" is
  // grouping; "2.5" and "1,5" (one or two digits after) are decimals, kept as "2d5".
  const digits = text.replace(/(\d)[.,](\d{3})(?!\d)/g, "$1$2").replace(/(\d)[.,](\d{1,2})(?!\d)/g, "$1d$2");
  const tokens = fold(digits)
    .replace(/(\d)k\b/g, "$1 k")
    .split(/[\s-]+/)
    .filter(Boolean);
  if (tokens.length === 0) return undefined;
  let total = 0;
  let current = 0;
  let seen = false;
  for (const token of tokens) {
    if (FILLER.has(token) && seen) continue;
    if (/^\d+(d\d+)?$/.test(token)) {
      current += Number(token.replace("d", "."));
      seen = true;
      continue;
    }
    const word = WORDS.get(token);
    if (!word) return undefined;
    seen = true;
    if ("n" in word) current += word.n;
    else if ("times" in word) current = (current || 1) * word.times;
    else {
      total += (current || 1) * word.group;
      current = 0;
    }
  }
  const n = total + current;
  return seen && Number.isFinite(n) ? n : undefined; // hundreds of digits overflow to Infinity
}
