// Golden conversations: test/golden/<flow>.<case>.json hold what a person sends
// and what the bot answers, turn by turn, with a fixed clock. Run with
// UPDATE_GOLDEN=1 to (re)write the answers after a deliberate change, then read
// the diff before committing it. A new case can be written with only the "in"s.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Input } from "../src/engine/types.js";
import { LANGUAGES } from "../src/engine/types.js";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";
import { demoConversation } from "./helpers/fixtures.js";

const DIR = join(PROJECT_ROOT, "test", "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const message = z.strictObject({ text: z.string(), buttons: z.array(z.strictObject({ id: z.string(), label: z.string() })) });
const input = z.union([
  z.string(),
  z.strictObject({ button: z.string() }),
  z.strictObject({ start: z.literal(true) }),
  z.strictObject({ unsupported: z.literal(true) }),
]);
const golden = z.strictObject({
  description: z.string(),
  langHint: z.enum(LANGUAGES).optional(),
  turns: z.array(z.strictObject({ in: input, out: z.array(message).optional() })).min(1),
});

function toInput(i: z.infer<typeof input>): Input {
  if (typeof i === "string") return { type: "text", text: i };
  if ("button" in i) return { type: "button", id: i.button };
  if ("start" in i) return { type: "start" };
  return { type: "unsupported" };
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

describe("golden conversations", () => {
  it("exist for every project flow", () => {
    const flows = readdirSync(join(PROJECT_ROOT, "flows")).map((f) => f.replace(/\.ya?ml$/, ""));
    for (const flow of flows)
      expect(
        files.some((f) => f.startsWith(`${flow}.`)),
        `no golden file for flow ${flow}`,
      ).toBe(true);
  });

  it.each(files)("%s", async (file) => {
    const path = join(DIR, file);
    const g = golden.parse(JSON.parse(readFileSync(path, "utf8")));
    const conversation = demoConversation();
    for (const [index, turn] of g.turns.entries()) {
      const outputs = await conversation.handle("golden", "person", toInput(turn.in), g.langHint);
      const actual = outputs.flatMap((o) => (o.type === "text" ? [{ text: o.text, buttons: o.buttons }] : []));
      if (UPDATE) turn.out = actual;
      else expect(actual, `${file} turn ${index + 1} (${JSON.stringify(turn.in)})`).toEqual(turn.out);
    }
    if (UPDATE) writeFileSync(path, `${JSON.stringify(g, null, 2)}\n`);
  });
});
