// Knowledge: the read-only service the engine's "answer" node uses.
import type { KnowledgeService } from "../engine/node-kind.js";
import type { Lang } from "../engine/types.js";
import type { KnowledgeBase } from "./knowledge-base.js";
import type { KnowledgeIndex } from "./search.js";

/** At most this many articles are offered for one question: the answer and two alternatives. */
const OFFERED = 3;

export function knowledgeService(kb: KnowledgeBase, index: KnowledgeIndex): KnowledgeService {
  return {
    search: (question: string, lang: Lang) => index.search(question, { lang, limit: OFFERED }),
    article(id) {
      const a = kb.articles.get(id);
      if (!a) return undefined;
      const { status, date, sources } = a.meta;
      return { id, status, date, sources, hasMore: Boolean(a.text.es.more) };
    },
  };
}
