// Safety alerts (issue 7): the patterns against labelled messages in each
// language — the development set they were tuned on and a held-out set
// written separately and never used for tuning — and how the engine answers
// an alert wherever the person is.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSet, score } from "../src/cli/safety.js";
import { step } from "../src/engine/step.js";
import { LANGUAGES, type Output } from "../src/engine/types.js";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";
import { ALERT_IDS, compileSafety, loadSafety } from "../src/safety/detector.js";
import { learnWeights, parseWeights } from "../src/safety/weights.js";
import { demoEnv } from "./helpers/fixtures.js";

const detector = loadSafety(join(PROJECT_ROOT, "knowledge", "safety.yaml"), join(PROJECT_ROOT, "knowledge", "safety-weights.json"));
const env = demoEnv();
const texts = (outputs: Output[]) => outputs.flatMap((o) => (o.type === "text" ? [o] : []));

describe("safety patterns", () => {
  // dev6 is Haitian Creole only (the weakest language got a set of its own).
  const DEV_SETS = ["dev", "dev2", "dev3", "dev4", "dev5"].flatMap((set) => LANGUAGES.map((lang) => [set, lang] as const));
  it.each([...DEV_SETS, ["dev6", "ht"] as const])(
    "%s set, %s: at least 60 + 60 messages, 95%% of danger caught, at most 3%% false alarms",
    (set, lang) => {
      const s = score(detector, readSet(set, lang));
      expect(s.danger).toBeGreaterThanOrEqual(60);
      expect(s.ordinary).toBeGreaterThanOrEqual(60);
      expect(s.caught, s.missed.map((m) => m.text).join("\n")).toBeGreaterThanOrEqual(0.95);
      expect(s.falseAlarms, s.falseAlarmItems.map((m) => m.text).join("\n")).toBeLessThanOrEqual(0.03);
    },
  );

  // The held-out set was written separately and never used for tuning. Measured
  // (npm run safety -- eval --set heldout) after tuning on dev, again after a round on
  // dev2 (es 91.0% / 3.0%, en 89.4% / 0.0%, ht 84.8% / 1.5%), and once more after a round
  // on dev3 (es 94.0% / 3.0%, en 92.4% / 0.0%, ht 83.3% / 1.5%), and after a round on
  // dev4 (es 97.0% / 1.5%, en 92.4% / 0.0%, ht 84.8% / 1.5%), and after a round on
  // dev5 with the weighted keywords (weights.ts, threshold chosen on dev5 before this
  // measurement): es 100% / 1.5%, en 98.5% / 0.0%, ht 93.9% / 1.5%; and after a round
  // on dev6 (Kreyòl only), weights learned from dev..dev6: es 100% / 1.5%, en 98.5% /
  // 0.0%, ht 95.5% / 1.5% — the target (95% / 3%) met in every language. The floors
  // are the last measurement, rounded down (raising them needs new development data,
  // never the held-out set). This guards against getting worse without showing the
  // messages (tuning on them would spoil the set).
  const HELDOUT_FLOOR: Record<(typeof LANGUAGES)[number], number> = { es: 1, en: 0.98, ht: 0.95 };
  it.each(LANGUAGES)("held-out set, %s: no worse than measured, at most 3%% false alarms", (lang) => {
    const s = score(detector, readSet("heldout", lang));
    expect(s.danger).toBeGreaterThanOrEqual(60);
    expect(s.ordinary).toBeGreaterThanOrEqual(60);
    expect(s.caught).toBeGreaterThanOrEqual(HELDOUT_FLOOR[lang]);
    expect(s.caught).toBeGreaterThanOrEqual(0.95);
    expect(s.falseAlarms).toBeLessThanOrEqual(0.03);
  });

  it("report broken pattern data clearly", () => {
    const base = { version: 1, alerts: [{ id: "confined", patterns: { es: ["{{nope}} salir"], en: ["(abc"], ht: [] } }] };
    const { problems } = compileSafety(base);
    expect(problems.join("\n")).toMatch(/confined\.patterns\.es\[0\]: unknown word list \{\{nope\}\}/);
    expect(problems.join("\n")).toMatch(/confined\.patterns\.en\[0\]: Invalid regular expression/);
    expect(compileSafety({ version: 1, alerts: [{ id: "fire", patterns: { es: [], en: [], ht: [] } }] }).problems.join()).toMatch(
      /alerts\.0\.id/,
    );
  });

  it("have a calm reply in every language for every alert", () => {
    for (const lang of LANGUAGES)
      for (const id of ALERT_IDS) expect(env.translate(lang, `safety:alerts.${id}`), `${lang} ${id}`).toMatch(/^⚠️ /);
  });
});

