// Console: the caseworkers' web console at /console, on Fastify with its
// security plugins: helmet (a strict content security policy: no inline
// script or style), cookies (the login session is an HttpOnly, SameSite=Strict
// cookie, Secure behind TLS), CSRF tokens on every form, and a rate limit on
// login. Caseworkers see waiting tickets and their own; supervisors see all,
// reassign, and see the dashboard. Every view of or change to a ticket is
// written to the audit log. Pages are server-rendered (views.ts), everything a
// person wrote escaped; live updates come as server-sent events.
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { z } from "zod";
import type { AttachmentStore } from "../cases/attachment-store.js";
import type { CaseService } from "../cases/case-service.js";
import type { CaseRecord, CaseStore } from "../cases/case-store.js";
import type { HandoffService } from "../handoff/handoff.js";
import { ticketRef } from "../handoff/ticket-store.js";
import type { Ticket } from "../handoff/types.js";
import type { Logger } from "../log/logger.js";
import { type Account, accountName, type ConsoleStore, checkPassword, SESSION_HOURS } from "./accounts.js";
import { type ConsoleLang, DEFAULT_CONSOLE_LANG, isConsoleLang } from "./strings.js";
import { type DashboardStats, dashboardPage, errorPage, loginPage, type QueueRow, queuePage, ticketPage } from "./views.js";

export interface ConsoleDeps {
  handoff: HandoffService;
  store: ConsoleStore;
  attachments: AttachmentStore;
  caseStore: CaseStore;
  /** Reads a case's sealed answers (for the dashboard's regions). */
  cases?: CaseService;
  log: Logger;
  /** Cookies marked Secure: true behind TLS (CONSOLE_SECURE_COOKIES). */
  secureCookies: boolean;
  now?: () => Date;
  /** Wrong logins allowed per address per minute. */
  loginLimit?: number;
}

const SESSION_COOKIE = "mab_console";
const STATIC = join(import.meta.dirname, "static");

declare module "fastify" {
  interface FastifyRequest {
    account?: Account;
    lang: ConsoleLang;
  }
}

const idParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{4,40}$/) });
const mediaParam = idParam.extend({ media: z.string().regex(/^[A-Za-z0-9_-]{4,80}$/) });
const textBody = z.object({ text: z.string().trim().min(1).max(4000) });
const loginBody = z.object({ name: z.string().max(100), password: z.string().max(200), next: z.string().max(300).optional() });

