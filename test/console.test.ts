// The caseworkers' console: security (every route needs a login, every form a
// CSRF token, a caseworker sees only their tickets, wrong passwords are
// limited) over Fastify's inject, and a real browser (playwright-core on the
// system Chromium) that logs in, sees a ticket arrive, claims it, replies,
// adds a note and closes it — with a script in the person's message shown as
// text. Real Redis for tickets, accounts and sessions.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, RedisConsoleStore } from "../src/console/accounts.js";
import { buildConsole, consoleMount, dashboardStats, isoWeek, regionReader } from "../src/console/server.js";
import { startHttpServer } from "../src/http/server.js";
import { PROJECT_ROOT, type Runtime } from "../src/runtime/create-runtime.js";
import type { RedisClient } from "../src/sessions/redis-session-store.js";
import { silentLog } from "./helpers/fixtures.js";
import { connectTestRedis, deleteByPrefix, REDIS_URL, redisRuntime, TEST_KEYS, uniquePrefix } from "./helpers/redis.js";
import { WAGE_THEFT_ES } from "./helpers/scripts.js";

let client: RedisClient;
let runtime: Runtime;
let app: FastifyInstance;
let accounts: RedisConsoleStore;
const prefix = uniquePrefix();
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  client = await connectTestRedis();
  runtime = await redisRuntime(prefix);
  accounts = new RedisConsoleStore(client, prefix);
  const hash = await hashPassword(PASSWORD);
  await accounts.addAccount("Laura", "caseworker", hash, new Date());
  await accounts.addAccount("Marco", "caseworker", hash, new Date());
  await accounts.addAccount("Sofía", "supervisor", hash, new Date());
  await accounts.addAccount("Rosa", "caseworker", hash, new Date());
  await accounts.addAccount("Pilar", "caseworker", hash, new Date());
  app = await buildConsole({
    handoff: runtime.handoff,
    store: accounts,
    attachments: runtime.attachments,
    caseStore: runtime.caseStore,
    log: silentLog,
    secureCookies: false,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
}, 30_000);

afterAll(async () => {
  await app.close();
  await runtime.close();
  await deleteByPrefix(client, prefix);
  await client.close();
});

const base = () => {
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
};

/** A logged-in cookie jar for inject. */
async function login(name: string, password = PASSWORD) {
  const page = await app.inject({ method: "GET", url: "/console/login" });
  const csrfCookie = page.cookies.find((c) => c.name === "_csrf")?.value ?? "";
  const token = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";
  const res = await app.inject({
    method: "POST",
    url: "/console/login",
    cookies: { _csrf: csrfCookie },
    payload: { name, password, _csrf: token },
  });
  const session = res.cookies.find((c) => c.name === "mab_console");
  return { res, cookies: { _csrf: csrfCookie, ...(session ? { mab_console: session.value } : {}) }, token, session };
}

async function csrfFor(cookies: Record<string, string>, url: string) {
  const page = await app.inject({ method: "GET", url, cookies });
  return page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? "";
}

