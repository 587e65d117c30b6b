// Knowledge: the "where to get help" directory, kept as data in
// knowledge/directory.yaml and checked with zod at start-up. It ships only the
// organizations the source documents name, without contact details: phone
// numbers, addresses, links and hours are the deployer's to fill in (never
// invented here). A contact must say where it comes from: "deployer" (filled
// in by the organization running the bot) or a named official source, which
// is then flagged for verification. Names and descriptions are translated in
// locales/<lng>/directory.json.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { fold } from "../engine/text.js";

const contact = z
  .strictObject({
    phone: z.string().trim().min(3).max(60).optional(),
    address: z.string().trim().min(3).max(300).optional(),
    url: z.string().trim().url().max(300).optional(),
    hours: z.string().trim().min(2).max(120).optional(),
    /** Who supplied these details: the deployer, or an official public source (then `verify` must be true). */
    source: z.union([z.literal("deployer"), z.strictObject({ official: z.string().min(3), verify: z.literal(true) })]),
  })
  .refine((c) => c.phone || c.address || c.url || c.hours, "a contact needs at least one of phone, address, url, hours");

const entry = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  kind: z.enum([
    "municipal-office",
    "refugee-agency",
    "un-agency",
    "employment",
    "consulate",
    "child-protection",
    "migration",
    "organization",
  ]),
  /** "all" for everywhere, or the states (or cities) it serves, as people write them. */
  regions: z.union([z.literal("all"), z.array(z.string().min(2)).min(1)]),
  /** The seed documents that name it, or "deployer" for an entry the deployer added. */
  sources: z.array(z.string().min(3)).min(1),
  contact: contact.optional(),
});

const file = z.strictObject({ version: z.literal(1), entries: z.array(entry).min(1) });

export type DirectoryEntry = z.infer<typeof entry>;

export function parseDirectory(raw: unknown): { entries?: DirectoryEntry[]; problems: string[] } {
  const parsed = file.safeParse(raw);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  const ids = new Set<string>();
  const problems: string[] = [];
  for (const e of parsed.data.entries) {
    if (ids.has(e.id)) problems.push(`entries.${e.id}: the id is used twice`);
    ids.add(e.id);
  }
  return problems.length ? { problems } : { entries: parsed.data.entries, problems };
}

export function loadDirectory(path: string): DirectoryEntry[] {
  const { entries, problems } = parseDirectory(parse(readFileSync(path, "utf8")));
  if (!entries) throw new Error(`Directory problems in ${path}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return entries;
}

/** The entries for someone in `region` (free text, possibly unknown): everywhere-entries and their region's. */
export function entriesFor(entries: readonly DirectoryEntry[], region: string | undefined): DirectoryEntry[] {
  const where = region ? fold(region) : "";
  return entries.filter(
    (e) => e.regions === "all" || (where !== "" && e.regions.some((r) => where.includes(fold(r)) || fold(r) === where)),
  );
}
