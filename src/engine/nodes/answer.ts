// Node kind "answer": answers a free-text question from the knowledge base.
// It shows the best article as a card (title, short answer, source, date and
// whether it may have changed) with buttons for the next candidates, "more",
// "was this helpful?", the menu and a person, then waits: a button acts on the
// card, and new text is a new question. Unanswered questions and votes are
// emitted as events for curators (the host strips personal data before storing).
import { z } from "zod";
import { NO_WORDS, YES_WORDS } from "../answers.js";
import type { ButtonSpec, Command, Next, NodeContext, NodeKind } from "../node-kind.js";
import { fold } from "../text.js";
import { LANGUAGES, type Lang, type Value } from "../types.js";
import { matchButton, nodeId } from "./fields.js";

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("answer"),
  /** Variable holding the question. */
  question: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
  /** Shows this article instead of searching (a guide's "read the full article"); later text is a new question. */
  article: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  /** Where the "talk to a person" button leads. */
  person: nodeId,
});
export type AnswerNode = z.infer<typeof schema>;

const MENU: ButtonSpec = { id: "cmd:menu", label: "ask:buttons.menu" };
const PERSON: ButtonSpec = { id: "person", label: "ask:buttons.person" };
const MORE: ButtonSpec = { id: "more", label: "ask:buttons.more" };
const YES: ButtonSpec = { id: "helpful_yes", label: "ask:buttons.helpful_yes" };
const NO: ButtonSpec = { id: "helpful_no", label: "ask:buttons.helpful_no" };
const ALT_PREFIX = "kb:";
const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

function lang(ctx: NodeContext): Lang {
  return ctx.session.lang ?? ctx.env.defaultLang;
}

function t(ctx: NodeContext, key: string, params?: Record<string, unknown>): string {
  return ctx.env.translate(lang(ctx), key, params);
}

/** "2023-01-17" -> "enero de 2023"; "2019" -> "2019". */
function formatDate(ctx: NodeContext, date: string): string {
  const [year, month] = date.split("-");
  return month ? t(ctx, "ask:date", { month: t(ctx, `ask:months.${Number(month)}`), year }) : (year ?? date);
}

function alternatives(ctx: NodeContext): string[] {
  const alts = ctx.session.vars.kb_alts;
  return Array.isArray(alts) ? alts.filter((a): a is string => typeof a === "string") : [];
}

function buttons(ctx: NodeContext, withMore: boolean): ButtonSpec[] {
  const shown = ctx.session.vars.kb_shown;
  withMore &&= typeof shown === "string" && (ctx.env.knowledge?.article(shown)?.hasMore ?? false);
  return [
    ...alternatives(ctx).map((id) => ({ id: `${ALT_PREFIX}${id}`, label: `knowledge:${id}.title` })),
    ...(withMore ? [MORE] : []),
    YES,
    NO,
    MENU,
    PERSON,
  ];
}

function showCard(ctx: NodeContext, id: string): void {
  const article = ctx.env.knowledge?.article(id);
  if (!article) return;
  const date = formatDate(ctx, article.date);
  const status = article.status === "current" ? "" : `${t(ctx, `ask:status.${article.status}`, { date })}\n\n`;
  const sources = article.sources.map((s) => t(ctx, `sources:${s.replace(/\.txt$/, "")}`)).join("; ");
  ctx.session.vars.kb_shown = id;
  ctx.session.vars.kb_more = false;
  ctx.say(
    "ask:card",
    {
      title: t(ctx, `knowledge:${id}.title`),
      short: t(ctx, `knowledge:${id}.short`),
      source: t(ctx, "ask:source", { sources, date }),
      status,
    },
    buttons(ctx, true),
  );
}

function question(ctx: NodeContext, n: AnswerNode): string {
  const q = ctx.session.vars[n.question];
  return typeof q === "string" ? q : "";
}

function feedback(ctx: NodeContext, n: AnswerNode, helpful: boolean) {
  const article = ctx.session.vars.kb_shown;
  if (typeof article !== "string") return { wait: true } as const;
  const data: Record<string, Value> = { article, helpful, lang: lang(ctx) };
  if (!helpful) data.question = question(ctx, n);
  ctx.emit("kb.feedback", data);
  ctx.say(helpful ? "ask:thanks" : "ask:sorry", undefined, helpful ? [MENU] : [MENU, PERSON]);
  return { wait: true } as const;
}

/** The buttons on screen now, in order: the card's, or the menu and a person after no match or a vote. */
function currentButtons(ctx: NodeContext): ButtonSpec[] {
  if (typeof ctx.session.vars.kb_shown !== "string") return [MENU, PERSON];
  return buttons(ctx, ctx.session.vars.kb_more !== true);
}

