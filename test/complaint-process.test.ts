// The complaint flow through the real terminal process and a real Redis:
// killed between any two answers it loses nothing, a report is filed exactly
// once, `cases export` prints it decrypted, and Redis never holds it in plain text.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/runtime/create-runtime.js";
import type { RedisClient } from "../src/sessions/redis-session-store.js";
import { connectTestRedis, deleteByPrefix, REDIS_URL, TEST_KEYS, uniquePrefix } from "./helpers/redis.js";
import { WAGE_THEFT_ES } from "./helpers/scripts.js";

const run = promisify(execFile);
const BOT = ["--import", "tsx", "src/main/app.ts", "--channels", "terminal", "--json", "--lang", "es"];

const MARKERS = {
  employer: "Empacadora Marcador Uno",
  phone: "+52 33 9876 5432",
  description: "Frase-secreta-del-reporte: no me pagaron cuatro semanas.",
};
/** The shared Spanish report, with marked answers, a photo as evidence and a phone as contact. */
const ANSWERS = [
  "hola",
  ...WAGE_THEFT_ES.slice(0, 5),
  MARKERS.employer,
  ...WAGE_THEFT_ES.slice(6, 19),
  MARKERS.description,
  '{"file": "test/fixtures/evidence/receipt.jpg"}',
  "listo",
  "2",
  MARKERS.phone,
  "si",
  "si",
  "1",
];

let client: RedisClient;
let attachmentsDir: string;
const prefix = uniquePrefix();
const env = () => ({
  PATH: process.env.PATH ?? "",
  REDIS_URL,
  REDIS_PREFIX: prefix,
  DATA_KEYS: TEST_KEYS,
  ATTACHMENTS_DIR: attachmentsDir,
});

beforeAll(async () => {
  client = await connectTestRedis();
  attachmentsDir = mkdtempSync(join(tmpdir(), "evidence-"));
});
afterAll(async () => {
  await deleteByPrefix(client, prefix);
  await client.close();
  rmSync(attachmentsDir, { recursive: true, force: true });
});

/** Sends one line to a fresh bot process, waits for its whole reply, then kills it with SIGKILL (no clean shutdown). */
function answerThenKill(user: string, line: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...BOT, "--user", user], { cwd: PROJECT_ROOT, env: env() });
    let out = "";
    let settle: NodeJS.Timeout | undefined;
    const timeout = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no reply to ${JSON.stringify(line)}`));
    }, 20_000);
    child.stdout.on("data", (d) => {
      out += d;
      clearTimeout(settle);
      settle = setTimeout(() => child.kill("SIGKILL"), 300);
    });
    child.on("close", () => {
      clearTimeout(timeout);
      resolve(
        out
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l).text as string),
      );
    });
    child.on("error", reject);
    child.stdin.write(`${line}\n`); // stdin stays open: the process only ends by being killed
  });
}

describe("complaint through the terminal process with Redis", () => {
  it("loses nothing when the process is killed between any two answers, and files the report once", async () => {
    // A new process for every answer, each killed right after replying.
    const replies: string[][] = [];
    for (const line of ANSWERS) replies.push(await answerThenKill("killed", line));
    // Every answer got the next question (no repeats, no lost answers): check the step each reply shows.
    const steps = replies.map((r) => r.join(" ").match(/Paso (\d) de 9/)?.[1] ?? "-");
    expect(steps.join(",")).toBe("-,1,2,2,2,3,3,3,4,4,4,4,5,5,6,6,6,6,6,7,7,-,8,8,9,9,-,-");
    expect(replies[18]?.[0]).toContain("Te deben más o menos *2,000*");
    expect(replies[26]?.[0]).toMatch(/^📋 Revisa tu reporte/);
    expect(replies[27]?.[0]).toMatch(/Tu número de reporte es:\n\n\*[0-9A-Z]{4}-[0-9A-Z]{4}\*/);
    const cases = await client.zRange(`${prefix}cases:by-time`, 0, -1);
    expect(cases).toHaveLength(1);
    // Sending again from a new process files nothing new.
    await answerThenKill("killed", "1");
    expect(await client.zRange(`${prefix}cases:by-time`, 0, -1)).toHaveLength(1);
  }, 120_000);

  it("shows the report in `cases export`, decrypted, and never in plain text in Redis", async () => {
    const { stdout: json, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli/cases.ts", "export", "--format", "json"], {
      cwd: PROJECT_ROOT,
      env: env(),
    });
    expect(stderr).toContain("WARNING: this output holds personal data of 1 case(s)");
    const [row] = json
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(row).toMatchObject({
      c_employer: MARKERS.employer,
      c_phone: "+523398765432",
      c_description: MARKERS.description,
      category: "unpaid_wages",
      status: "open",
    });
    expect(row.c_evidence).toHaveLength(1);
    expect(row).not.toHaveProperty("sealed");

    const { stdout: csv } = await run(
      process.execPath,
      ["--import", "tsx", "src/cli/cases.ts", "export", "--format", "csv", "--since", "2000-01-01"],
      { cwd: PROJECT_ROOT, env: env() },
    );
    const [header, line] = csv.trim().split("\n");
    expect(header?.startsWith("ref,createdAt,status")).toBe(true);
    expect(line).toContain(`"${MARKERS.employer}"`);
    const { stdout: none } = await run(
      process.execPath,
      ["--import", "tsx", "src/cli/cases.ts", "export", "--format", "json", "--since", "2999-01-01"],
      { cwd: PROJECT_ROOT, env: env() },
    );
    expect(none).toBe("");

    // Every value under our prefix, raw: no marker may appear in the clear.
    const raw: string[] = [];
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      for (const k of keys) {
        const type = await client.type(k);
        if (type === "string") raw.push((await client.get(k)) ?? "");
        else if (type === "hash") raw.push(JSON.stringify(await client.hGetAll(k)));
        else if (type === "set") raw.push(JSON.stringify(await client.sMembers(k)));
        else if (type === "zset") raw.push(JSON.stringify(await client.zRange(k, 0, -1)));
        else if (type === "stream") raw.push(JSON.stringify(await client.xRange(k, "-", "+")));
      }
    }
    const all = raw.join("\n");
    expect(all.length).toBeGreaterThan(100);
    for (const marker of [MARKERS.employer, "Marcador", "Frase-secreta", "9876", "Zapopan"]) expect(all).not.toContain(marker);
  }, 60_000);

  it("closes a case, which Redis then deletes after the retention period", async () => {
    const [ref] = await client.zRange(`${prefix}cases:by-time`, 0, -1);
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli/cases.ts", "close", ref as string], {
      cwd: PROJECT_ROOT,
      env: { ...env(), CASE_RETENTION_DAYS: "30" },
    });
    expect(stdout).toBe(`closed ${ref}; it will be deleted in 30 days\n`);
    const ttl = await client.pTTL(`${prefix}case:${ref}`);
    expect(ttl).toBeGreaterThan(29 * 86_400_000);
    expect(ttl).toBeLessThanOrEqual(30 * 86_400_000);
    expect(JSON.parse((await client.get(`${prefix}case:${ref}`)) ?? "{}").status).toBe("closed");
  });

  it("refuses bad export arguments with a clear message", async () => {
    const bad = await run(process.execPath, ["--import", "tsx", "src/cli/cases.ts", "export", "--format", "xml"], {
      cwd: PROJECT_ROOT,
      env: env(),
    }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--format must be json or csv");
    const noRedis = await run(process.execPath, ["--import", "tsx", "src/cli/cases.ts", "export", "--format", "json"], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "" },
    }).catch((e) => e);
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toContain("set REDIS_URL and DATA_KEYS");
  });
});
