// `npm run safety -- eval [--set dev|heldout] [--show] [--patterns-only]`: how
// well the safety alerts (the patterns in knowledge/safety.yaml, then the
// weights in knowledge/safety-weights.json) do on a labelled set of messages
// (test/safety/<set>/<lng>.jsonl): the share of danger messages caught with
// the right alert, and of ordinary messages that raised one (false alarms).
// `npm run safety -- check "<message>"` shows what one message raises, and why.
// `npm run safety -- train [--sets dev,dev2,...] [--threshold 0.8]` learns the
// weights from the labelled sets and writes knowledge/safety-weights.json.
// `npm run safety -- validate --train dev,dev2,dev3 --on dev4 [--patterns FILE]`
// learns weights from some sets and scores patterns + weights, at several
// thresholds, on a set neither has seen (patterns from an earlier commit:
// `git show REV:knowledge/safety.yaml > FILE`). Never train or validate on heldout.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { z } from "zod";
import { LANGUAGES } from "../engine/types.js";
import { PROJECT_ROOT } from "../runtime/create-runtime.js";
import { ALERT_IDS, compileSafety, loadSafety, type SafetyDetector } from "../safety/detector.js";
import { learnWeights, type WeightsFile } from "../safety/weights.js";

const line = z.strictObject({ text: z.string().min(1), alert: z.enum(ALERT_IDS).nullable() });
export type Labelled = z.infer<typeof line>;

export function readSet(set: string, lang: string): Labelled[] {
  const path = join(PROJECT_ROOT, "test", "safety", set, `${lang}.jsonl`);
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l, i) => {
      const parsed = line.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}

/** The sets the shipped weights are learned from, and the threshold chosen by `validate` (see the README). */
const TRAIN_SETS = ["dev", "dev2", "dev3", "dev4", "dev5", "dev6"];
const THRESHOLD = 0.8;
const MIN_WORDS = 3;

/** The weights file with one feature per line, so that a change to the labelled sets shows as a readable diff. */
function serialize(file: WeightsFile): string {
  const { weights, ...head } = file;
  const lines = Object.entries(weights).map(([f, w]) => `    ${JSON.stringify(f)}: ${JSON.stringify(w)}`);
  return `${JSON.stringify(head, null, 2).replace(/\n}$/, "")},\n  "weights": {\n${lines.join(",\n")}\n  }\n}\n`;
}

const pct = (s: ReturnType<typeof score>) => `${(s.caught * 100).toFixed(1)}/${(s.falseAlarms * 100).toFixed(1)}`;

