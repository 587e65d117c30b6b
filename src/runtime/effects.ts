// Runtime: the effects flows can ask for, performed by the host in the middle
// of a turn. Each returns {ok, data}; a failure (store down) is a value the
// flow handles ("please try again"), logged without personal data.

import type { CaseService } from "../cases/case-service.js";
import type { Lang, Vars } from "../engine/types.js";

export interface Who {
  channel: string;
  userId: string;
  lang: Lang;
}

export type EffectHandler = (data: Vars, who: Who) => Promise<{ ok: boolean; data: Vars }>;

export function caseEffects(cases: CaseService): Record<string, EffectHandler> {
  return {
    "case.submit": async (data, who): Promise<{ ok: boolean; data: Vars }> => {
      const result = await cases.submit(data, who);
      if (!result.ok) return { ok: false, data: {} };
      return { ok: true, data: { ref: result.ref, urgent: result.urgent } };
    },
    "case.list": async (_data, who) => {
      const list = await cases.list(who);
      return { ok: true, data: { cases: list.map((c) => ({ ...c })) } };
    },
    "data.delete": async (_data, who) => {
      const count = await cases.erase(who);
      return { ok: true, data: { cases: count } };
    },
  };
}

/** The effect whose success means the person's session must be deleted, not saved. */
export const ERASE_EFFECT = "data.delete";
