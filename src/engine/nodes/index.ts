// Engine: the registry of node kinds. A new kind is a module here plus one line
// in this list; the loader's schema and the checks are built from it.
import type { BaseNode, NodeKind } from "../node-kind.js";
import { answerKind } from "./answer.js";
import { branchKind } from "./branch.js";
import { caseListKind } from "./case-list.js";
import { choiceKind } from "./choice.js";
import { directoryKind } from "./directory.js";
import { effectKind } from "./effect.js";
import { eligibilityKind } from "./eligibility.js";
import { endKind } from "./end.js";
import { evidenceKind } from "./evidence.js";
import { flowCallKind } from "./flow-call.js";
import { messageKind } from "./message.js";
import { questionKind } from "./question.js";
import { setKind } from "./set.js";
import { summaryKind } from "./summary.js";
import { wageKind } from "./wage.js";

export const NODE_KINDS: readonly NodeKind<never>[] = [
  messageKind,
  choiceKind,
  questionKind,
  branchKind,
  setKind,
  flowCallKind,
  endKind,
  answerKind,
  evidenceKind,
  wageKind,
  summaryKind,
  effectKind,
  caseListKind,
  eligibilityKind,
  directoryKind,
] as unknown as NodeKind<never>[];

const byKind = new Map<string, NodeKind<BaseNode>>(NODE_KINDS.map((k) => [k.kind, k as unknown as NodeKind<BaseNode>]));

export function kindOf(node: BaseNode): NodeKind<BaseNode> {
  const kind = byKind.get(node.kind);
  if (!kind) throw new Error(`unknown node kind "${node.kind}"`);
  return kind;
}