export async function buildConsole(deps: ConsoleDeps): Promise<FastifyInstance> {
  const { handoff, store, log } = deps;
  const tickets = handoff.store;
  const now = deps.now ?? (() => new Date());
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, trustProxy: true });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(csrf, { cookieOpts: { path: "/console", sameSite: "strict", httpOnly: true, secure: deps.secureCookies } });
  await app.register(rateLimit, { global: false });

  app.decorateRequest("account", undefined);
  app.decorateRequest("lang", DEFAULT_CONSOLE_LANG);

  // Language (?lang= remembered in a cookie), then who is logged in.
  app.addHook("onRequest", async (req, reply) => {
    const asked = (req.query as Record<string, unknown> | undefined)?.lang;
    if (isConsoleLang(asked)) {
      req.lang = asked;
      reply.setCookie("mab_console_lang", asked, { path: "/console", sameSite: "strict", httpOnly: true, secure: deps.secureCookies });
    } else if (isConsoleLang(req.cookies.mab_console_lang)) req.lang = req.cookies.mab_console_lang;
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const id = await store.session(token);
      const account = id ? await store.accountById(id) : undefined;
      if (account && !account.disabled) req.account = account;
    }
  });

  const page = (reply: FastifyReply, html: string, status = 200) =>
    reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
  const fail = (req: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
    page(reply, errorPage({ lang: req.lang, status, message }), status);

  /** Logged in, or: a page redirects to the login, anything else gets 401. */
  const auth = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.account) return;
    if (req.method === "GET" && !req.url.includes("/events") && !req.url.includes("/media/"))
      return reply.redirect(`/console/login?next=${encodeURIComponent(req.url)}`);
    return reply.code(401).send({ error: "login required" });
  };
  const supervisor = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.account?.role !== "supervisor") return fail(req, reply, 403, "error.forbidden");
  };
  const me = (req: FastifyRequest) => {
    const a = req.account as Account;
    return { id: a.id, name: a.name, role: a.role };
  };
  const audit = (req: FastifyRequest, action: string, ticket?: string) =>
    store.audit({ at: now().toISOString(), who: req.account?.name ?? "?", action, ...(ticket ? { ticket } : {}) });

  /** A caseworker may see a waiting ticket (to claim it) or one they hold; a supervisor any. */
  const mayView = (req: FastifyRequest, t: Ticket) =>
    req.account?.role === "supervisor" || t.status === "waiting" || t.assignee === req.account?.id;
  const mayAct = (req: FastifyRequest, t: Ticket) =>
    req.account?.role === "supervisor" || (t.status === "held" && t.assignee === req.account?.id);
  const loadTicket = async (req: FastifyRequest, reply: FastifyReply): Promise<Ticket | undefined> => {
    const p = idParam.safeParse(req.params);
    const t = p.success ? await tickets.get(p.data.id) : undefined;
    if (!t) {
      await fail(req, reply, 404, "error.notFound");
      return undefined;
    }
    if (!mayView(req, t)) {
      await fail(req, reply, 403, "error.heldByOther");
      return undefined;
    }
    return t;
  };

  app.get("/console/static/:file", async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const type = file === "app.css" ? "text/css; charset=utf-8" : file === "app.js" ? "text/javascript; charset=utf-8" : undefined;
    if (!type) return reply.code(404).send();
    return reply
      .type(type)
      .header("cache-control", "public, max-age=300")
      .send(readFileSync(join(STATIC, file)));
  });

  app.get("/console/login", async (req, reply) => {
    const next = (req.query as { next?: string }).next;
    return page(reply, loginPage({ lang: req.lang, csrf: reply.generateCsrf(), ...(next ? { next } : {}) }));
  });

  app.post(
    "/console/login",
    {
      preValidation: app.csrfProtection,
      // Per address and account name: one person's typos do not lock out the whole office behind one address.
      config: {
        rateLimit: {
          max: deps.loginLimit ?? 5,
          timeWindow: "1 minute",
          hook: "preHandler",
          keyGenerator: (req: FastifyRequest) =>
            `${req.ip}|${String((req.body as { name?: unknown } | undefined)?.name ?? "").toLowerCase()}`,
          errorResponseBuilder: () => ({ statusCode: 429, error: "too many attempts, wait a minute" }),
        },
      },
    },
    async (req, reply) => {
      const body = loginBody.safeParse(req.body);
      const name = body.success ? accountName.safeParse(body.data.name) : undefined;
      const account = name?.success ? await store.accountByName(name.data) : undefined;
      if (!body.success || !(await checkPassword(account, body.data.password))) {
        log.warn("console.login_failed", {});
        return page(reply, loginPage({ lang: req.lang, csrf: reply.generateCsrf(), error: "error.wrongLogin" }), 401);
      }
      const ok = account as Account;
      const token = await store.newSession(ok.id);
      reply.setCookie(SESSION_COOKIE, token, {
        path: "/console",
        httpOnly: true,
        sameSite: "strict",
        secure: deps.secureCookies,
        maxAge: SESSION_HOURS * 3600,
      });
      await store.audit({ at: now().toISOString(), who: ok.name, action: "login" });
      const next = body.data.next;
      // Only back into the console: never an open redirect.
      return reply.redirect(next && /^\/console(\/[\w/-]*)?$/.test(next) ? next : "/console");
    },
  );

  app.post("/console/logout", { preValidation: app.csrfProtection, preHandler: auth }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await store.endSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: "/console" });
    return reply.redirect("/console/login");
  });

  const queueFilters = z.object({
    status: z.enum(["waiting", "held", "closed"]).optional().catch(undefined),
    priority: z.enum(["urgent", "normal"]).optional().catch(undefined),
    /** The ticket's language (`?lang=` is the console's own). */
    language: z.enum(["es", "en", "ht"]).optional().catch(undefined),
    channel: z.string().max(30).optional().catch(undefined),
    reason: z.enum(["asked", "safety", "urgent_complaint", "not_understood"]).optional().catch(undefined),
  });

  app.get("/console", { preHandler: auth }, async (req, reply) => {
    const f = queueFilters.parse(req.query ?? {});
    const accounts = new Map((await store.accounts()).map((a) => [a.id, a.name]));
    const all = (await tickets.list()).filter(
      (t) => mayView(req, t) && (f.status ? t.status === f.status : t.status !== "closed" || req.account?.role === "supervisor"),
    );
    const shown = all.filter(
      (t) =>
        (!f.priority || t.priority === f.priority) &&
        (!f.language || t.lang === f.language) &&
        (!f.channel || t.channel === f.channel) &&
        (!f.reason || t.reason === f.reason),
    );
    const rows: QueueRow[] = await Promise.all(
      shown.slice(0, 300).map(async (t) => {
        const last = (await tickets.entries(t.id)).filter((e) => e.from === "person" && e.text).at(-1);
        return {
          id: t.id,
          ref: ticketRef(t.id),
          channel: t.channel,
          lang: t.lang,
          reason: t.reason,
          priority: t.priority,
          status: t.status,
          waitingSince: t.waitingSince,
          ...(t.assignee ? { assigneeName: accounts.get(t.assignee) ?? "?" } : {}),
          ...(last?.text ? { preview: last.text.slice(0, 140) } : {}),
        };
      }),
    );
    return page(
      reply,
      queuePage({
        lang: req.lang,
        me: me(req),
        csrf: reply.generateCsrf(),
        tickets: rows,
        filters: { ...f, lang: f.language },
        longWaitMinutes: handoff.config.longWaitMinutes,
        now: now(),
      }),
    );
  });

  const showTicket = async (req: FastifyRequest, reply: FastifyReply, t: Ticket, error?: string, status = 200) => {
    const accounts = await store.accounts();
    const names = new Map(accounts.map((a) => [a.id, a.name]));
    const entries = (await tickets.entries(t.id)).map((e) => (e.by ? { ...e, by: names.get(e.by) ?? e.by } : e));
    let caseDetails: { ref: string; fields: [string, string][] } | undefined;
    if (t.caseRef) {
      const c = await deps.caseStore.get(t.caseRef);
      if (c)
        caseDetails = {
          ref: c.ref,
          fields: [
            ["category", c.category],
            ["urgent", c.urgent ? "yes" : "no"],
            ["status", c.status],
            ["filed", c.createdAt],
          ],
        };
    }
    await audit(req, "view", t.id);
    return page(
      reply,
      ticketPage({
        lang: req.lang,
        me: me(req),
        csrf: reply.generateCsrf(),
        ticket: { ...t, ref: ticketRef(t.id), ...(t.assignee ? { assigneeName: names.get(t.assignee) ?? "?" } : {}) },
        entries,
        ...(caseDetails ? { caseDetails } : {}),
        colleagues: accounts.filter((a) => a.id !== req.account?.id && !a.disabled).map((a) => ({ id: a.id, name: a.name })),
        canAct: mayAct(req, t),
        now: now(),
        ...(error ? { error } : {}),
      }),
      status,
    );
  };

  app.get("/console/tickets/:id", { preHandler: auth }, async (req, reply) => {
    const t = await loadTicket(req, reply);
    if (t) return showTicket(req, reply, t);
  });

  const action = (name: string, run: (req: FastifyRequest, reply: FastifyReply, t: Ticket) => Promise<string | undefined>) =>
    app.post(`/console/tickets/:id/${name}`, { preValidation: app.csrfProtection, preHandler: auth }, async (req, reply) => {
      const t = await loadTicket(req, reply);
      if (!t) return;
      const error = await run(req, reply, t);
      if (reply.sent) return;
      if (error) return showTicket(req, reply, (await tickets.get(t.id)) ?? t, error, 409);
      await audit(req, name, t.id);
      return reply.redirect(`/console/tickets/${t.id}`);
    });

  action("claim", async (req, _reply, t) =>
    (await tickets.claim(t.id, req.account?.id ?? "", now())) === "claimed" ? undefined : "error.heldByOther",
  );
  action("reply", async (req, _reply, t) => {
    if (!mayAct(req, t)) return "error.heldByOther";
    const body = textBody.safeParse(req.body);
    if (!body.success) return "error.emptyText";
    await tickets.append(t.id, { at: now().toISOString(), from: "caseworker", text: body.data.text, by: req.account?.id ?? "" });
    await tickets.mark(t.id, "firstReplyAt", now());
    return undefined;
  });
  action("note", async (req, _reply, t) => {
    if (!mayAct(req, t) && t.status !== "waiting") return "error.heldByOther";
    const body = textBody.safeParse(req.body);
    if (!body.success) return "error.emptyText";
    await tickets.append(t.id, { at: now().toISOString(), from: "note", text: body.data.text, by: req.account?.id ?? "" });
    return undefined;
  });
  action("transfer", async (req, _reply, t) => {
    if (!mayAct(req, t)) return "error.heldByOther";
    const to = z.object({ to: z.string().min(1).max(40) }).safeParse(req.body);
    const target = to.success ? await store.accountById(to.data.to) : undefined;
    if (!target || target.disabled) return "error.unknownColleague";
    const from = req.account?.role === "supervisor" ? undefined : req.account?.id;
    if (!(await tickets.transfer(t.id, from, target.id))) return "error.heldByOther";
    await tickets.append(t.id, {
      at: now().toISOString(),
      from: "system",
      text: `transferred to ${target.name}`,
      by: req.account?.id ?? "",
    });
    return undefined;
  });
  action("close", async (req, _reply, t) => {
    if (!mayAct(req, t)) return "error.heldByOther";
    const feedback = (req.body as Record<string, unknown> | undefined)?.ask_feedback !== undefined;
    if (!(await tickets.close(t.id, req.account?.id ?? "", now(), feedback))) return "error.alreadyClosed";
    await tickets.append(t.id, { at: now().toISOString(), from: "system", text: "closed", by: req.account?.id ?? "" });
    return undefined;
  });

  app.get("/console/tickets/:id/media/:media", { preHandler: auth }, async (req, reply) => {
    const t = await loadTicket(req, reply);
    if (!t) return;
    const p = mediaParam.safeParse(req.params);
    const media = p.success ? (await tickets.entries(t.id)).find((e) => e.media?.id === p.data.media)?.media : undefined;
    if (!media) return fail(req, reply, 404, "error.notFound");
    await audit(req, "media", t.id);
    const data = await deps.attachments.get(media.id, media.sha256);
    return reply
      .type(media.mime)
      .header("content-disposition", `attachment; filename="${media.kind}-${media.id.slice(0, 8)}"`)
      .header("cache-control", "no-store")
      .send(data);
  });

  /** Server-sent events until the browser goes away. */
  const stream = (
    req: FastifyRequest,
    reply: FastifyReply,
    pick: (event: Parameters<Parameters<typeof tickets.follow>[0]>[0]) => unknown,
  ) => {
    reply.hijack();
    reply.raw.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    reply.raw.write(": live\n\n");
    const controller = new AbortController();
    const ping = setInterval(() => reply.raw.write(": ping\n\n"), 25_000);
    req.raw.on("close", () => {
      clearInterval(ping);
      controller.abort();
    });
    void tickets.follow((event) => {
      const data = pick(event);
      if (data !== undefined) reply.raw.write(`data: ${JSON.stringify(data)}\n\n`);
    }, controller.signal);
  };

  app.get("/console/tickets/:id/events", { preHandler: auth }, async (req, reply) => {
    const t = await loadTicket(req, reply);
    if (!t) return;
    stream(req, reply, (e) => (e.ticket === t.id && e.kind === "entry" ? e.entry : undefined));
    // What arrived between rendering the page and this stream starting: sent again (the page skips what it shows),
    // now and once the stream surely follows.
    const replay = async () => {
      for (const entry of (await tickets.entries(t.id)).slice(-30))
        if (!reply.raw.writableEnded) reply.raw.write(`data: ${JSON.stringify(entry)}\n\n`);
    };
    await replay();
    setTimeout(() => void replay().catch(() => undefined), 1500).unref();
  });
  app.get("/console/events", { preHandler: auth }, async (req, reply) => {
    stream(req, reply, (e) => ({ ticket: e.ticket, kind: e.kind }));
  });

  app.get("/console/dashboard", { preHandler: [auth, supervisor] }, async (req, reply) => {
    await audit(req, "dashboard");
    return page(
      reply,
      dashboardPage({
        lang: req.lang,
        me: me(req),
        csrf: reply.generateCsrf(),
        stats: await dashboardStats(handoff, deps.caseStore, regionReader(deps.cases)),
      }),
    );
  });

  app.get("/console/", async (_req, reply) => reply.redirect("/console"));
  app.setNotFoundHandler((req, reply) =>
    req.url.startsWith("/console") ? fail(req, reply, 404, "error.notFound") : reply.code(404).send(),
  );
  return app;
}

