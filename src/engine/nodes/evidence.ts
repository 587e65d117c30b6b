// Node kind "evidence": collects photos, documents and voice notes (several,
// up to `max`) into a list variable, until the person says they are done or
// skips. Files arrive already stored by the channel; the list holds their ids
// and SHA-256 hashes, taken at intake so later tampering can be detected.
import { z } from "zod";
import type { ButtonSpec, NodeContext, NodeKind } from "../node-kind.js";
import { fold } from "../text.js";
import type { Value } from "../types.js";
import { nodeId, progress, progressPrefix, textKey, textRef, varName } from "./fields.js";

const schema = z.strictObject({
  id: nodeId,
  kind: z.literal("evidence"),
  text: textKey,
  save: varName,
  max: z.number().int().min(1).max(20).default(10),
  step: progress,
  next: nodeId,
});
export type EvidenceNode = z.infer<typeof schema>;

const DONE: ButtonSpec = { id: "done", label: "common:buttons.done" };
const SKIP: ButtonSpec = { id: "skip", label: "common:buttons.skip" };

function files(ctx: NodeContext, n: EvidenceNode): Value[] {
  const list = ctx.session.vars[n.save];
  return Array.isArray(list) ? list : [];
}

export const evidenceKind: NodeKind<EvidenceNode> = {
  kind: "evidence",
  schema,
  waits: true,
  targets: (n) => [{ field: "next", target: n.next }],
  texts: (n) => [
    textRef("text", n.text, undefined),
    { field: "received", key: "common:evidence.received", params: ["count"] },
    { field: "full", key: "common:evidence.full", params: ["max"] },
    { field: "buttons", key: DONE.label, params: [] },
  ],
  enter(ctx, n) {
    const count = files(ctx, n).length;
    ctx.say(n.text, undefined, count > 0 ? [DONE] : [SKIP], progressPrefix(ctx, n.step));
    return { wait: true };
  },
  media(ctx, n, media) {
    const list = files(ctx, n);
    if (list.length >= n.max) {
      ctx.say("common:evidence.full", { max: n.max }, [DONE]);
      return { wait: true };
    }
    ctx.session.vars[n.save] = [...list, { kind: media.kind, id: media.id, sha256: media.sha256, mime: media.mime, size: media.size }];
    ctx.say("common:evidence.received", { count: list.length + 1 }, [DONE]);
    return { wait: true };
  },
  resume(ctx, n, input) {
    const word = input.type === "button" ? input.id : ctx.env.commands.get(fold(input.text));
    if (word === "done" || word === "skip") {
      if (!Array.isArray(ctx.session.vars[n.save])) ctx.session.vars[n.save] = [];
      return { goto: n.next };
    }
    return input.type === "button" ? { expired: true } : { invalid: "evidence" };
  },
};
