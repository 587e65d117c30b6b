// Engine: shared helpers for variable values.
import type { Value } from "./types.js";

/** Set by a summary while the person changes one answer: the node to come back to. */
export const RETURN_VAR = "_return_to";

/** One formatter for all amounts: toLocaleString would build a new one on every call. */
const AMOUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export function formatValue(value: Value | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object" && !Array.isArray(value) && typeof value.amount === "number") {
    const amount = AMOUNT.format(value.amount);
    return value.currency ? `${amount} ${value.currency}` : amount;
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
