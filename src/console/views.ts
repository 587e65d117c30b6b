// Console: the caseworkers' web pages as HTML strings. Pure functions of what
// the server read (tickets, entries, stats): no I/O, no clock unless given, no
// client-side rendering. Everything that came from people or data goes through
// `escapeHtml`, attributes included; the pages carry no inline script or style
// so they work under the console's strict Content-Security-Policy. Live updates
// are `static/app.js`, which reads the `data-*` attributes set here.
import { LANGUAGES, type Lang } from "../engine/types.js";
import { type Entry, type Priority, TICKET_REASONS, type Ticket, type TicketReason, type TicketStatus } from "../handoff/types.js";
import { barChart, weeklyChart } from "./charts.js";
import { type ConsoleLang, isStringKey, type StringKey, t } from "./strings.js";

// ---------------------------------------------------------------------------
// Shapes the server passes in

export type ConsoleRole = "caseworker" | "supervisor";

export interface ConsoleUser {
  id: string;
  name: string;
  role: ConsoleRole;
}

export interface QueueRow {
  id: string;
  /** Short display id. */
  ref: string;
  channel: string;
  lang: Lang;
  reason: TicketReason;
  priority: Priority;
  status: TicketStatus;
  assigneeName?: string;
  waitingSince: string;
  /** The person's last message: anything at all, shown escaped. */
  preview?: string;
}

/** Raw query values: they are only compared with known values and echoed escaped. */
export interface QueueFilters {
  status?: string;
  priority?: string;
  lang?: string;
  channel?: string;
  reason?: string;
}

export interface LoginPageInput {
  lang: ConsoleLang;
  csrf: string;
  /** A string key (such as "error.wrongLogin") or a message already in `lang`. */
  error?: string;
  /** Where to go after signing in; the server must check it is a console path. */
  next?: string;
}

export interface QueuePageInput {
  lang: ConsoleLang;
  me: ConsoleUser;
  csrf: string;
  tickets: QueueRow[];
  filters: QueueFilters;
  longWaitMinutes: number;
  now: Date;
}

export interface CaseDetails {
  ref: string;
  fields: [label: string, value: string][];
}

export interface TicketPageInput {
  lang: ConsoleLang;
  me: ConsoleUser;
  csrf: string;
  ticket: Ticket & { ref: string; assigneeName?: string };
  /** The transcript, notes included, oldest first. */
  entries: Entry[];
  caseDetails?: CaseDetails;
  colleagues: { id: string; name: string }[];
  /** True when `me` holds the ticket or is a supervisor. */
  canAct: boolean;
  /** A string key (such as "error.heldByOther") or a message already in `lang`. */
  error?: string;
  /** For the waiting time; the current time when left out. */
  now?: Date;
}

export interface DurationStats {
  p50: number;
  p90: number;
  count: number;
}

export interface DashboardStats {
  ticketsByReason: Record<string, number>;
  complaintsByType: Record<string, number>;
  complaintsByRegion: Record<string, number>;
  byWeek: { week: string; tickets: number; complaints: number }[];
  waitingMinutes: DurationStats;
  firstReplyMinutes: DurationStats;
  open: { waiting: number; held: number };
}

export interface DashboardPageInput {
  lang: ConsoleLang;
  me: ConsoleUser;
  csrf: string;
  stats: DashboardStats;
}

export interface ErrorPageInput {
  lang: ConsoleLang;
  status: number;
  /** A string key (such as "error.notFound") or a message already in `lang`. */
  message: string;
}

// ---------------------------------------------------------------------------
// Paths the pages link and post to

const ticketPath = (id: string) => `/console/tickets/${encodeURIComponent(id)}`;

export const consolePaths = {
  queue: "/console",
  queueEvents: "/console/events",
  dashboard: "/console/dashboard",
  login: "/console/login",
  logout: "/console/logout",
  css: "/console/static/app.css",
  js: "/console/static/app.js",
  ticket: ticketPath,
  ticketAction: (id: string, action: "claim" | "reply" | "note" | "transfer" | "close" | "events") => `${ticketPath(id)}/${action}`,
  media: (ticketId: string, mediaId: string) => `${ticketPath(ticketId)}/media/${encodeURIComponent(mediaId)}`,
} as const;

// ---------------------------------------------------------------------------
// Escaping and small pieces

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and quoted attribute values alike. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const e = escapeHtml;