/**
 * Text that presses a button: its number (channels without buttons show
 * numbered options), its label in any language, a "more" word, or yes/no
 * for "was this helpful?".
 */
function typedButton(ctx: NodeContext, text: string): string | undefined {
  const f = fold(text);
  const shown = currentButtons(ctx);
  if (/^\d{1,2}$/.test(f)) return shown[Number(f) - 1]?.id;
  const hasCard = typeof ctx.session.vars.kb_shown === "string";
  if (hasCard && YES_WORDS.has(f)) return YES.id;
  if (hasCard && NO_WORDS.has(f)) return NO.id;
  const exact = matchButton(ctx, shown, text);
  if (exact) return exact;
  if (shown.includes(MORE) && LANGUAGES.some((l) => ctx.env.translate(l, "ask:more_words").split(",").map(fold).includes(f)))
    return MORE.id;
  return undefined;
}

export const answerKind: NodeKind<AnswerNode> = {
  kind: "answer",
  schema,
  waits: true,
  targets: (n) => [{ field: "person", target: n.person, label: "person" }],
  texts: () => [
    { field: "card", key: "ask:card", params: ["title", "short", "source", "status"] },
    { field: "card", key: "ask:source", params: ["sources", "date"] },
    { field: "card", key: "ask:date", params: ["month", "year"] },
    { field: "card", key: "ask:status.check-current", params: ["date"] },
    { field: "card", key: "ask:status.historical", params: ["date"] },
    { field: "more", key: "ask:more", params: ["more"] },
    ...["no_match", "thanks", "sorry", "more_words", ...MONTHS.map((m) => `months.${m}`)].map((k) => ({
      field: "reply",
      key: `ask:${k}`,
      params: [],
    })),
    ...[MENU, PERSON, MORE, YES, NO].map((b) => ({ field: "buttons", key: b.label, params: [] })),
  ],
  enter(ctx, n) {
    if (n.article && ctx.env.knowledge?.article(n.article)) {
      ctx.session.vars.kb_alts = [];
      showCard(ctx, n.article);
      return { wait: true };
    }
    return search(ctx, n);
  },
  resume(ctx, n, input) {
    if (input.type === "text") {
      const pressed = typedButton(ctx, input.text);
      if (!pressed) {
        // Anything else is a new question (answered here, so a fixed article is not shown again).
        ctx.session.vars[n.question] = input.text.trim();
        return n.article ? search(ctx, n) : { goto: n.id };
      }
      input = { type: "button", id: pressed };
    }
    return press(ctx, n, input.id);
  },
};

function search(ctx: NodeContext, n: AnswerNode): { wait: true } {
  const q = question(ctx, n);
  const found = ctx.env.knowledge?.search(q, lang(ctx));
  const [best, ...rest] = found?.results ?? [];
  if (!best) {
    ctx.session.vars.kb_shown = null;
    ctx.session.vars.kb_alts = [];
    ctx.emit("kb.nomatch", { question: q, lang: found?.lang ?? lang(ctx) });
    ctx.say("ask:no_match", undefined, [MENU, PERSON]);
    return { wait: true };
  }
  ctx.session.vars.kb_alts = rest.slice(0, 2).map((r) => r.id);
  showCard(ctx, best.id);
  return { wait: true };
}

/** A button pressed (or typed) on the card. */
function press(ctx: NodeContext, n: AnswerNode, id: string): Next {
  const shown = ctx.session.vars.kb_shown;
  if (id.startsWith("cmd:")) return { command: id.slice(4) as Command };
  switch (id) {
    case "person":
      return { goto: n.person };
    case "helpful_yes":
    case "helpful_no":
      return typeof shown === "string" ? feedback(ctx, n, id === "helpful_yes") : { expired: true };
    case "more": {
      if (typeof shown !== "string") return { expired: true };
      ctx.session.vars.kb_more = true;
      ctx.say("ask:more", { more: t(ctx, `knowledge:${shown}.more`) }, buttons(ctx, false));
      return { wait: true };
    }
  }
  const alt = id.startsWith(ALT_PREFIX) ? id.slice(ALT_PREFIX.length) : "";
  const alts = alternatives(ctx);
  if (!alts.includes(alt) || typeof shown !== "string") return { expired: true };
  ctx.session.vars.kb_alts = [shown, ...alts.filter((a) => a !== alt)];
  showCard(ctx, alt);
  return { wait: true };
}
