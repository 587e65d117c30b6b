// Knowledge: what curators need to improve the articles — questions that got
// no answer, and "not helpful" votes — counted without personal data. Stored in
// Redis sorted sets when REDIS_URL is set (shared by all bot processes), or in
// memory. `npm run kb -- gaps` lists the most frequent.

import { fold } from "../engine/text.js";
import type { RedisClient } from "../sessions/redis-session-store.js";

export type GapKind = "nomatch" | "unhelpful";

export interface GapCount {
  text: string;
  count: number;
}

export interface GapsStore {
  record(kind: GapKind, lang: string, text: string): Promise<void>;
  vote(article: string, helpful: boolean): Promise<void>;
  top(kind: GapKind, lang: string, limit: number): Promise<GapCount[]>;
  votes(): Promise<Record<string, { yes: number; no: number }>>;
}

const NAME_INTRO = /\b(me llamo|mi nombre es|soy el|soy la|my name is|i am called|m rele|mwen rele|non mwen se)\s+\S+(\s+\S+)?/g;

/**
 * Keeps what a question is about and drops what could identify its author:
 * lower case, no accents, numbers (phones, amounts, dates, ids) as "#",
 * e-mail addresses and links removed, names after "me llamo" / "my name is" /
 * "m rele" replaced, and at most 120 characters.
 */
export function scrubQuestion(text: string): string {
  return fold(
    text
      .replace(/\S+@\S+/g, " ")
      .replace(/\bhttps?:\/\/\S+|\bwww\.\S+/gi, " ")
      .toLowerCase(),
  )
    .replace(NAME_INTRO, (_m, intro: string) => `${intro} [nombre]`)
    .replace(/\+?\d[\d\s.,+-]*/g, "# ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 120);
}

export class MemoryGapsStore implements GapsStore {
  private readonly counts = new Map<string, number>();
  private readonly tally = new Map<string, { yes: number; no: number }>();

  async record(kind: GapKind, lang: string, text: string) {
    const key = `${kind}\u0000${lang}\u0000${scrubQuestion(text)}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  async vote(article: string, helpful: boolean) {
    const t = this.tally.get(article) ?? { yes: 0, no: 0 };
    t[helpful ? "yes" : "no"]++;
    this.tally.set(article, t);
  }

  async top(kind: GapKind, lang: string, limit: number) {
    const prefix = `${kind}\u0000${lang}\u0000`;
    return [...this.counts]
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, count]) => ({ text: k.slice(prefix.length), count }))
      .sort((a, b) => b.count - a.count || a.text.localeCompare(b.text))
      .slice(0, limit);
  }

  async votes() {
    return Object.fromEntries(this.tally);
  }
}

export class RedisGapsStore implements GapsStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async record(kind: GapKind, lang: string, text: string) {
    await this.client.zIncrBy(`${this.prefix}kb:gaps:${kind}:${lang}`, 1, scrubQuestion(text));
  }

  async vote(article: string, helpful: boolean) {
    await this.client.hIncrBy(`${this.prefix}kb:votes`, `${article}:${helpful ? "yes" : "no"}`, 1);
  }

  async top(kind: GapKind, lang: string, limit: number) {
    const rows = await this.client.zRangeWithScores(`${this.prefix}kb:gaps:${kind}:${lang}`, 0, limit - 1, { REV: true });
    return rows.map((r) => ({ text: r.value, count: r.score }));
  }

  async votes() {
    const out: Record<string, { yes: number; no: number }> = {};
    for (const [field, n] of Object.entries(await this.client.hGetAll(`${this.prefix}kb:votes`))) {
      const [article, answer] = field.split(":") as [string, "yes" | "no"];
      out[article] ??= { yes: 0, no: 0 };
      out[article][answer] = Number(n);
    }
    return out;
  }
}