/** Translated and escaped, ready for markup. */
function tx(lang: ConsoleLang, key: StringKey, params?: Record<string, string | number>): string {
  return e(t(lang, key, params));
}

/** A label for a value from data (a status, a channel...), or the value itself when we have no words for it. */
function labelOf(lang: ConsoleLang, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isStringKey(key) ? t(lang, key) : value;
}

/** Errors arrive as string keys or as messages already written for the caseworker. */
function message(lang: ConsoleLang, keyOrText: string): string {
  return isStringKey(keyOrText) ? t(lang, keyOrText) : keyOrText;
}

function csrfField(csrf: string): string {
  return `<input type="hidden" name="_csrf" value="${e(csrf)}">`;
}

function postForm(action: string, csrf: string, inner: string, attrs = ""): string {
  return `<form method="post" action="${e(action)}"${attrs}>${csrfField(csrf)}${inner}</form>`;
}

function alertBox(text: string): string {
  return `<p class="alert alert--error" role="alert">${e(text)}</p>`;
}

function badge(kind: string, text: string): string {
  return `<span class="badge badge--${e(kind)}">${e(text)}</span>`;
}

function statusBadge(lang: ConsoleLang, status: string): string {
  return badge(`status-${status}`, labelOf(lang, "status", status));
}

function priorityBadge(lang: ConsoleLang, priority: string): string {
  return priority === "urgent" ? badge("urgent", labelOf(lang, "priority", priority)) : "";
}

function minutesSince(iso: string, now: Date): number | undefined {
  const since = Date.parse(iso);
  if (Number.isNaN(since)) return undefined;
  return Math.max(0, (now.getTime() - since) / 60_000);
}

/** "under 1 min", "12 min", "2 h 5 min", "3 d 4 h". */
export function formatMinutes(lang: ConsoleLang, minutes: number): string {
  const whole = Math.floor(minutes);
  if (whole < 1) return t(lang, "wait.lessThanMinute");
  if (whole < 60) return t(lang, "wait.minutes", { minutes: whole });
  if (whole < 1440) return t(lang, "wait.hours", { hours: Math.floor(whole / 60), minutes: whole % 60 });
  return t(lang, "wait.days", { days: Math.floor(whole / 1440), hours: Math.floor((whole % 1440) / 60) });
}

function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const stampFormats = new Map<ConsoleLang, Intl.DateTimeFormat>();

function stampFormat(lang: ConsoleLang): Intl.DateTimeFormat {
  let format = stampFormats.get(lang);
  if (!format) {
    const options = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "UTC", timeZoneName: "short" } as const;
    format = new Intl.DateTimeFormat(lang, options);
    stampFormats.set(lang, format);
  }
  return format;
}

/**
 * A timestamp in UTC, so the page does not depend on the server's zone; app.js
 * rewrites every `time[data-local]` in the caseworker's own zone.
 */
function timeTag(lang: ConsoleLang, iso: string | undefined, className = ""): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const text = stampFormat(lang).format(date);
  const cls = className ? ` class="${className}"` : "";
  return `<time${cls} datetime="${e(date.toISOString())}" data-local>${e(text)}</time>`;
}

function fact(label: string, valueHtml: string): string {
  return `<div class="fact"><dt>${e(label)}</dt><dd>${valueHtml}</dd></div>`;
}

// ---------------------------------------------------------------------------
// Layout

interface LayoutInput {
  lang: ConsoleLang;
  title: string;
  body: string;
  me?: ConsoleUser;
  csrf?: string;
  active?: "queue" | "dashboard";
  /** Query parameters kept when switching language (filters, next). */
  keep?: Record<string, string | undefined>;
}

function langSwitch(lang: ConsoleLang, keep: Record<string, string | undefined> = {}): string {
  const other: ConsoleLang = lang === "es" ? "en" : "es";
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(keep)) if (value) query.set(name, value);
  query.set("lang", other);
  return `<a class="lang-switch" href="?${e(query.toString())}" hreflang="${other}" lang="${other}" aria-label="${tx(lang, "app.langSwitchLabel")}">${tx(lang, "app.langSwitch")}</a>`;
}

