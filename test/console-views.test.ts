// Console views: what caseworkers see, and that nothing a person wrote can
// become markup or script in it. Fixed clock, fixed ids.
import { describe, expect, it } from "vitest";
import { barChart, weeklyChart } from "../src/console/charts.js";
import { strings } from "../src/console/strings.js";
import {
  type ConsoleUser,
  type DashboardStats,
  dashboardPage,
  errorPage,
  escapeHtml,
  loginPage,
  type QueueRow,
  queuePage,
  type TicketPageInput,
  ticketPage,
} from "../src/console/views.js";
import type { Entry, Ticket } from "../src/handoff/types.js";

const NOW = new Date("2026-11-21T12:00:00.000Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const CSRF = "csrf-token-123";
const XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)"];
const ana: ConsoleUser = { id: "u-ana", name: "Ana", role: "caseworker" };
const sara: ConsoleUser = { id: "u-sara", name: "Sara", role: "supervisor" };

function row(over: Partial<QueueRow> = {}): QueueRow {
  return {
    id: "t1",
    ref: "A1B2",
    channel: "telegram",
    lang: "es",
    reason: "asked",
    priority: "normal",
    status: "waiting",
    waitingSince: minutesAgo(12),
    preview: "Hola, necesito ayuda",
    ...over,
  };
}

function ticket(over: Partial<Ticket & { ref: string; assigneeName?: string }> = {}): TicketPageInput["ticket"] {
  return {
    id: "t1",
    ref: "A1B2",
    channel: "whatsapp",
    user: "sealed",
    lang: "es",
    reason: "urgent_complaint",
    priority: "urgent",
    status: "held",
    requested: true,
    assignee: ana.id,
    assigneeName: ana.name,
    caseRef: "Q-7",
    createdAt: minutesAgo(40),
    waitingSince: minutesAgo(40),
    heldAt: minutesAgo(30),
    ...over,
  };
}

const entries: Entry[] = [
  { at: minutesAgo(40), from: "person", text: "No me pagaron" },
  { at: minutesAgo(39), from: "bot", text: "Te paso con una persona." },
  { at: minutesAgo(30), from: "system", text: "claimed", by: ana.id },
  { at: minutesAgo(29), from: "caseworker", text: "Hola, soy Ana.", by: ana.id },
  { at: minutesAgo(28), from: "note", text: "Parece trata, avisar a supervisión", by: ana.id },
  { at: minutesAgo(27), from: "person", media: { kind: "photo", id: "m1", sha256: "x", mime: "image/jpeg", size: 123_456 } },
];

function ticketInput(over: Partial<TicketPageInput> = {}): TicketPageInput {
  return {
    lang: "es",
    me: ana,
    csrf: CSRF,
    ticket: ticket(),
    entries,
    caseDetails: { ref: "Q-7", fields: [["Empleador", "Rancho X"]] },
    colleagues: [{ id: "u-luis", name: "Luis" }],
    canAct: true,
    now: NOW,
    ...over,
  };
}

const stats: DashboardStats = {
  ticketsByReason: { asked: 5, safety: 1, urgent_complaint: 2, not_understood: 0 },
  complaintsByType: { wages: 3, passport_retained: 1 },
  complaintsByRegion: { Sinaloa: 2, Sonora: 2 },
  byWeek: [
    { week: "2026-W46", tickets: 3, complaints: 1 },
    { week: "2026-W47", tickets: 5, complaints: 3 },
  ],
  waitingMinutes: { p50: 12, p90: 75, count: 8 },
  firstReplyMinutes: { p50: 3, p90: 20, count: 7 },
  open: { waiting: 2, held: 1 },
};

const ALLOWED_TAGS = new Set(
  (
    "html head meta title link script body a header p span nav ul li form input button main section h1 h2 div ol dl dt dd " +
    "label select option fieldset legend textarea time aside svg g rect text line desc"
  ).split(" "),
);

