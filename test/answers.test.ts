// Typed answers: what people write, and what the engine reads from it.
import { describe, expect, it } from "vitest";
import { type AnswerSpec, parseAnswer } from "../src/engine/answers.js";

const TODAY = "2026-11-21";
const ok = (value: unknown) => ({ ok: true, value });
const bad = (reason: string, params?: Record<string, unknown>) => ({ ok: false, reason, params });

const cases: [AnswerSpec, string, unknown][] = [
  [{ type: "money" }, "$1,500", ok({ amount: 1500, currency: null })],
  [{ type: "money" }, "1500 pesos", ok({ amount: 1500, currency: "MXN" })],
  [{ type: "money" }, "1.500", ok({ amount: 1500, currency: null })],
  [{ type: "money" }, "1,500.50 dolares", ok({ amount: 1500.5, currency: "USD" })],
  [{ type: "money" }, "1.500,50", ok({ amount: 1500.5, currency: null })],
  [{ type: "money" }, "12.5 usd", ok({ amount: 12.5, currency: "USD" })],
  [{ type: "money" }, "-200", bad("negative")],
  [{ type: "money" }, "999999999999", bad("max", { max: 10_000_000 })],
  [{ type: "money" }, "mucho", bad("money")],
  [{ type: "money" }, "<script>alert(1)</script>", bad("money")],
  [{ type: "number", integer: true, min: 0, max: 120 }, "30", ok(30)],
  [{ type: "number", integer: true }, "2.5", bad("integer")],
  [{ type: "number", max: 120 }, "500", bad("max", { max: 120 })],
  [{ type: "number" }, "treinta", ok(30)],
  [{ type: "number" }, "veinticinco", ok(25)],
  [{ type: "number" }, "muchos", bad("number")],
  [{ type: "money" }, "mil quinientos", ok({ amount: 1500, currency: null })],
  [{ type: "money" }, "mil quinientos pesos", ok({ amount: 1500, currency: "MXN" })],
  [{ type: "money" }, "dos mil trescientos cincuenta", ok({ amount: 2350, currency: null })],
  [{ type: "money" }, "fifteen hundred dollars", ok({ amount: 1500, currency: "USD" })],
  [{ type: "money" }, "two thousand five hundred", ok({ amount: 2500, currency: null })],
  [{ type: "money" }, "de mil senk san dola", ok({ amount: 2500, currency: "USD" })],
  [{ type: "money" }, "15 mil", ok({ amount: 15000, currency: null })],
  [{ type: "money" }, "$2k", ok({ amount: 2000, currency: null })],
  [{ type: "date" }, "el lunes pasado", ok("2026-11-16")],
  [{ type: "date" }, "last Monday", ok("2026-11-16")],
  [{ type: "date" }, "lendi pase", ok("2026-11-16")],
  [{ type: "date" }, "viernes", ok("2026-11-20")],
  [{ type: "date", past: true }, "1/10/2026", ok("2026-10-01")],
  [{ type: "date" }, "2026-02-03", ok("2026-02-03")],
  [{ type: "date" }, "5/3", ok("2026-03-05")],
  [{ type: "date" }, "1-10-26", ok("2026-10-01")],
  [{ type: "date" }, "ayer", ok("2026-11-20")],
  [{ type: "date" }, "Hoy", ok("2026-11-21")],
  [{ type: "date" }, "hace 2 semanas", ok("2026-11-07")],
  [{ type: "date" }, "3 days ago", ok("2026-11-18")],
  [{ type: "date" }, "31/02/2026", bad("date")],
  [{ type: "date" }, "someday", bad("date")],
  [{ type: "date", past: true }, "1/1/2030", bad("future_date")],
  [{ type: "yesno" }, "Sí", ok(true)],
  [{ type: "yesno" }, "wi", ok(true)],
  [{ type: "yesno" }, "NON", ok(false)],
  [{ type: "yesno" }, "maybe", bad("yesno")],
  [{ type: "phone" }, "+52 (55) 1234-5678", ok("+525512345678")],
  [{ type: "phone" }, "5512345678", ok("5512345678")],
  [{ type: "phone" }, "12345", bad("phone")],
  [{ type: "phone" }, "call me", bad("phone")],
  [{ type: "text", maxLength: 10 }, "  Ana  ", ok("Ana")],
  [{ type: "text", maxLength: 10 }, "x".repeat(11), bad("too_long", { max: 10 })],
  [{ type: "text" }, "\u0000\u0001", bad("empty")],
  [{ type: "text" }, "Ana\u202ehidden", ok("Anahidden")],
  [{ type: "text" }, "👍🏽", ok("👍🏽")],
];

describe("parseAnswer", () => {
  it.each(cases)("%o reads %j", (spec, text, expected) => {
    expect(parseAnswer(spec, text, TODAY)).toEqual(expected);
  });
});
