// Golden conversations: test/golden/<flow>.<case>.json hold what a person sends
// and what the bot answers, turn by turn, with a fixed clock. Run with
// UPDATE_GOLDEN=1 to (re)write the answers after a deliberate change, then read
// the diff before committing it. A new case can be written with only the "in"s.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { type AttachmentStore, DEFAULT_MAX_ATTACHMENT_BYTES } from "../src/cases/attachment-store.js";
import { fileInput } from "../src/channels/files.js";
import type { Input } from "../src/engine/types.js";
import { LANGUAGES } from "../src/engine/types.js";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";
import { demoRuntime } from "./helpers/fixtures.js";

const DIR = join(PROJECT_ROOT, "test", "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const message = z.strictObject({
  text: z.string(),
  buttons: z.array(z.strictObject({ id: z.string(), label: z.string() })),
  /** The safety alert a message answers. */
  safety: z.string().optional(),
});
const input = z.union([
  z.string(),
  z.strictObject({ button: z.string() }),
  z.strictObject({ start: z.literal(true) }),
  z.strictObject({ unsupported: z.literal(true) }),
  /** A caseworker closes the ticket and the host starts this flow (the chat coming back to the bot). */
  z.strictObject({ begin: z.string().regex(/^[a-z-]+$/) }),
  /** A file from test/fixtures/evidence, sent as a photo, document or voice note. */
  z.strictObject({ file: z.string().regex(/^[\w.-]+$/) }),
]);
const golden = z.strictObject({
  description: z.string(),
  langHint: z.enum(LANGUAGES).optional(),
  turns: z.array(z.strictObject({ in: input, out: z.array(message).optional() })).min(1),
});

async function toInput(i: Exclude<z.infer<typeof input>, { begin: string }>, attachments: AttachmentStore): Promise<Input> {
  if (typeof i === "string") return { type: "text", text: i };
  if ("file" in i)
    return fileInput(attachments, readFileSync(join(PROJECT_ROOT, "test", "fixtures", "evidence", i.file)), DEFAULT_MAX_ATTACHMENT_BYTES);
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
    const { conversation, attachments, tickets, cleanup } = demoRuntime();
    onTestFinished(cleanup);
    /** A caseworker closes the person's ticket and the host gives the chat back to the bot with this flow. */
    const returned = async (flow: string) => {
      const open = await tickets.activeFor("golden", "person");
      if (open) await tickets.close(open.id, "caseworker", new Date());
      return conversation.begin("golden", "person", flow);
    };
    for (const [index, turn] of g.turns.entries()) {
      const outputs =
        typeof turn.in === "object" && "begin" in turn.in
          ? await returned(turn.in.begin)
          : await conversation.handle(
              "golden",
              "person",
              await toInput(turn.in as Exclude<typeof turn.in, { begin: string }>, attachments),
              g.langHint,
            );
      const actual = outputs.flatMap((o) =>
        o.type === "text" ? [{ text: o.text, buttons: o.buttons, ...(o.safety ? { safety: o.safety } : {}) }] : [],
      );
      if (UPDATE) turn.out = actual;
      else expect(actual, `${file} turn ${index + 1} (${JSON.stringify(turn.in)})`).toEqual(turn.out);
    }
    if (UPDATE) writeFileSync(path, `${JSON.stringify(g, null, 2)}\n`);
  });
});