function nav(lang: ConsoleLang, me: ConsoleUser, csrf: string, active?: LayoutInput["active"]): string {
  const link = (href: string, key: StringKey, name: LayoutInput["active"]) =>
    `<li><a href="${href}"${active === name ? ' aria-current="page"' : ""}>${tx(lang, key)}</a></li>`;
  return (
    `<nav class="nav" aria-label="${tx(lang, "nav.label")}"><ul>` +
    link(consolePaths.queue, "nav.queue", "queue") +
    (me.role === "supervisor" ? link(consolePaths.dashboard, "nav.dashboard", "dashboard") : "") +
    `<li>${postForm(consolePaths.logout, csrf, `<button type="submit" class="button button--quiet">${tx(lang, "nav.logout")}</button>`, ' class="logout"')}</li>` +
    `</ul></nav>` +
    `<p class="whoami">${tx(lang, "app.signedInAs", { name: me.name })} · ${tx(lang, `role.${me.role}`)}</p>`
  );
}

function layout({ lang, title, body, me, csrf, active, keep }: LayoutInput): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex, nofollow">
<title>${e(title)} · ${tx(lang, "app.title")}</title>
<link rel="stylesheet" href="${consolePaths.css}">
<script src="${consolePaths.js}" defer></script>
</head>
<body>
<a class="skip" href="#main">${tx(lang, "app.skip")}</a>
<header class="topbar">
<p class="brand"><a href="${consolePaths.queue}">${tx(lang, "app.title")}</a></p>
<span id="live" class="live" hidden data-live="${tx(lang, "app.live")}" data-offline="${tx(lang, "app.offline")}"></span>
${langSwitch(lang, keep)}
${me && csrf !== undefined ? nav(lang, me, csrf, active) : ""}
</header>
<main id="main" class="main">
${body}
</main>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------
// Login

export function loginPage({ lang, csrf, error, next }: LoginPageInput): string {
  const body = `<section class="card login">
<h1>${tx(lang, "login.heading")}</h1>
<p class="muted">${tx(lang, "login.intro")}</p>
${error ? alertBox(message(lang, error)) : ""}
${postForm(
  consolePaths.login,
  csrf,
  `<input type="hidden" name="next" value="${e(next ?? "")}">
<label class="field"><span class="field__label">${tx(lang, "login.name")}</span><input type="text" name="name" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></label>
<label class="field"><span class="field__label">${tx(lang, "login.password")}</span><input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit" class="button button--primary button--block">${tx(lang, "login.submit")}</button>`,
  ' class="stack"',
)}
</section>`;
  return layout({ lang, title: t(lang, "login.heading"), body, keep: { next } });
}

// ---------------------------------------------------------------------------
// Queue

/** The query parameters a queue filter uses: `lang` travels as `language`. */
export const QUEUE_FILTER_PARAMS = {
  status: "status",
  priority: "priority",
  reason: "reason",
  channel: "channel",
  lang: "language",
} as const satisfies Record<keyof QueueFilters, string>;

const FILTERS: { name: keyof QueueFilters; param: string; label: StringKey; prefix: string; values: readonly string[] }[] = [
  { name: "status", param: QUEUE_FILTER_PARAMS.status, label: "field.status", prefix: "status", values: ["waiting", "held", "closed"] },
  { name: "priority", param: QUEUE_FILTER_PARAMS.priority, label: "field.priority", prefix: "priority", values: ["urgent", "normal"] },
  { name: "reason", param: QUEUE_FILTER_PARAMS.reason, label: "field.reason", prefix: "reason", values: TICKET_REASONS },
  {
    name: "channel",
    param: QUEUE_FILTER_PARAMS.channel,
    label: "field.channel",
    prefix: "channel",
    values: ["telegram", "whatsapp", "terminal"],
  },
  // `lang` in the query is the console's own language switch, so the ticket-language filter is `language`.
  { name: "lang", param: QUEUE_FILTER_PARAMS.lang, label: "field.language", prefix: "language", values: LANGUAGES },
];

function filterForm(lang: ConsoleLang, filters: QueueFilters): string {
  const active = FILTERS.some((f) => filters[f.name]);
  const selects = FILTERS.map((f) => {
    const current = filters[f.name] ?? "";
    const options = [`<option value="">${tx(lang, "filter.any")}</option>`]
      .concat(f.values.map((v) => `<option value="${e(v)}"${v === current ? " selected" : ""}>${e(labelOf(lang, f.prefix, v))}</option>`))
      .join("");
    return `<label class="field field--inline"><span class="field__label">${tx(lang, f.label)}</span><select name="${f.param}">${options}</select></label>`;
  }).join("");
  return `<form class="filters" method="get" action="${consolePaths.queue}" role="search">