export function score(detector: SafetyDetector, items: Labelled[]) {
  const danger = items.filter((i) => i.alert !== null);
  const ordinary = items.filter((i) => i.alert === null);
  const missed = danger.filter((i) => detector.detect(i.text) === undefined);
  const wrongKind = danger.filter((i) => {
    const got = detector.detect(i.text)?.id;
    return got !== undefined && got !== i.alert;
  });
  const falseAlarms = ordinary.filter((i) => detector.detect(i.text) !== undefined);
  return {
    danger: danger.length,
    ordinary: ordinary.length,
    caught: (danger.length - missed.length) / danger.length,
    falseAlarms: falseAlarms.length / ordinary.length,
    missed,
    wrongKind,
    falseAlarmItems: falseAlarms,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      set: { type: "string", default: "dev" },
      show: { type: "boolean", default: false },
      "patterns-only": { type: "boolean", default: false },
      sets: { type: "string", default: TRAIN_SETS.join(",") },
      threshold: { type: "string", default: String(THRESHOLD) },
      train: { type: "string" },
      on: { type: "string" },
      patterns: { type: "string" },
    },
  });
  const patternsPath = join(PROJECT_ROOT, "knowledge", "safety.yaml");
  const weightsPath = join(PROJECT_ROOT, "knowledge", "safety-weights.json");
  const loaded = () => loadSafety(patternsPath, values["patterns-only"] ? undefined : weightsPath);
  if (positionals[0] === "check") {
    const alert = loaded().detect(positionals.slice(1).join(" "));
    if (!alert) console.log("no alert");
    else if (!alert.weights) console.log(`${alert.id} (a pattern, ${alert.lang})`);
    else
      console.log(
        `${alert.id} (weights: ${(alert.weights.probability * 100).toFixed(0)}%, ${alert.lang}; strongest: ${alert.weights.because.join(", ")})`,
      );
  } else if (positionals[0] === "train") {
    const sets = (values.sets ?? "").split(",").filter(Boolean);
    if (sets.includes("heldout")) throw new Error("the held-out set is for checking, never for training");
    const threshold = z.coerce.number().gt(0).lt(1).safeParse(values.threshold);
    if (!threshold.success || !sets.length) {
      console.error(`--threshold must be a number between 0 and 1 (not "${values.threshold}"), and --sets must name at least one set`);
      process.exitCode = 2;
    } else {
      const examples = sets.flatMap((s) => LANGUAGES.flatMap((l) => readSet(s, l)));
      const file = learnWeights(examples, { threshold: threshold.data, minWords: MIN_WORDS, trainedOn: sets });
      writeFileSync(weightsPath, serialize(file));
      console.log(
        `${Object.keys(file.weights).length} weighted features from ${examples.length} messages (${sets.join(", ")}) -> ${weightsPath}`,
      );
    }
  } else if (positionals[0] === "validate") {
    const train = (values.train ?? "").split(",").filter(Boolean);
    const on = values.on ?? "";
    if ([...train, on].includes("heldout")) throw new Error("the held-out set is for checking, never for training or choosing");
    if (!train.length || !on) throw new Error("validate needs --train SETS --on SET");
    const learned = learnWeights(
      train.flatMap((s) => LANGUAGES.flatMap((l) => readSet(s, l))),
      { threshold: 0.5, minWords: MIN_WORDS, trainedOn: train },
    );
    const patterns = parse(readFileSync(values.patterns ?? patternsPath, "utf8"));
    const alone = compileSafety(patterns).detector as SafetyDetector;
    // Compiled once per threshold (compiling warms every expression up), then used for each language.
    const withWeights = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6].map(
      (threshold) => [threshold, compileSafety(patterns, { ...learned, threshold }).detector as SafetyDetector] as const,
    );
    for (const lang of LANGUAGES) {
      const items = readSet(on, lang);
      if (!items.length) continue; // a set may hold one language only
      const row = [`patterns ${pct(score(alone, items))}`];
      for (const [threshold, both] of withWeights) row.push(`${threshold}: ${pct(score(both, items))}`);
      console.log(`${lang} (caught/false alarms): ${row.join("  ")}`);
    }
  } else if (positionals[0] === "eval") {
    const detector = loaded();
    for (const lang of LANGUAGES) {
      const items = readSet(values.set ?? "dev", lang);
      if (!items.length) continue; // a set may hold one language only
      const s = score(detector, items);
      console.log(
        `${lang}: ${s.danger} danger, ${(s.caught * 100).toFixed(1)}% caught (${s.wrongKind.length} as another alert); ${s.ordinary} ordinary, ${(s.falseAlarms * 100).toFixed(1)}% false alarms`,
      );
      if (values.show) {
        for (const m of s.missed) console.log(`  missed [${m.alert}] ${m.text}`);
        for (const f of s.falseAlarmItems) console.log(`  false alarm [${detector.detect(f.text)?.id}] ${f.text}`);
      }
    }
  } else {
    console.error(
      'usage: npm run safety -- eval [--set dev|heldout] [--show] [--patterns-only] | check "<message>" | train [--sets a,b] [--threshold t] | validate --train a,b --on c [--patterns FILE]',
    );
    process.exitCode = 2;
  }
}
