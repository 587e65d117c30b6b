// i18n: loading translations from locales/<lng>/<namespace>.json, validated,
// and the per-person translate function built on i18next. There is no shared
// "current language": every call names its language.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next from "i18next";
import { z } from "zod";
import type { Command, CommandWords } from "../engine/node-kind.js";
import { fold } from "../engine/text.js";
import { DEFAULT_LANGUAGE, LANGUAGES, type Lang, type Translate } from "../engine/types.js";
import type { FlowProblem } from "../flows/errors.js";
import { fieldPath, issueMessage } from "../flows/errors.js";

type Tree = { [key: string]: string | string[] | Tree };
const tree: z.ZodType<Tree> = z.lazy(() => z.record(z.string(), z.union([z.string(), z.array(z.string()), tree])));

/** lang -> namespace -> nested keys */
export type Resources = Record<Lang, Record<string, Tree>>;

export function loadLocales(dir: string): { resources: Resources; problems: FlowProblem[] } {
  const problems: FlowProblem[] = [];
  const resources = {} as Resources;
  for (const lang of LANGUAGES) {
    resources[lang] = {};
    let files: string[] = [];
    try {
      files = readdirSync(join(dir, lang)).filter((f) => f.endsWith(".json"));
    } catch {
      problems.push({ file: join(dir, lang), message: "folder is missing" });
    }
    for (const f of files.sort()) {
      const file = join(dir, lang, f);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, "utf8"));
      } catch (e) {
        problems.push({ file, message: `not valid JSON: ${(e as Error).message}` });
        continue;
      }
      const parsed = tree.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push({ file, field: fieldPath(issue.path), message: issueMessage(issue) });
        continue;
      }
      resources[lang][f.slice(0, -".json".length)] = parsed.data;
    }
  }
  return { resources, problems };
}

/** The entry at "ns:a.b.c", or undefined. */
export function lookup(resources: Resources, lang: Lang, fullKey: string): Tree[string] | undefined {
  const [ns, key] = fullKey.includes(":") ? (fullKey.split(":", 2) as [string, string]) : ["common", fullKey];
  let node: Tree[string] | undefined = resources[lang][ns];
  for (const part of key.split(".")) {
    if (node === undefined || typeof node === "string" || Array.isArray(node)) return undefined;
    node = node[part];
  }
  return node;
}

export function createTranslate(resources: Resources): Translate {
  const instance = i18next.createInstance();
  instance.init({
    resources: resources as unknown as Record<string, Record<string, Tree>>,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    ns: Object.keys(resources[DEFAULT_LANGUAGE]),
    defaultNS: "common",
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  const fixed = Object.fromEntries(LANGUAGES.map((l) => [l, instance.getFixedT(l)])) as Record<Lang, ReturnType<typeof instance.getFixedT>>;
  // The same key with the same values always renders the same text: keep the
  // most recent renderings (buttons, labels, "Step 3 of 9"...). Bounded, so
  // values people typed do not pile up in memory.
  const rendered = new Map<string, string>();
  return (lang, key, params) => {
    const values = params && Object.keys(params).length > 0 ? JSON.stringify(params) : "";
    if (values.length > 200) return fixed[lang](key, params) as string;
    const memo = `${lang}\u0000${key}\u0000${values}`;
    let text = rendered.get(memo);
    if (text === undefined) {
      text = fixed[lang](key, params ?? {}) as string;
      if (rendered.size >= 20_000) rendered.clear();
      rendered.set(memo, text);
    }
    return text;
  };
}

const COMMANDS: Command[] = ["menu", "back", "language", "restart", "status", "delete", "help", "person", "bot", "skip", "done"];
const commandFile = z.strictObject(
  Object.fromEntries(COMMANDS.map((c) => [c, z.array(z.string().min(1)).min(1)])) as Record<Command, z.ZodArray<z.ZodString>>,
);

/** Global command words from every language's commands.json, folded for matching. */
export function loadCommandWords(resources: Resources): { words: CommandWords; problems: FlowProblem[] } {
  const words = new Map<string, Command>();
  const problems: FlowProblem[] = [];
  for (const lang of LANGUAGES) {
    const file = `locales/${lang}/commands.json`;
    const parsed = commandFile.safeParse(resources[lang].commands);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ file, field: fieldPath(issue.path), message: issueMessage(issue) });
      continue;
    }
    for (const command of COMMANDS) {
      for (const word of parsed.data[command]) {
        const key = fold(word);
        const other = words.get(key);
        if (other && other !== command) problems.push({ file, field: command, message: `"${word}" is already the word for "${other}"` });
        else words.set(key, command);
      }
    }
  }
  return { words, problems };
}

const INTERPOLATION = /{{\s*([a-zA-Z0-9_]+)\s*(?:,[^}]*)?}}/g;

export function interpolationVars(text: string): string[] {
  return [...text.matchAll(INTERPOLATION)].map((m) => m[1] as string);
}

/** Every key of every namespace, flattened to "ns:a.b". */
export function allKeys(resources: Resources, lang: Lang): Set<string> {
  const keys = new Set<string>();
  const visit = (prefix: string, node: Tree) => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix.endsWith(":") ? `${prefix}${k}` : `${prefix}.${k}`;
      if (typeof v === "string" || Array.isArray(v)) keys.add(key);
      else visit(key, v);
    }
  };
  for (const [ns, node] of Object.entries(resources[lang])) visit(`${ns}:`, node);
  return keys;
}

/** Namespaces and keys must be the same in every language, and so must the {{variables}} each text uses. */
export function checkLocaleParity(resources: Resources): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const base = allKeys(resources, DEFAULT_LANGUAGE);
  for (const lang of LANGUAGES) {
    if (lang === DEFAULT_LANGUAGE) continue;
    const keys = allKeys(resources, lang);
    for (const key of base) {
      const file = `locales/${lang}/${key.split(":")[0]}.json`;
      if (!keys.has(key)) {
        problems.push({ file, field: key.split(":")[1], message: `missing translation (it exists in ${DEFAULT_LANGUAGE})` });
        continue;
      }
      const a = lookup(resources, DEFAULT_LANGUAGE, key);
      const b = lookup(resources, lang, key);
      if (typeof a === "string" && typeof b === "string") {
        const va = [...new Set(interpolationVars(a))].sort().join(",");
        const vb = [...new Set(interpolationVars(b))].sort().join(",");
        if (va !== vb) problems.push({ file, field: key.split(":")[1], message: `uses {{${vb}}} but ${DEFAULT_LANGUAGE} uses {{${va}}}` });
      }
    }
    for (const key of keys) {
      if (!base.has(key))
        problems.push({
          file: `locales/${lang}/${key.split(":")[0]}.json`,
          field: key.split(":")[1],
          message: `not in ${DEFAULT_LANGUAGE}: remove it or add it there`,
        });
    }
  }
  return problems;
}
