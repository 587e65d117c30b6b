// Node kind "directory": where to get help. Lists the directory's entries for
// the person's region (when known, from a variable) and those for everywhere:
// each with its name, what it can help with, and its contact details only
// when the deployer (or a named official source) filled them in.
import { z } from "zod";
import { entriesFor } from "../../knowledge/directory.js";
import type { NodeKind } from "../node-kind.js";
import { nodeId, textKey, varName } from "./fields.js";

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("directory"),
  /** Variables that may hold the person's region, first found wins (e.g. [region, c_state]). */
  region: z.array(varName).min(1),
  title: textKey,
  /** The title when the region is known: {{region}}. */
  title_region: textKey,
  /** Labels of the contact lines: `<contact>.phone`, `.address`, `.url`, `.hours`. */
  contact: textKey,
  next: nodeId,
});
export type DirectoryNode = z.infer<typeof schema>;

const FIELDS = ["phone", "address", "url", "hours"] as const;

export const directoryKind: NodeKind<DirectoryNode> = {
  kind: "directory",
  schema,
  waits: false,
  targets: (n) => [{ field: "next", target: n.next }],
  texts: (n) => [
    { field: "title", key: n.title, params: [] },
    { field: "title_region", key: n.title_region, params: ["region"] },
    ...FIELDS.map((f) => ({ field: "contact", key: `${n.contact}.${f}`, params: ["value"] })),
  ],
  enter(ctx, n) {
    const region = n.region.map((v) => ctx.session.vars[v]).find((v): v is string => typeof v === "string" && v.trim() !== "");
    const entries = entriesFor(ctx.env.directory ?? [], region);
    const blocks = entries.map((e) => {
      const lines = [`*${ctx.t(`directory:entries.${e.id}.name`)}*`, ctx.t(`directory:entries.${e.id}.help`)];
      for (const f of FIELDS) {
        const value = e.contact?.[f];
        if (value) lines.push(ctx.t(`${n.contact}.${f}`, { value }));
      }
      return lines.join("\n");
    });
    const title = region ? ctx.t(n.title_region, { region }) : ctx.t(n.title);
    ctx.sayText([title, ...blocks].join("\n\n"));
    return { goto: n.next };
  },
};