/** The console on another HTTP server (a channel's): its requests under /console go to Fastify. */
export async function consoleMount(app: FastifyInstance): Promise<Record<string, (req: IncomingMessage, res: ServerResponse) => void>> {
  await app.ready();
  return { "/console": (req, res) => app.routing(req, res) };
}

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
};

/** A case's region for the dashboard: its state (as the person wrote it, tidied), else its country. */
export function regionReader(cases: CaseService | undefined): ((record: CaseRecord) => string | undefined) | undefined {
  if (!cases) return undefined;
  return (record) => {
    try {
      const answers = cases.open(record);
      const state = typeof answers.c_state === "string" ? answers.c_state.trim() : "";
      if (state) return state.charAt(0).toUpperCase() + state.slice(1).toLowerCase();
      return typeof answers.c_country === "string" ? answers.c_country : undefined;
    } catch {
      return undefined;
    }
  };
}

/** ISO week of a date: "2026-W47". */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** The dashboard's figures, from the tickets and cases as stored. Regions come from cases' states (sealed, read here only as counts). */
export async function dashboardStats(
  handoff: HandoffService,
  caseStore: CaseStore,
  regionOf?: (record: CaseRecord) => string | undefined,
): Promise<DashboardStats> {
  const all = await handoff.store.list();
  const cases = await caseStore.list();
  const count = <T>(items: T[], key: (t: T) => string | undefined) =>
    items.reduce<Record<string, number>>((acc, item) => {
      const k = key(item);
      if (k) acc[k] = (acc[k] ?? 0) + 1;
      return acc;
    }, {});
  const weeks = new Map<string, { tickets: number; complaints: number }>();
  for (const t of all) {
    const w = isoWeek(new Date(t.createdAt));
    weeks.set(w, { tickets: (weeks.get(w)?.tickets ?? 0) + 1, complaints: weeks.get(w)?.complaints ?? 0 });
  }
  for (const c of cases) {
    const w = isoWeek(new Date(c.createdAt));
    weeks.set(w, { tickets: weeks.get(w)?.tickets ?? 0, complaints: (weeks.get(w)?.complaints ?? 0) + 1 });
  }
  const waited = all.filter((t) => t.heldAt).map((t) => (Date.parse(t.heldAt as string) - Date.parse(t.waitingSince)) / 60_000);
  const replied = all.filter((t) => t.firstReplyAt).map((t) => (Date.parse(t.firstReplyAt as string) - Date.parse(t.createdAt)) / 60_000);
  return {
    ticketsByReason: count(all, (t) => t.reason),
    complaintsByType: count(cases, (c) => c.category),
    complaintsByRegion: count(cases, (c) => regionOf?.(c) ?? "?"),
    byWeek: [...weeks].sort(([a], [b]) => a.localeCompare(b)).map(([week, v]) => ({ week, ...v })),
    waitingMinutes: { p50: quantile(waited, 0.5), p90: quantile(waited, 0.9), count: waited.length },
    firstReplyMinutes: { p50: quantile(replied, 0.5), p90: quantile(replied, 0.9), count: replied.length },
    open: { waiting: all.filter((t) => t.status === "waiting").length, held: all.filter((t) => t.status === "held").length },
  };
}