<fieldset><legend>${tx(lang, "filter.heading")}</legend>
<div class="filters__fields">${selects}</div>
<div class="filters__actions"><button type="submit" class="button">${tx(lang, "filter.apply")}</button>${
    active ? ` <a class="button button--quiet" href="${consolePaths.queue}">${tx(lang, "filter.clear")}</a>` : ""
  }</div>
</fieldset>
</form>`;
}

function queueCard(lang: ConsoleLang, row: QueueRow, csrf: string, longWaitMinutes: number, now: Date): string {
  const waited = minutesSince(row.waitingSince, now);
  const waiting = row.status === "waiting";
  const longWait = waiting && waited !== undefined && waited > longWaitMinutes;
  const classes = ["ticket-card", `ticket-card--${e(row.status)}`];
  if (row.priority === "urgent") classes.push("ticket-card--urgent");
  if (longWait) classes.push("ticket-card--long-wait");
  const href = consolePaths.ticket(row.id);
  const waitedText = waited === undefined ? "—" : formatMinutes(lang, waited);
  const preview = row.preview?.trim()
    ? `<p class="ticket-card__preview">${e(row.preview)}</p>`
    : `<p class="ticket-card__preview muted">${tx(lang, "queue.noPreview")}</p>`;
  const claim = waiting
    ? postForm(
        consolePaths.ticketAction(row.id, "claim"),
        csrf,
        `<button type="submit" class="button button--primary">${tx(lang, "action.claim")}</button>`,
        ' class="ticket-card__claim"',
      )
    : "";
  return `<li class="${classes.join(" ")}">
<div class="ticket-card__head">
<a class="ticket-card__link" href="${e(href)}" aria-label="${tx(lang, "queue.open", { ref: row.ref })}">${e(row.ref)}</a>
<span class="badges">${priorityBadge(lang, row.priority)}${longWait ? badge("alert", `⚠ ${t(lang, "queue.longWait")}`) : ""}${statusBadge(lang, row.status)}</span>
</div>
${preview}
<dl class="ticket-card__meta">
${fact(t(lang, "field.reason"), e(labelOf(lang, "reason", row.reason)))}
${fact(t(lang, "field.channel"), e(labelOf(lang, "channel", row.channel)))}
${fact(t(lang, "field.language"), e(labelOf(lang, "language", row.lang)))}
${fact(t(lang, waiting ? "field.waiting" : "field.since"), `<span class="wait${longWait ? " wait--long" : ""}">${e(waitedText)}</span>`)}
${fact(t(lang, "field.assignee"), row.assigneeName ? e(row.assigneeName) : `<span class="muted">${tx(lang, "queue.unassigned")}</span>`)}
</dl>
${claim}
</li>`;
}

export function queuePage({ lang, me, csrf, tickets, filters, longWaitMinutes, now }: QueuePageInput): string {
  // Urgent first; otherwise the server's order (oldest waiting first) stands. Array.sort is stable.
  const rows = [...tickets].sort((a, b) => Number(b.priority === "urgent") - Number(a.priority === "urgent"));
  const filtered = FILTERS.some((f) => filters[f.name]);
  const emptyKey: StringKey = filtered ? "queue.emptyFiltered" : "queue.empty";
  const body = `<div class="page-head">
