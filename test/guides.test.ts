// Guides (issue 7): the programs guide, the "what may apply to me" wizard, the
// rights guides, the help directory — their data, what they show, and that the
// golden conversations cover every page, rule and guide in each language; and
// that no contact detail ships that the documents or the deployer did not give.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { decide, type EligibilityRule } from "../src/engine/nodes/eligibility.js";
import { step } from "../src/engine/step.js";
import { LANGUAGES, type Lang } from "../src/engine/types.js";
import { type DirectoryEntry, entriesFor, loadDirectory, parseDirectory } from "../src/knowledge/directory.js";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";
import { demoEnv } from "./helpers/fixtures.js";

const env = demoEnv();
const t = env.translate;
const goldenTexts = (lang: string) =>
  readdirSync(join(PROJECT_ROOT, "test", "golden"))
    .filter((f) => f.endsWith(`-${lang}.json`))
    .flatMap((f) =>
      (
        JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "golden", f), "utf8")) as {
          turns: { out?: { text: string; buttons: { label: string }[] }[] }[];
        }
      ).turns.flatMap((turn) => (turn.out ?? []).flatMap((o) => [o.text, ...o.buttons.map((b) => b.label)])),
    )
    .join("\n\n");
const flowFile = (id: string) =>
  parse(readFileSync(join(PROJECT_ROOT, "flows", `${id}.yaml`), "utf8")) as { nodes: Record<string, unknown>[] };

describe("the help directory", () => {
  const entry = (e: Record<string, unknown>) => ({
    version: 1,
    entries: [{ id: "x", kind: "organization", regions: "all", sources: ["deployer"], ...e }],
  });

  it("takes contact details only with where they come from, and an official source only flagged for verification", () => {
    expect(parseDirectory(entry({ contact: { phone: "555 0100" } })).problems.join()).toMatch(/contact\.source/);
    expect(parseDirectory(entry({ contact: { phone: "555 0100", source: { official: "Some site" } } })).problems.join()).toMatch(
      /contact\.source/,
    );
    expect(parseDirectory(entry({ contact: { phone: "555 0100", source: { official: "Some site", verify: true } } })).entries).toHaveLength(
      1,
    );
    expect(parseDirectory(entry({ contact: { source: "deployer" } })).problems.join()).toMatch(/at least one of phone/);
    expect(parseDirectory(entry({ contact: { phone: "555 0100", source: "deployer" } })).entries).toHaveLength(1);
    expect(parseDirectory(entry({ kind: "shop" as never })).problems.join()).toMatch(/kind/);
  });

  it("ships only organizations the documents name, without any contact details, each translated", () => {
    const shipped = loadDirectory(join(PROJECT_ROOT, "knowledge", "directory.yaml"));
    expect(shipped.map((e) => e.id).sort()).toEqual(
      ["comar", "consulates", "dif", "inm", "municipal-migrant-office", "sne", "this-organization", "unhcr"].sort(),
    );
    for (const e of shipped) {
      expect(e.contact, e.id).toBeUndefined();
      for (const source of e.sources)
        if (source !== "deployer") expect(readdirSync(join(PROJECT_ROOT, "..", "shared", "seeds"))).toContain(source);
      for (const lang of LANGUAGES) {
        expect(t(lang, `directory:entries.${e.id}.name`)).not.toContain("entries.");
        expect(t(lang, `directory:entries.${e.id}.help`)).not.toContain("entries.");
      }
    }
  });

  it("filters by the person's region and shows contact details only where present", () => {
    const mine: DirectoryEntry[] = [
      ...(env.directory ?? []),
      {
        id: "this-organization-chiapas",
        kind: "organization",
        regions: ["Chiapas", "Tapachula"],
        sources: ["deployer"],
        contact: { phone: "962 000 0000", hours: "9-17", source: "deployer" },
      },
    ];
    expect(entriesFor(mine, "tapachula, chiapas").map((e) => e.id)).toContain("this-organization-chiapas");
    expect(entriesFor(mine, "Jalisco").map((e) => e.id)).not.toContain("this-organization-chiapas");
    expect(entriesFor(mine, undefined)).toHaveLength(env.directory?.length ?? 0);

    const withOffice = {
      ...env,
      directory: mine,
      translate: (l: Lang, k: string, p?: Record<string, unknown>) =>
        k.startsWith("directory:entries.this-organization-chiapas") ? "Oficina Chiapas" : t(l, k, p),
    };
    let r = step(withOffice, null, { type: "start" });
    for (const text of ["1", "6", "Tapachula"]) r = step(withOffice, r.session, { type: "text", text });
    const list = r.outputs.find((o) => o.type === "text" && o.text.startsWith("📍"));
    expect(list?.type === "text" && list.text).toContain("📞 962 000 0000\n🕒 9-17");
    expect(list?.type === "text" && (list.text.match(/📞/g) ?? []).length).toBe(1);
  });
});