describe("safety weights (weighted keywords learned from the labelled sets)", () => {
  const shipped = JSON.parse(readFileSync(join(PROJECT_ROOT, "knowledge", "safety-weights.json"), "utf8"));
  const noPatterns = { version: 1, alerts: ALERT_IDS.map((id) => ({ id, patterns: { es: [], en: [], ht: [] } })) };
  const weightsOnly = compileSafety(noPatterns, shipped).detector;

  it("are what `npm run safety -- train` learns from the sets they name, never from the held-out set", () => {
    expect(shipped.trainedOn).not.toContain("heldout");
    const examples = (shipped.trainedOn as string[]).flatMap((set) => LANGUAGES.flatMap((lang) => readSet(set, lang)));
    const learned = learnWeights(examples, { threshold: shipped.threshold, minWords: shipped.minWords, trainedOn: shipped.trainedOn });
    expect(learned).toEqual(shipped);
  });

  it("raise an alert no pattern catches, saying which words decided it, in the message's language", () => {
    const alert = weightsOnly?.detect("el patron se quedo con mi pasaporte y no me lo quiere devolver");
    expect(alert).toMatchObject({ id: "documents_taken", lang: "es" });
    expect(alert?.weights?.probability).toBeGreaterThanOrEqual(shipped.threshold);
    expect(alert?.weights?.because.length).toBeGreaterThan(0);
    expect(weightsOnly?.detect("bos la pran paspo m e li pa vle remet li")).toMatchObject({ id: "documents_taken", lang: "ht" });
    expect(weightsOnly?.detect("where can i renew my passport this month")).toBeUndefined();
  });

  it("leave messages under the minimum of words to the patterns, and yield to an alert's `unless`", () => {
    expect(weightsOnly?.detect("pasaporte quitaron")).toBeUndefined();
    const message = "el patron se quedo con mi pasaporte y no me lo quiere devolver";
    const withUnless = {
      version: 1,
      alerts: ALERT_IDS.map((id) => ({ id, patterns: { es: [], en: [], ht: [] }, unless: { es: [" pasaporte "], en: [], ht: [] } })),
    };
    expect(compileSafety(withUnless, shipped).detector?.detect(message)).toBeUndefined();
  });

  it("catch most danger messages they learned from on their own, with few false alarms (in use the patterns come first)", () => {
    for (const lang of LANGUAGES) {
      const s = score(weightsOnly as NonNullable<typeof weightsOnly>, readSet("dev4", lang));
      expect(s.caught, lang).toBeGreaterThan(0.9);
      expect(s.falseAlarms, lang).toBeLessThan(0.03);
    }
  });

  it("are not trained with a bad threshold: the command says why, exits 2 and leaves the file as it was", () => {
    const path = join(PROJECT_ROOT, "knowledge", "safety-weights.json");
    const before = readFileSync(path, "utf8");
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/safety.ts", "train", "--threshold", "2"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--threshold must be a number between 0 and 1 \(not "2"\)/);
    expect(readFileSync(path, "utf8")).toBe(before);
  });

  it("refuse a damaged weights file clearly", () => {
    expect(parseWeights({ ...shipped, threshold: 2 }).problems.join()).toMatch(/threshold/);
    expect(parseWeights({ ...shipped, weights: { "w:x": [1, 2] } }).problems.join()).toMatch(/weights\.w:x/);
    expect(compileSafety(noPatterns, { ...shipped, classes: ["none"] }).problems.join()).toMatch(/^weights: classes/);
  });
});

describe("an alert in a conversation", () => {
  const start = (...lines: string[]) => {
    let r = step(env, null, { type: "start" });
    for (const text of lines) r = step(env, r.session, { type: "text", text });
    return r;
  };

  it("answers first, offers a person, then shows the menu again", () => {
    const before = start("1");
    const r = step(env, before.session, { type: "text", text: "no nos dejan salir del rancho" });
    const [alert, ...rest] = texts(r.outputs);
    expect(alert?.safety).toBe("confined");
    expect(alert?.buttons).toEqual([{ id: "cmd:person", label: "Hablar con una persona" }]);
    expect(rest.at(-1)?.text).toBe("¿En qué te puedo ayudar? Elige una opción:");
    expect(r.session.at).toEqual(before.session.at);
    expect(r.outputs).toContainEqual({ type: "event", name: "safety.alert", data: { alert: "confined" } });
  });

  it("keeps a story being written as the answer, and goes on", () => {
    let r = start("1", "3", "1", "1");
    for (const text of ["Jalisco", "Zapopan"]) r = step(env, r.session, { type: "text", text });
    const employerStep = r.session.at;
    r = step(env, r.session, { type: "text", text: "Rancho X, el dueño me amenazo con un machete" });
    expect(texts(r.outputs)[0]?.safety).toBe("threats_violence");
    expect(r.session.vars.c_employer).toBe("Rancho X, el dueño me amenazo con un machete");
    expect(r.session.at).not.toEqual(employerStep);
  });

  it("answers a danger message that comes first, in its language, before the welcome", () => {
    const r = step(env, null, { type: "text", text: "my boss took my passport and wont give it back" });
    const [alert, next] = texts(r.outputs);
    expect(alert?.safety).toBe("documents_taken");
    expect(alert?.text).toMatch(/^⚠️ Someone keeping your passport/);
    expect(next?.text).toMatch(/^¿En qué idioma quieres hablar\?/);
  });

  it("leaves ordinary questions alone", () => {
    const r = step(env, start("1").session, { type: "text", text: "cuanto cuesta la visa h2a" });
    expect(texts(r.outputs).some((o) => o.safety)).toBe(false);
  });
});
