// Scripted conversations shared by tests and benchmarks.

/**
 * A wage-theft report in Spanish, typed the way a person would, from the main
 * menu up to the summary (before "Send"): unpaid wages in Zapopan, Jalisco,
 * paid by the week (500 x 4 weeks, nothing paid), no evidence, contact by this chat.
 */
export const WAGE_THEFT_ES = [
  "3",
  "1",
  "1",
  "Jalisco",
  "Zapopan",
  "Empacadora Sol",
  "saltar",
  "saltar",
  "empacador",
  "3",
  "6",
  "no",
  "1/10/2026",
  "saltar",
  "3",
  "500",
  "4",
  "0",
  "si",
  "No me pagaron las últimas cuatro semanas de trabajo.",
  "saltar",
  "1",
  "si",
  "no",
];

/** How many of WAGE_THEFT_ES's answers lead up to the evidence question. */
export const WAGE_THEFT_ES_TO_EVIDENCE = 20;
