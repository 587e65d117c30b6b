// `npm run safety -- eval [--set dev|heldout] [--show]`: how well the safety
// patterns (knowledge/safety.yaml) do on a labelled set of messages
// (test/safety/<set>/<lng>.jsonl): the share of danger messages caught with
// the right alert, and of ordinary messages that raised one (false alarms).
// `npm run safety -- check "<message>"` shows what one message raises.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { LANGUAGES } from "../engine/types.js";
import { PROJECT_ROOT } from "../runtime/create-runtime.js";
import { ALERT_IDS, loadSafety, type SafetyDetector } from "../safety/detector.js";

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
    options: { set: { type: "string", default: "dev" }, show: { type: "boolean", default: false } },
  });
  const detector = loadSafety(join(PROJECT_ROOT, "knowledge", "safety.yaml"));
  if (positionals[0] === "check") {
    console.log(detector.detect(positionals.slice(1).join(" "))?.id ?? "no alert");
  } else if (positionals[0] === "eval") {
    for (const lang of LANGUAGES) {
      const s = score(detector, readSet(values.set ?? "dev", lang));
      console.log(
        `${lang}: ${s.danger} danger, ${(s.caught * 100).toFixed(1)}% caught (${s.wrongKind.length} as another alert); ${s.ordinary} ordinary, ${(s.falseAlarms * 100).toFixed(1)}% false alarms`,
      );
      if (values.show) {
        for (const m of s.missed) console.log(`  missed [${m.alert}] ${m.text}`);
        for (const f of s.falseAlarmItems) console.log(`  false alarm [${detector.detect(f.text)?.id}] ${f.text}`);
      }
    }
  } else {
    console.error('usage: npm run safety -- eval [--set dev|heldout] [--show] | check "<message>"');
    process.exitCode = 2;
  }
}