describe("console security", () => {
  it("sends every page to the login without a session, and answers 401 to everything else", async () => {
    const { ticket } = await runtime.handoff.open({ channel: "terminal", user: "sec1", lang: "es" }, "asked", { requested: true });
    for (const url of ["/console", `/console/tickets/${ticket.id}`, "/console/dashboard"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(302);
      expect(res.headers.location).toMatch(/^\/console\/login\?next=/);
    }
    for (const url of [`/console/tickets/${ticket.id}/events`, `/console/tickets/${ticket.id}/media/abcdabcd`, "/console/events"])
      expect((await app.inject({ method: "GET", url })).statusCode, url).toBe(401);
    const { cookies } = await login("Laura");
    const token = await csrfFor(cookies, "/console");
    const anon = { _csrf: cookies._csrf };
    for (const action of ["claim", "reply", "note", "transfer", "close"])
      expect(
        (
          await app.inject({
            method: "POST",
            url: `/console/tickets/${ticket.id}/${action}`,
            cookies: anon,
            payload: { _csrf: token, text: "x" },
          })
        ).statusCode,
      ).toBe(401);
  });

  it("logs in with an HttpOnly, SameSite=Strict cookie, and refuses a form without a valid CSRF token with 403", async () => {
    const { res, session, cookies } = await login("Laura");
    expect(res.statusCode).toBe(302);
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/console" });
    const { ticket } = await runtime.handoff.open({ channel: "terminal", user: "sec2", lang: "es" }, "asked", { requested: true });
    const noToken = await app.inject({ method: "POST", url: `/console/tickets/${ticket.id}/claim`, cookies, payload: {} });
    expect(noToken.statusCode).toBe(403);
    const forged = await app.inject({ method: "POST", url: `/console/tickets/${ticket.id}/claim`, cookies, payload: { _csrf: "forged" } });
    expect(forged.statusCode).toBe(403);
    expect((await runtime.handoff.store.get(ticket.id))?.status).toBe("waiting");
  });

  it("lets a caseworker open only tickets that wait or are theirs; a supervisor any", async () => {
    const { ticket } = await runtime.handoff.open({ channel: "terminal", user: "sec3", lang: "es" }, "asked", { requested: true });
    const laura = await login("Laura");
    const token = await csrfFor(laura.cookies, `/console/tickets/${ticket.id}`);
    expect(
      (await app.inject({ method: "POST", url: `/console/tickets/${ticket.id}/claim`, cookies: laura.cookies, payload: { _csrf: token } }))
        .statusCode,
    ).toBe(302);
    const marco = await login("Marco");
    expect((await app.inject({ method: "GET", url: `/console/tickets/${ticket.id}`, cookies: marco.cookies })).statusCode).toBe(403);
    const marcoToken = await csrfFor(marco.cookies, "/console");
    const reply = await app.inject({
      method: "POST",
      url: `/console/tickets/${ticket.id}/reply`,
      cookies: marco.cookies,
      payload: { _csrf: marcoToken, text: "hola" },
    });
    expect(reply.statusCode).toBe(403);
    const sofia = await login("Sofía");
    expect((await app.inject({ method: "GET", url: `/console/tickets/${ticket.id}`, cookies: sofia.cookies })).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: "/console/dashboard", cookies: laura.cookies })).statusCode).toBe(403);
    const dashboard = await app.inject({ method: "GET", url: "/console/dashboard", cookies: sofia.cookies });
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain("<svg");
    const log = await accounts.auditLog();
    expect(log.some((e) => e.who === "Laura" && e.action === "claim" && e.ticket === ticket.id)).toBe(true);
    expect(log.some((e) => e.who === "Sofía" && e.action === "view" && e.ticket === ticket.id)).toBe(true);
  });

  it("slows down repeated wrong passwords", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login("Rosa", "wrong password here")).res.statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Another name from the same address is not locked out by Rosa's attempts.
    expect((await login("Marco")).res.statusCode).toBe(302);
  });

  it("is also served under /console by a channel's HTTP server (CONSOLE=1), next to its own routes", async () => {
    const http = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      routes: {},
      health: () => ({ channel: "test" }),
      mounts: await consoleMount(app),
    });
    try {
      const login = await fetch(`http://127.0.0.1:${http.port}/console/login`);
      expect(login.status).toBe(200);
      expect(await login.text()).toContain('name="_csrf"');
      expect(login.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect((await fetch(`http://127.0.0.1:${http.port}/console`, { redirect: "manual" })).status).toBe(302);
      expect(await (await fetch(`http://127.0.0.1:${http.port}/health`)).json()).toMatchObject({ status: "ok", channel: "test" });
      expect((await fetch(`http://127.0.0.1:${http.port}/consoles`)).status).toBe(404);
    } finally {
      await http.close();
    }
  });

  it("counts real figures on the dashboard, complaints by the region they happened in", async () => {
    for (const text of ["hola", "1", ...WAGE_THEFT_ES, "1"])
      await runtime.conversation.handle("terminal", "dash-case", { type: "text", text });
    const stats = await dashboardStats(runtime.handoff, runtime.caseStore, regionReader(runtime.cases));
    expect(stats.complaintsByRegion.Jalisco).toBeGreaterThanOrEqual(1);
    expect(stats.complaintsByType.unpaid_wages).toBeGreaterThanOrEqual(1);
    const before = await import("../src/console/server.js").then((m) => m.dashboardStats(runtime.handoff, runtime.caseStore));
    await runtime.handoff.open({ channel: "terminal", user: "dash1", lang: "en" }, "safety", { alert: "confined" });
    const after = await import("../src/console/server.js").then((m) => m.dashboardStats(runtime.handoff, runtime.caseStore));
    expect(after.ticketsByReason.safety ?? 0).toBe((before.ticketsByReason.safety ?? 0) + 1);
    expect(after.open.waiting).toBe(before.open.waiting + 1);
    expect(after.byWeek.find((w) => w.week === isoWeek(new Date()))?.tickets).toBeGreaterThan(0);
    expect(isoWeek(new Date("2026-11-21T12:00:00Z"))).toBe("2026-W47");
  });
});

const CHROMIUM = "/usr/bin/chromium";