/** Every tag in the page is ours, with no event handlers, inline styles or inline scripts. */
function expectSafeMarkup(html: string) {
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const name = /^<([a-zA-Z0-9]+)/.exec(tag)?.[1]?.toLowerCase() ?? "";
    expect(ALLOWED_TAGS, tag).toContain(name);
    // Attribute names only: quoted values (escaped, so free of quotes) are blanked first.
    const attrs = [...tag.replace(/"[^"]*"/g, '""').matchAll(/\s([^\s=>/]+)/g)].map((m) => m[1]?.toLowerCase());
    for (const attr of attrs) {
      expect(attr, tag).not.toMatch(/^on/);
      expect(attr, tag).not.toBe("style");
    }
    if (name === "script") expect(tag).toBe('<script src="/console/static/app.js" defer>');
  }
  expect(html).not.toMatch(/<img/i);
  expect(html.match(/<script/g)?.length ?? 0).toBeLessThanOrEqual(1);
}

function expectOnlyEscaped(html: string, payload: string) {
  expect(html).not.toContain(payload);
  expect(html).toContain(escapeHtml(payload));
  expectSafeMarkup(html);
}

function postForms(html: string): string[] {
  return [...html.matchAll(/<form method="post"[\s\S]*?<\/form>/g)].map((m) => m[0]);
}

describe("escapeHtml", () => {
  it("escapes the five characters that matter, attributes included", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    expect(escapeHtml(42)).toBe("42");
  });
});

describe("nothing a person wrote becomes markup", () => {
  for (const payload of XSS) {
    it(`queue: preview, ref, assignee, my name and filter values (${payload})`, () => {
      const html = queuePage({
        lang: "es",
        me: { ...ana, name: payload },
        csrf: payload,
        tickets: [row({ preview: payload, ref: payload, assigneeName: payload, status: "held" }), row({ id: payload })],
        filters: { status: payload, priority: payload, lang: payload, channel: payload, reason: payload },
        longWaitMinutes: 30,
        now: NOW,
      });
      expectOnlyEscaped(html, payload);
      expect(html).toContain(`<p class="ticket-card__preview">${escapeHtml(payload)}</p>`);
      expect(html).toContain(`href="/console/tickets/${escapeHtml(encodeURIComponent(payload))}"`);
    });

    it(`ticket: transcript, case fields, colleagues, names, alert, error (${payload})`, () => {
      const html = ticketPage(
        ticketInput({
          ticket: ticket({ ref: payload, assigneeName: payload, alert: payload }),
          entries: [
            { at: minutesAgo(5), from: "person", text: payload },
            { at: minutesAgo(4), from: "note", text: payload, by: "u-luis" },
            { at: minutesAgo(3), from: "person", media: { kind: "document", id: payload, sha256: "x", mime: payload, size: 10 } },
          ],
          caseDetails: { ref: payload, fields: [[payload, payload]] },
          colleagues: [{ id: payload, name: payload }],
          error: payload,
        }),
      );
      expectOnlyEscaped(html, payload);
      expect(html).toContain(`<p class="entry__text">${escapeHtml(payload)}</p>`);
      expect(html).toContain(`<dt>${escapeHtml(payload)}</dt><dd>${escapeHtml(payload)}</dd>`);
      expect(html).toContain(`<option value="${escapeHtml(payload)}">${escapeHtml(payload)}</option>`);
    });

    it(`login, error and dashboard pages (${payload})`, () => {
      expectOnlyEscaped(loginPage({ lang: "en", csrf: CSRF, error: payload, next: payload }), payload);
      expectOnlyEscaped(errorPage({ lang: "en", status: 500, message: payload }), payload);
      const dashboard = dashboardPage({
        lang: "en",
        me: sara,
        csrf: CSRF,
        stats: { ...stats, complaintsByType: { [payload]: 2 }, complaintsByRegion: { [payload]: 1 } },
      });
      expectOnlyEscaped(dashboard, payload);
    });
  }

  it("the live transcript's labels travel as an escaped JSON attribute", () => {
    const html = ticketPage(ticketInput({ colleagues: [{ id: "u-x", name: XSS[1] as string }] }));
    const attr = /data-labels="([^"]*)"/.exec(html)?.[1] ?? "";
    const json = JSON.parse(
      attr
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&"),
    );
    expect(json.names["u-x"]).toBe(XSS[1]);
    expect(json.from.note).toBe("Nota interna — la persona no la ve");
  });
});

