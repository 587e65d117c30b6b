// The terminal chat as a real process: `npm start --silent -- --json` is the
// machine interface automated checks use, so it is tested end to end here.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";
import { REDIS_URL, TEST_KEYS, useTestRedis } from "./helpers/redis.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  messages: { text: string; buttons: { id: string; label: string }[] }[];
}

function chat(args: string[], lines: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main/app.ts", "--channels", "terminal", ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const isJson = args.includes("--json");
      const messages = isJson
        ? stdout
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [];
      resolve({ code, stdout, stderr, messages });
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(""));
  });
}

const MENU = {
  es: "¿En qué te puedo ayudar? Elige una opción:",
  en: "How can I help you? Choose an option:",
  ht: "Kijan m ka ede ou? Chwazi youn:",
};

describe("terminal chat, --json", () => {
  it.each([
    ["es", "1"],
    ["en", "2"],
    ["ht", "3"],
  ] as const)("reaches the main menu in %s", async (lang, pick) => {
    const run = await chat(["--json"], ["hola", pick]);
    expect(run.code).toBe(0);
    const last = run.messages[run.messages.length - 1];
    expect(last?.text).toBe(MENU[lang]);
    expect(last?.buttons.map((b) => b.id)).toEqual([
      "programs",
      "rights",
      "complaint",
      "question",
      "wizard",
      "where_help",
      "person",
      "privacy",
      "my_reports",
    ]);
    expect(
      run.stdout
        .split("\n")
        .filter(Boolean)
        .every((l) => "text" in JSON.parse(l) && "buttons" in JSON.parse(l)),
    ).toBe(true);
  });

  it('marks a reply to a danger message with "safety": "<alert-id>", and no other reply', async () => {
    const run = await chat(["--json", "--lang", "es"], ["hola", "1", "el patron se quedo con mi pasaporte", "cuanto cuesta la visa h2a"]);
    const marked = run.messages.filter((m) => "safety" in m);
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatchObject({ safety: "documents_taken", buttons: [{ id: "cmd:person" }] });
    expect(run.messages.at(-1)?.text).toMatch(/H-2A/);
  });

  it("takes JSON text and button messages and --lang", async () => {
    const run = await chat(["--json", "--lang", "en"], ['{"text": "hello"}', '{"button": "privacy"}']);
    expect(run.messages[0]?.text).toContain("Hello!");
    expect(run.messages.some((m) => m.text.startsWith("🔒 *Your privacy*"))).toBe(true);
  });

  it("answers every kind of hostile line and exits 0 at the end of input", async () => {
    const hostile = [
      "",
      "   ",
      "x".repeat(100 * 1024),
      "\u0000\u0001\u0007\u001b[2J",
      "🙂🔥👍🏽",
      "{not json",
      '{"text": 5}',
      '{"button": ""}',
      "[1,2]",
      "null",
      "<script>alert(1)</script>",
    ];
    const lines = ["hola", ...hostile];
    const run = await chat(["--json", "--lang", "es"], lines);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/error|exception/i);
    const texts = run.messages.map((m) => m.text);
    expect(texts.length).toBeGreaterThanOrEqual(lines.length);
    // The replies we expect, in this order, each followed by the step the person is on.
    const expected = [
      "No recibí ningún texto. Escribe tu respuesta, por favor.",
      "No recibí ningún texto. Escribe tu respuesta, por favor.",
      "Tu mensaje es muy largo. Por favor escribe menos de 4000 letras.",
      "Solo puedo leer mensajes de texto. Escribe tu respuesta, por favor.",
      "Solo puedo leer mensajes de texto. Escribe tu respuesta, por favor.",
      "Solo puedo leer mensajes de texto. Escribe tu respuesta, por favor.",
    ];
    let from = 0;
    for (const reply of expected) {
      const at = texts.indexOf(reply, from);
      expect(at, reply).toBeGreaterThanOrEqual(from);
      from = at + 1;
    }
    // "<script>..." has letters: it is a question, answered honestly with "no match".
    expect(texts[texts.length - 1]).toMatch(/^No tengo una respuesta para eso/);
  });

  it("rejects an unknown --lang with a clear message", async () => {
    const run = await chat(["--json", "--lang", "fr"], []);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--lang must be one of es, en, ht");
  });

  it("says clearly when Redis does not answer, instead of hanging", async () => {
    const run = await chat(["--json"], ["hola"], { REDIS_URL: "redis://127.0.0.1:1", DATA_KEYS: TEST_KEYS });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Could not start: Redis at redis://127.0.0.1:1 is not answering");
  });
});

describe("terminal chat, interactive", () => {
  it("shows buttons as numbered options and takes the number or the label", async () => {
    const run = await chat([], ["1", "privacidad y mis datos"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("  1. Español\n  2. English\n  3. Kreyòl ayisyen\n");
    expect(run.stdout).toContain("  8. Privacidad y mis datos\n");
    expect(run.stdout).toContain("🔒 *Tu privacidad*");
  });
});

describe("terminal chat with REDIS_URL", () => {
  const redis = useTestRedis();

  it("resumes where the first run stopped when the same --user comes back", async () => {
    const env = { REDIS_URL, REDIS_PREFIX: redis.prefix, DATA_KEYS: TEST_KEYS };
    const first = await chat(["--json", "--user", "ana"], ["hola", "2"], env);
    expect(first.messages[first.messages.length - 1]?.text).toBe(MENU.en);
    const second = await chat(["--json", "--user", "ana"], ["8"], env);
    expect(second.messages[0]?.text).toContain("🔒 *Your privacy*");
    const other = await chat(["--json", "--user", "bruno"], ["8"], env);
    expect(other.messages[0]?.text).toContain("Ki lang ou vle pale?");
    expect(await redis.client.keys(`${redis.prefix}*`)).toHaveLength(2);
  });
});
