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

/** The same report typed in each language: the choices are numbers; skip, yes and no are each language's words. */
export const WAGE_THEFT: Record<"es" | "en" | "ht", string[]> = {
  es: WAGE_THEFT_ES,
  en: WAGE_THEFT_ES.map((a, i) =>
    i === 19
      ? "They did not pay me for the last four weeks of work."
      : i === 8
        ? "packer"
        : (({ saltar: "skip", si: "yes" } as Record<string, string>)[a] ?? a),
  ),
  ht: WAGE_THEFT_ES.map((a, i) =>
    i === 19
      ? "Yo pa peye m pou kat dènye semèn travay yo."
      : i === 8
        ? "anbalè"
        : (({ saltar: "sote", si: "wi", no: "non" } as Record<string, string>)[a] ?? a),
  ),
};