describe("every POST form carries the CSRF token", () => {
  const pages = {
    login: loginPage({ lang: "es", csrf: CSRF }),
    queue: queuePage({
      lang: "es",
      me: sara,
      csrf: CSRF,
      tickets: [row(), row({ id: "t2", status: "held" })],
      filters: {},
      longWaitMinutes: 30,
      now: NOW,
    }),
    "ticket held": ticketPage(ticketInput()),
    "ticket waiting": ticketPage(ticketInput({ ticket: ticket({ status: "waiting", assignee: undefined, assigneeName: undefined }) })),
    dashboard: dashboardPage({ lang: "es", me: sara, csrf: CSRF, stats }),
  };
  for (const [name, html] of Object.entries(pages)) {
    it(name, () => {
      const forms = postForms(html);
      expect(forms.length).toBeGreaterThan(0);
      for (const form of forms) expect(form).toContain(`<input type="hidden" name="_csrf" value="${CSRF}">`);
      expectSafeMarkup(html);
    });
  }

  it("the held ticket has reply, note, transfer, close and logout forms", () => {
    const actions = postForms(pages["ticket held"]).map((f) => /action="([^"]*)"/.exec(f)?.[1]);
    expect(actions).toEqual([
      "/console/logout",
      "/console/tickets/t1/reply",
      "/console/tickets/t1/note",
      "/console/tickets/t1/transfer",
      "/console/tickets/t1/close",
    ]);
  });

  it("a waiting ticket offers only the claim", () => {
    const actions = postForms(pages["ticket waiting"]).map((f) => /action="([^"]*)"/.exec(f)?.[1]);
    expect(actions).toEqual(["/console/logout", "/console/tickets/t1/claim"]);
  });
});