<h1>${tx(lang, "queue.heading")}</h1>
<p class="muted">${tx(lang, "queue.count", { count: rows.length })}</p>
</div>
${filterForm(lang, filters)}
<ol id="queue" class="queue" data-events="${consolePaths.queueEvents}">
${rows.map((row) => queueCard(lang, row, csrf, longWaitMinutes, now)).join("\n")}
</ol>
${rows.length === 0 ? `<p class="empty">${tx(lang, emptyKey)}</p>` : ""}`;
  const keep = Object.fromEntries(FILTERS.map((f) => [f.param, filters[f.name]]));
  return layout({ lang, title: t(lang, "queue.heading"), body, me, csrf, active: "queue", keep });
}

// ---------------------------------------------------------------------------
// Ticket

type Names = Map<string, string>;

function whoLabel(lang: ConsoleLang, entry: Entry, names: Names): string {
  const name = entry.by ? (names.get(entry.by) ?? entry.by) : undefined;
  switch (entry.from) {
    case "person":
      return t(lang, "from.person");
    case "bot":
      return t(lang, "from.bot");
    case "caseworker":
      return name ?? t(lang, "from.caseworker");
    case "note":
      return name ? `${t(lang, "from.note")} · ${name}` : t(lang, "from.note");
    default:
      return name ? `${t(lang, "from.system")} · ${name}` : t(lang, "from.system");
  }
}

function entryItem(lang: ConsoleLang, ticketId: string, entry: Entry, names: Names): string {
  const from = ["person", "bot", "caseworker", "note", "system"].includes(entry.from) ? entry.from : "system";
  const text = entry.text ? `<p class="entry__text">${e(entry.text)}</p>` : "";
  const media = entry.media
    ? `<p class="entry__media"><span class="entry__media-kind">${e(labelOf(lang, "media", entry.media.kind))}</span> · ${e(entry.media.mime)} · ${e(
        formatSize(entry.media.size),
      )} · <a href="${e(consolePaths.media(ticketId, entry.media.id))}">${tx(lang, "media.open")}</a></p>`
    : "";
  return `<li class="entry entry--${from}" data-at="${e(entry.at)}" data-from="${from}"><div class="bubble">
<p class="entry__who">${e(whoLabel(lang, entry, names))}</p>${text}${media}${timeTag(lang, entry.at, "entry__time")}
</div></li>`;
}

function caseSection(lang: ConsoleLang, details: CaseDetails): string {
  const rows = details.fields.map(([label, value]) => `<div class="fact"><dt>${e(label)}</dt><dd>${e(value)}</dd></div>`).join("\n");
  return `<section class="card case" aria-labelledby="case-heading">
<h2 id="case-heading">${tx(lang, "case.heading", { ref: details.ref })}</h2>
<dl class="facts facts--stacked">
${rows}
</dl>
</section>`;
}

function actions(input: TicketPageInput): { main: string; side: string } {
  const { lang, csrf, ticket, colleagues, canAct } = input;
  const id = ticket.id;
  if (ticket.status === "waiting") {
    return {
      main: `<section class="card actions">
<p>${tx(lang, "ticket.waitingNotice")}</p>
${postForm(consolePaths.ticketAction(id, "claim"), csrf, `<button type="submit" class="button button--primary button--block">${tx(lang, "action.claim")}</button>`)}
</section>`,
      side: "",
    };
  }
  if (ticket.status === "closed") return { main: `<p class="notice">${tx(lang, "ticket.closedNotice")}</p>`, side: "" };
  if (!canAct) {
    const name = ticket.assigneeName ?? ticket.assignee ?? "?";
    return { main: `<p class="notice">${tx(lang, "ticket.heldByOther", { name })}</p>`, side: "" };
  }

  const reply = `<section class="card actions reply" aria-labelledby="reply-heading">
<h2 id="reply-heading">${tx(lang, "ticket.replyHeading")}</h2>
${postForm(
  consolePaths.ticketAction(id, "reply"),
  csrf,
  `<label class="field"><span class="field__label">${tx(lang, "ticket.replyLabel")}</span><textarea name="text" rows="4" required></textarea></label>
<button type="submit" class="button button--primary">${tx(lang, "action.reply")}</button>`,
  ' class="stack"',
)}
</section>`;

  const note = `<section class="card actions note-form" aria-labelledby="note-heading">
<h2 id="note-heading">${tx(lang, "ticket.noteHeading")}</h2>
${postForm(
  consolePaths.ticketAction(id, "note"),
  csrf,
  `<label class="field"><span class="field__label">${tx(lang, "ticket.noteLabel")}</span><textarea name="text" rows="3" required></textarea></label>
<button type="submit" class="button">${tx(lang, "action.note")}</button>`,
  ' class="stack"',
)}
</section>`;

  const transferInner =
    colleagues.length === 0
      ? `<p class="muted">${tx(lang, "ticket.transferNobody")}</p>`
      : postForm(
          consolePaths.ticketAction(id, "transfer"),
          csrf,
          `<label class="field"><span class="field__label">${tx(lang, "ticket.transferLabel")}</span><select name="to" required><option value=""></option>${colleagues
            .map((c) => `<option value="${e(c.id)}">${e(c.name)}</option>`)
            .join("")}</select></label>