describe("the wizard's rules", () => {
  const rules = (flowFile("wizard").nodes.find((n) => n.id === "result") as { rules: EligibilityRule[] }).rules;

  it("decide each item by its first matching rule, with `not` for 'anyone but'", () => {
    const picked = (vars: Record<string, string>) => decide(rules, vars).map((r) => `${r.item}:${r.verdict}:${r.reason.split(".")[1]}`);
    expect(picked({ w_nat: "mx", w_where: "mx_other", w_want: "work_us", w_docs: "mx_id" })).toEqual([
      "h2:fits:h2_mx",
      "sne:fits:sne_us",
      "venezuela_air:no:venezuela_only",
      "crossing:no:crossing",
    ]);
    expect(picked({ w_nat: "ve", w_where: "mx_north", w_want: "work_us", w_docs: "none" })).toEqual([
      "venezuela_air:no:venezuela_ended",
      "crossing:no:crossing",
    ]);
    expect(picked({ w_nat: "other", w_where: "home", w_want: "work_mx", w_docs: "none" })).toEqual([]);
  });

  it.each(LANGUAGES)("are all reached by the golden conversations (%s), with the note that this is not legal advice", (lang) => {
    const texts = goldenTexts(lang);
    for (const r of rules) expect(texts, `${r.item} ${r.reason}`).toContain(t(lang, `wizard:${r.reason}`));
    expect(texts).toContain(t(lang, "wizard:result.note"));
    expect(texts).toContain(t(lang, "wizard:result.none"));
    expect(texts).toContain(t(lang, "wizard:minor"));
  });
});

describe("the programs and rights guides", () => {
  const programs = (flowFile("programs").nodes.find((n) => n.id === "list") as { options: { id: string }[] }).options.map((o) => o.id);
  const guides = (flowFile("rights").nodes.find((n) => n.id === "list") as { options: { id: string }[] }).options.map((o) => o.id);

  it("cover the programs the documents describe, each linked to an existing article", () => {
    expect(programs).toEqual(["h2", "h2b_extra", "border_card", "guatemala", "venezuela_air", "refugee_jobs", "tvrh", "sne"]);
    const articles = flowFile("programs")
      .nodes.filter((n) => n.kind === "answer")
      .map((n) => n.article as string);
    expect(articles).toHaveLength(programs.length);
    for (const a of articles) expect(env.knowledge?.article(a), a).toBeDefined();
  });

  it.each(LANGUAGES)("appear whole in the golden conversations (%s)", (lang) => {
    const texts = goldenTexts(lang);
    for (const p of programs) expect(texts, p).toContain(t(lang, `programs:pages.${p}`));
    for (const g of guides) for (const part of ["1", "2"]) expect(texts, `${g} ${part}`).toContain(t(lang, `rights:guides.${g}.${part}`));
    expect(texts).toContain(t(lang, "rights:buttons.complaint"));
    expect(texts).toContain(t(lang, "rights:buttons.person"));
  });

  it("give every program page its sections, its date and whether it may have changed", () => {
    for (const lang of LANGUAGES)
      for (const p of programs) {
        const page = t(lang, `programs:pages.${p}`);
        expect(page.match(/\*[^*\n]+\*/g)?.length ?? 0, `${lang} ${p}`).toBeGreaterThanOrEqual(6);
        expect(page, `${lang} ${p}`).toMatch(/20(19|22|23|25)/);
      }
  });
});

describe("contact details in what we ship", () => {
  const seeds = readdirSync(join(PROJECT_ROOT, "..", "shared", "seeds"))
    .map((f) => readFileSync(join(PROJECT_ROOT, "..", "shared", "seeds", f), "utf8"))
    .join("\n");
  const files = [
    ...LANGUAGES.flatMap((l) => readdirSync(join(PROJECT_ROOT, "locales", l)).map((f) => join("locales", l, f))),
    ...readdirSync(join(PROJECT_ROOT, "knowledge"))
      .filter((f) => f.endsWith(".yaml") || f.endsWith(".json"))
      .map((f) => join("knowledge", f)),
    ...readdirSync(join(PROJECT_ROOT, "flows")).map((f) => join("flows", f)),
  ];
  const PHONE = /(?<![\w.-])\+?\d(?:[\d ().-]{6,}\d)(?![\w-])/g;
  const URL = /\bhttps?:\/\/\S+|\bwww\.\S+|\b[\w-]+\.(?:gob\.mx|gov|org|int|com|net)\b/g;
  const ADDRESS = /\b(?:calle|avenida|av\.|colonia|col\.|c\.p\.|street|avenue|suite|blvd|ri|lari)\s+[\w ]{1,30}\s#?\d{1,5}\b/gi;

  it("holds no phone number, address or link that is not in the source documents", () => {
    const found: string[] = [];
    for (const file of files) {
      // Seed file names ("001_dcefe96674017630.txt") are references, not numbers; comments in data files may show the format.
      const text = readFileSync(join(PROJECT_ROOT, file), "utf8")
        .replace(/\d{3}_[0-9a-f]{16}(\.txt)?/g, "")
        .replace(/^\s*#.*$/gm, "")
        .replace(/\b(?:max|min): \d+/g, "");
      for (const re of [PHONE, URL, ADDRESS])
        for (const m of text.matchAll(re)) {
          const value = m[0].trim();
          const digits = value.replace(/\D/g, "");
          if (re === PHONE && (digits.length < 8 || /^\d{4}-\d{2}(-\d{2})?$/.test(value))) continue;
          if (!seeds.includes(value)) found.push(`${file}: ${value}`);
        }
    }
    expect(found).toEqual([]);
  });
});
