// Part: the terminal chat (stdin and stdout). Interactive, or the JSON machine
// interface with --json. The app ends when its input ends, if it is the only part.
import { runTerminal, TERMINAL_CHANNEL, writeOutputs } from "../../channels/terminal-channel.js";
import type { Lang } from "../../engine/types.js";
import type { Part, PartContext } from "./part.js";

export interface TerminalArgs {
  json: boolean;
  user: string;
  lang?: Lang | undefined;
}

export async function terminalPart({ app, runtime, log }: PartContext, args: TerminalArgs): Promise<Part> {
  const stop = new AbortController();
  let ended: Promise<void> | undefined;
  const part: Part = {
    name: "terminal",
    // With Redis, a caseworker may answer from the console (another process): their words are printed here.
    senders: {
      [TERMINAL_CHANNEL]: async (user, outputs) => {
        if (user !== args.user) return { ok: false, reason: "another terminal" };
        writeOutputs(process.stdout, outputs, args.json);
        return { ok: true };
      },
    },
    async start() {
      ended = runTerminal({
        conversation: runtime.conversation,
        attachments: runtime.attachments,
        maxAttachmentBytes: app.core.attachmentMaxBytes,
        log,
        input: process.stdin,
        output: process.stdout,
        json: args.json,
        user: args.user,
        ...(args.lang ? { lang: args.lang } : {}),
        signal: stop.signal,
      });
      part.ended = ended;
    },
    ready: () => true,
    health: () => ({ terminal: "open" }),
    async stop() {
      stop.abort();
      await ended; // the turn in flight finishes first
    },
  };
  return part;
}
