// Engine: the i18n keys the engine itself says (not named by any flow), so the
// flow checker can make sure every language has them.
import type { AnswerType } from "./answers.js";

const ANSWER_REASONS: Record<AnswerType, string[]> = {
  text: ["too_long", "too_short"],
  number: ["number", "integer", "min", "max"],
  money: ["money", "negative", "min", "max"],
  date: ["date", "future_date", "past_date"],
  yesno: ["yesno"],
  phone: ["phone"],
};

export const ENGINE_KEYS: readonly string[] = [
  "common:input.too_long",
  "common:input.empty",
  "common:input.unsupported",
  "common:welcome_back",
  "common:expired",
  "common:back.nothing",
  "common:session.moved",
  "common:session.reset",
  "common:error",
  "common:invalid.too_many",
  "common:invalid.giving_up",
  "common:invalid.choice",
  "common:invalid.empty",
  "common:buttons.yes",
  "common:buttons.no",
  "common:buttons.skip",
  ...[...new Set(Object.values(ANSWER_REASONS).flat())].map((r) => `common:invalid.${r}`),
];