/** The terminal chat as its own process (npm start --json) sharing this Redis: a person writing from another program. */
function terminalPerson(user: string) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/main/app.ts", "--channels", "terminal", "--json", "--user", user, "--lang", "es"],
    {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        REDIS_URL,
        REDIS_PREFIX: prefix,
        DATA_KEYS: TEST_KEYS,
        ATTACHMENTS_DIR: join(PROJECT_ROOT, "data", "test-attachments"),
      },
    },
  );
  const lines: { text: string }[] = [];
  let buffer = "";
  child.stdout.on("data", (d) => {
    buffer += d;
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
  });
  return {
    lines,
    say: (text: string) => child.stdin.write(`${text}\n`),
    waitFor: async (re: RegExp, ms = 15_000) => {
      const until = Date.now() + ms;
      while (!lines.some((l) => re.test(l.text))) {
        if (Date.now() > until) throw new Error(`terminal never showed ${re}: ${JSON.stringify(lines.map((l) => l.text.slice(0, 60)))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.on("close", () => resolve());
        child.stdin.end();
      }),
  };
}
if (!existsSync(CHROMIUM)) console.warn(`Skipping the console browser test: no browser at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!existsSync(CHROMIUM))("the console in a browser", () => {
  it("a person on the terminal asks for a person; a caseworker claims the chat in the browser; messages both ways; closed, the bot takes over", async () => {
    const person = terminalPerson("term-e2e");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    try {
      person.say("hola");
      await person.waitFor(/¿En qué te puedo ayudar\?/);
      person.say("humano");
      await person.waitFor(/una persona de nuestro equipo te va a contestar/);
      const ticket = await runtime.handoff.store.activeFor("terminal", "term-e2e");
      const page = await browser.newPage();
      page.on("dialog", (d) => void d.accept());
      await page.goto(`${base()}/console/login?lang=es`);
      await page.fill('input[name="name"]', "Sofía");
      await page.fill('input[name="password"]', PASSWORD);
      await page.click('button[type="submit"]');
      await page.waitForURL(/\/console$/);
      await page.goto(`${base()}/console/tickets/${ticket?.id}`);
      await page.click('form[action$="/claim"] button');
      await page.fill('form[action$="/reply"] textarea[name="text"]', "Hola, soy Sofía. Cuéntame qué pasó.");
      await page.click('form[action$="/reply"] button');
      await person.waitFor(/^Hola, soy Sofía\. Cuéntame qué pasó\.$/);
      person.say("No me pagaron tres semanas");
      await page.waitForSelector("text=No me pagaron tres semanas", { timeout: 15_000 });
      await page.click('form[action$="/close"] button');
      await person.waitFor(/cerró esta conversación/);
      person.say("sí");
      await person.waitFor(/Gracias por contestar/);
    } finally {
      await browser.close();
      await person.stop();
    }
  }, 90_000);

  it("logs in, sees a ticket arrive, claims it, replies, adds a note and closes it; a script in a message stays text", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
      const alerts: string[] = [];
      // Confirmations (closing a ticket) are accepted; an alert would mean a person's script ran.
      page.on("dialog", (d) => {
        if (d.type() === "confirm") return void d.accept();
        alerts.push(d.message());
        void d.dismiss();
      });
      await page.goto(`${base()}/console?lang=en`);
      await page.fill('input[name="name"]', "Pilar");
      await page.fill('input[name="password"]', PASSWORD);
      await page.click('button[type="submit"]');
      await page.waitForURL(/\/console$/);
      // The queue follows changes once its live connection is up (the indicator says so).
      await page.waitForSelector("#live.is-on", { timeout: 10_000 });

      // A person asks for a person while the queue is open.
      const conversation = runtime.conversation;
      await conversation.handle("terminal", "web1", { type: "text", text: "hola" });
      await conversation.handle("terminal", "web1", { type: "text", text: "2" });
      await conversation.handle("terminal", "web1", { type: "text", text: "human" });
      await conversation.handle("terminal", "web1", {
        type: "text",
        text: '<img src=x onerror="alert(1)"><script>alert(2)</script> help me',
      });
      const ticket = await runtime.handoff.store.activeFor("terminal", "web1");
      const ref = `T-${(ticket?.id ?? "")
        .replace(/[^A-Za-z0-9]/g, "")
        .slice(-4)
        .toUpperCase()}`;
      await page.waitForSelector(`text=${ref}`, { timeout: 10_000 });

      await page.goto(`${base()}/console/tickets/${ticket?.id}`);
      await page.click('form[action$="/claim"] button');
      await page.waitForSelector('form[action$="/reply"]');
      expect(await page.content()).toContain("&lt;img src=x");
      expect(await page.locator("img[src=x]").count()).toBe(0);

      await page.fill('form[action$="/reply"] textarea[name="text"]', "Hola, soy Pilar. ¿En qué te ayudo?");
      await page.click('form[action$="/reply"] button');
      await page.waitForSelector("text=Hola, soy Pilar.");
      await page.fill('form[action$="/note"] textarea[name="text"]', "Revisar su caso mañana");
      await page.click('form[action$="/note"] button');
      await page.waitForSelector("text=Revisar su caso mañana");

      // What the person writes now appears live.
      await conversation.handle("terminal", "web1", { type: "text", text: "gracias, espero" });
      await page.waitForSelector("text=gracias, espero", { timeout: 10_000 });

      await page.click('form[action$="/close"] button');
      await page.waitForSelector('form[action$="/reply"]', { state: "detached" });
      expect((await runtime.handoff.store.get(ticket?.id ?? ""))?.status).toBe("closed");
      const entries = await runtime.handoff.store.entries(ticket?.id ?? "");
      expect(entries.map((e) => e.from)).toEqual(expect.arrayContaining(["person", "caseworker", "note", "system"]));
      expect(alerts).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