describe("queue page", () => {
  const page = (tickets: QueueRow[], me: ConsoleUser = ana, filters = {}) =>
    queuePage({ lang: "en", me, csrf: CSRF, tickets, filters, longWaitMinutes: 30, now: NOW });

  it("shows the waiting time and flags only waits over the threshold", () => {
    const html = page([row({ id: "short", waitingSince: minutesAgo(12) }), row({ id: "long", waitingSince: minutesAgo(45) })]);
    expect(html).toContain("12 min");
    expect(html).toContain("45 min");
    expect(html.match(/badge--alert/g)?.length).toBe(1);
    expect(html).toMatch(/ticket-card--long-wait[\s\S]*?href="\/console\/tickets\/long"/);
    expect(page([row({ waitingSince: minutesAgo(30) })])).not.toContain("badge--alert");
    expect(page([row({ status: "held", waitingSince: minutesAgo(300) })])).not.toContain("badge--alert");
    expect(page([row({ waitingSince: minutesAgo(130) })])).toContain("2 h 10 min");
  });

  it("puts urgent tickets first and claims only waiting ones", () => {
    const html = page([row({ id: "old-normal" }), row({ id: "held", status: "held" }), row({ id: "new-urgent", priority: "urgent" })]);
    const order = [...html.matchAll(/class="ticket-card__link" href="\/console\/tickets\/([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(["new-urgent", "old-normal", "held"]);
    const claims = postForms(html)
      .map((f) => /action="([^"]*)"/.exec(f)?.[1])
      .filter((a) => a?.endsWith("/claim"));
    expect(claims).toEqual(["/console/tickets/new-urgent/claim", "/console/tickets/old-normal/claim"]);
  });

  it("links the dashboard for supervisors only", () => {
    expect(page([], sara)).toContain('href="/console/dashboard"');
    expect(page([], ana)).not.toContain('href="/console/dashboard"');
  });

  it("keeps the live list, filters and language switch", () => {
    const html = page([], ana, { status: "waiting", lang: "ht" });
    expect(html).toContain('<ol id="queue" class="queue" data-events="/console/events">');
    expect(html).toContain('<option value="waiting" selected>Waiting</option>');
    expect(html).toContain('<select name="language">');
    expect(html).toContain('<option value="ht" selected>Haitian Creole</option>');
    expect(html).toContain('href="?status=waiting&amp;language=ht&amp;lang=es"');
    expect(html).toContain("No tickets match these filters.");
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<link rel="stylesheet" href="/console/static/app.css">');
  });
});

describe("ticket page", () => {
  it("shows the transcript with notes, system lines and media", () => {
    const html = ticketPage(ticketInput());
    expect(html).toContain(
      '<ol id="transcript" class="transcript" aria-live="polite" aria-relevant="additions" data-events="/console/tickets/t1/events"',
    );
    expect(html).toContain('class="entry entry--note"');
    expect(html).toContain("Nota interna — la persona no la ve · Ana");
    expect(html).toContain('class="entry entry--system"');
    expect(html).toContain('<p class="entry__who">Ana</p>');
    expect(html).toContain("Foto</span> · image/jpeg · 121 KB");
    expect(html).toContain('href="/console/tickets/t1/media/m1"');
    expect(html).toContain("Queja Q-7");
    expect(html).toContain('name="ask_feedback" value="1" checked');
    expect(html).toContain('<select name="to" required>');
  });

  it("tells others who holds it, and shows no actions", () => {
    const html = ticketPage(ticketInput({ me: { id: "u-luis", name: "Luis", role: "caseworker" }, canAct: false }));
    expect(html).toContain("Ana atiende esta conversación");
    expect(postForms(html).map((f) => /action="([^"]*)"/.exec(f)?.[1])).toEqual(["/console/logout"]);
  });

  it("shows the waiting time of a waiting ticket and translates known errors", () => {
    const html = ticketPage(
      ticketInput({ lang: "en", ticket: ticket({ status: "waiting", waitingSince: minutesAgo(12) }), error: "error.heldByOther" }),
    );
    expect(html).toContain("<dt>Waiting</dt><dd>12 min</dd>");
    expect(html).toContain('role="alert">This ticket is held by someone else.</p>');
  });
});

describe("dashboard and error pages", () => {
  it("shows headline numbers and charts", () => {
    const html = dashboardPage({ lang: "en", me: sara, csrf: CSRF, stats });
    expect(html).toContain('<p class="stat__value">2</p>');
    expect(html).toContain("9 in 10 within 1 h 15 min");
    expect(html.match(/<svg /g)?.length).toBe(4);
    expect(html).toContain("Asked for a person");
  });

  it("explains the error in the caseworker's language", () => {
    const html = errorPage({ lang: "es", status: 429, message: "error.tooManyAttempts" });
    expect(html).toContain("Error 429");
    expect(html).toContain("Demasiados intentos");
  });
});

describe("charts", () => {
  const wellFormed = (svg: string) => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/aria-label="[^"]+"/);
    expect(svg).toMatch(/<title>[^<]+<\/title>/);
    expect(svg).not.toMatch(/style=/);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  };

  it("bar chart: bars scaled to the largest value, labels escaped, zeros drawn as zero", () => {
    const svg = barChart({
      title: "By <type>",
      data: [
        [XSS[1] as string, 10],
        ["zero", 0],
        ["half", 5],
      ],
    });
    wellFormed(svg);
    expect(svg).toContain('aria-label="By &lt;type&gt;"');
    expect(svg).not.toContain("<img");
    expect(svg).toContain(escapeHtml(`${XSS[1]}: 10`));
    expect(svg).toContain('width="0%"');
    expect(svg).toContain('width="84%"');
    expect(svg).toContain('width="42%"');
    expect(svg.match(/<rect /g)?.length).toBe(3);
  });

  it("bar chart: empty data and all zeros", () => {
    const empty = barChart({ title: "Nothing", data: [], emptyText: "No data yet" });
    wellFormed(empty);
    expect(empty).toContain("No data yet");
    wellFormed(
      barChart({
        title: "Zeros",
        data: [
          ["a", 0],
          ["b", Number.NaN],
        ],
      }),
    );
  });

  it("weekly chart: one group per week, a legend, escaped names", () => {
    const svg = weeklyChart({
      title: "Per week",
      weeks: ["2026-W46", "2026-W47"],
      series: [
        { name: "Tickets", values: [3, 5] },
        { name: XSS[0] as string, values: [1] },
      ],
    });
    wellFormed(svg);
    expect(svg.match(/class="chart-week"/g)?.length).toBe(2);
    expect(svg.match(/class="chart-legend-item"/g)?.length).toBe(2);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("W47");
    expect(svg).toContain("2026-W47 · Tickets: 5");
  });

  it("weekly chart: no weeks", () => {
    const svg = weeklyChart({ title: "Per week", weeks: [], series: [{ name: "Tickets", values: [] }], emptyText: "No data yet" });
    wellFormed(svg);
    expect(svg).toContain("No data yet");
  });
});

describe("strings", () => {
  it("both languages have the same keys, none empty, the same placeholders and no markup", () => {
    const es = strings.es;
    const en = strings.en;
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(es[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
      expect(placeholders(es[key]), key).toEqual(placeholders(en[key]));
      expect(es[key] + en[key], key).not.toMatch(/[<>]/);
    }
  });
});