<button type="submit" class="button">${tx(lang, "action.transfer")}</button>`,
          ' class="stack"',
        );
  const transfer = `<section class="card actions" aria-labelledby="transfer-heading">
<h2 id="transfer-heading">${tx(lang, "ticket.transferHeading")}</h2>
${transferInner}
</section>`;

  const close = `<section class="card actions" aria-labelledby="close-heading">
<h2 id="close-heading">${tx(lang, "ticket.closeHeading")}</h2>
${postForm(
  consolePaths.ticketAction(id, "close"),
  csrf,
  `<label class="check"><input type="checkbox" name="ask_feedback" value="1" checked> <span>${tx(lang, "ticket.askFeedback")}</span></label>
<button type="submit" class="button button--danger">${tx(lang, "action.close")}</button>`,
  ` class="stack" data-confirm="${tx(lang, "ticket.closeConfirm")}"`,
)}
</section>`;

  return { main: reply, side: `${note}\n${transfer}\n${close}` };
}

export function ticketPage(input: TicketPageInput): string {
  const { lang, me, csrf, ticket, entries, caseDetails, colleagues, error } = input;
  const now = input.now ?? new Date();
  const names: Names = new Map(colleagues.map((c) => [c.id, c.name]));
  names.set(me.id, me.name);
  if (ticket.assignee && ticket.assigneeName) names.set(ticket.assignee, ticket.assigneeName);

  const waited = minutesSince(ticket.waitingSince, now);
  const facts = [
    fact(t(lang, "field.status"), statusBadge(lang, ticket.status)),
    fact(t(lang, "field.priority"), e(labelOf(lang, "priority", ticket.priority))),
    fact(t(lang, "field.reason"), e(labelOf(lang, "reason", ticket.reason))),
    fact(t(lang, "field.channel"), e(labelOf(lang, "channel", ticket.channel))),
    fact(t(lang, "field.language"), e(labelOf(lang, "language", ticket.lang))),
    ticket.status === "waiting" && waited !== undefined ? fact(t(lang, "field.waiting"), e(formatMinutes(lang, waited))) : "",
    ticket.status !== "waiting" && ticket.assigneeName ? fact(t(lang, "field.assignee"), e(ticket.assigneeName)) : "",
    fact(t(lang, "field.opened"), timeTag(lang, ticket.createdAt)),
    ticket.firstReplyAt ? fact(t(lang, "field.firstReply"), timeTag(lang, ticket.firstReplyAt)) : "",
    ticket.closedAt ? fact(t(lang, "field.closed"), timeTag(lang, ticket.closedAt)) : "",
  ].filter(Boolean);

  // What app.js needs to build live entries the same way, as text: it only ever uses textContent.
  const labels = {
    from: {
      person: t(lang, "from.person"),
      bot: t(lang, "from.bot"),
      caseworker: t(lang, "from.caseworker"),
      note: t(lang, "from.note"),
      system: t(lang, "from.system"),
    },
    media: { photo: t(lang, "media.photo"), document: t(lang, "media.document"), voice: t(lang, "media.voice") },
    open: t(lang, "media.open"),
    names: Object.fromEntries(names),
  };

  const { main, side } = actions(input);
  const body = `<p class="back"><a href="${consolePaths.queue}">← ${tx(lang, "ticket.back")}</a></p>
${error ? alertBox(message(lang, error)) : ""}
<header class="ticket-head${ticket.priority === "urgent" ? " ticket-head--urgent" : ""}">
<h1>${tx(lang, "ticket.heading", { ref: ticket.ref })} ${priorityBadge(lang, ticket.priority)}</h1>
<dl class="facts">
${facts.join("\n")}
</dl>
${ticket.requested ? `<p class="notice">${tx(lang, "ticket.requested")}</p>` : ""}
${ticket.alert ? `<p class="alert alert--safety">${tx(lang, "ticket.alert", { alert: ticket.alert })}</p>` : ""}
</header>
<div class="ticket-layout">
<div class="ticket-main">
<section class="transcript-panel" aria-labelledby="transcript-heading">
<h2 id="transcript-heading">${tx(lang, "ticket.transcript")}</h2>
<ol id="transcript" class="transcript" aria-live="polite" aria-relevant="additions" data-events="${e(consolePaths.ticketAction(ticket.id, "events"))}" data-media="${e(
    `${consolePaths.ticket(ticket.id)}/media/`,
  )}" data-labels="${e(JSON.stringify(labels))}">
${entries.map((entry) => entryItem(lang, ticket.id, entry, names)).join("\n")}
</ol>
${entries.length === 0 ? `<p class="empty transcript-empty">${tx(lang, "ticket.transcriptEmpty")}</p>` : ""}
</section>
${main}
</div>
<aside class="ticket-side">
${caseDetails ? caseSection(lang, caseDetails) : ""}
${side}
</aside>
</div>`;
  return layout({ lang, title: t(lang, "ticket.heading", { ref: ticket.ref }), body, me, csrf });
}

// ---------------------------------------------------------------------------
// Dashboard

function durationCard(lang: ConsoleLang, titleKey: StringKey, stats: DurationStats): string {
  const has = stats.count > 0;
  const p50 = has ? formatMinutes(lang, stats.p50) : "—";
  const p90 = has ? formatMinutes(lang, stats.p90) : "—";
  return `<section class="stat stat--wide">
<h2 class="stat__label">${tx(lang, titleKey)}</h2>
<p class="stat__value">${e(p50)}</p>
<p class="muted">${tx(lang, "dashboard.median", { value: p50 })} · ${tx(lang, "dashboard.p90", { value: p90 })} · ${tx(
    lang,
    "dashboard.basedOn",
    {
      count: stats.count,
    },
  )}</p>
</section>`;
}

function chartCard(title: string, svg: string): string {
  return `<section class="card chart-card"><h2>${e(title)}</h2><div class="chart-wrap">${svg}</div></section>`;
}

export function dashboardPage({ lang, me, csrf, stats }: DashboardPageInput): string {
  const noData = t(lang, "dashboard.noData");
  const bars = (titleKey: StringKey, record: Record<string, number>, labelPrefix?: string) => {
    const title = t(lang, titleKey);
    const data = Object.entries(record)
      .sort((a, b) => b[1] - a[1])
      .map(([label, value]): [string, number] => [labelPrefix ? labelOf(lang, labelPrefix, label) : label, value]);
    return chartCard(title, barChart({ title, data, emptyText: noData }));
  };
  const weeklyTitle = t(lang, "dashboard.byWeek");
  const weekly = weeklyChart({
    title: weeklyTitle,
    weeks: stats.byWeek.map((w) => w.week),
    series: [
      { name: t(lang, "dashboard.seriesTickets"), values: stats.byWeek.map((w) => w.tickets) },
      { name: t(lang, "dashboard.seriesComplaints"), values: stats.byWeek.map((w) => w.complaints) },
    ],
    emptyText: noData,
  });
  const body = `<div class="page-head"><h1>${tx(lang, "dashboard.heading")}</h1></div>
<div class="stats">
<section class="stat"><h2 class="stat__label">${tx(lang, "dashboard.openWaiting")}</h2><p class="stat__value">${e(stats.open.waiting)}</p></section>
<section class="stat"><h2 class="stat__label">${tx(lang, "dashboard.openHeld")}</h2><p class="stat__value">${e(stats.open.held)}</p></section>
${durationCard(lang, "dashboard.waitingTime", stats.waitingMinutes)}
${durationCard(lang, "dashboard.firstReplyTime", stats.firstReplyMinutes)}
</div>
<div class="charts">
${chartCard(weeklyTitle, weekly)}
${bars("dashboard.ticketsByReason", stats.ticketsByReason, "reason")}
${bars("dashboard.complaintsByType", stats.complaintsByType)}
${bars("dashboard.complaintsByRegion", stats.complaintsByRegion)}
</div>`;
  return layout({ lang, title: t(lang, "dashboard.heading"), body, me, csrf, active: "dashboard" });
}

// ---------------------------------------------------------------------------
// Errors

export function errorPage({ lang, status, message: text }: ErrorPageInput): string {
  const body = `<section class="card error-page">
<p class="muted">${tx(lang, "error.status", { status })}</p>
<h1>${tx(lang, "error.heading")}</h1>
<p>${e(message(lang, text))}</p>
<p><a class="button" href="${consolePaths.queue}">${tx(lang, "error.back")}</a></p>
</section>`;
  return layout({ lang, title: t(lang, "error.status", { status }), body });
}
