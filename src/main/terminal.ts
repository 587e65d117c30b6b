// Entry point: `npm start` — chat with the bot in this terminal.
// `npm start --silent -- --json [--user ID] [--lang es|en|ht]` is the machine interface.
import { parseArgs } from "node:util";
import { z } from "zod";
import { runTerminal, TERMINAL_CHANNEL, writeOutputs } from "../channels/terminal-channel.js";
import { RedisUpdateLedger } from "../channels/update-ledger.js";
import { ConfigError, parseConfig } from "../config/config.js";
import { LANGUAGES } from "../engine/types.js";
import { FlowLoadError } from "../flows/errors.js";
import { startRelay } from "../handoff/relay.js";
import { createLogger } from "../log/logger.js";
import { createRuntime } from "../runtime/create-runtime.js";

const argsSchema = z.object({
  json: z.boolean().default(false),
  user: z.string().trim().min(1, "--user needs a value").max(128).default("local"),
  lang: z.enum(LANGUAGES, { message: `--lang must be one of ${LANGUAGES.join(", ")}` }).optional(),
});

async function main(): Promise<number> {
  let args: z.infer<typeof argsSchema>;
  let config: ReturnType<typeof parseConfig>;
  try {
    const { values } = parseArgs({
      options: { json: { type: "boolean" }, user: { type: "string" }, lang: { type: "string" } },
      strict: true,
    });
    args = argsSchema.parse(values);
    config = parseConfig(process.env);
  } catch (error) {
    const message = error instanceof z.ZodError ? error.issues.map((i) => i.message).join("\n") : (error as Error).message;
    process.stderr.write(`${message}\nUsage: npm start [--silent -- --json] [--user ID] [--lang es|en|ht]\n`);
    return 2;
  }
  // The terminal is for chatting: logs go to stderr, and only warnings unless LOG_LEVEL asks for more.
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : "warn");
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime({ config, log });
  } catch (error) {
    if (error instanceof FlowLoadError || error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Could not start: ${(error as Error).message}\n`);
    return 1;
  }
  // With Redis, a caseworker may answer from the console (another process): their words are printed here.
  const relay = runtime.redis
    ? startRelay({
        handoff: runtime.handoff,
        conversation: runtime.conversation,
        senders: {
          [TERMINAL_CHANNEL]: async (user, outputs) => {
            if (user !== args.user) return { ok: false, reason: "another terminal" };
            writeOutputs(process.stdout, outputs, args.json);
            return { ok: true };
          },
        },
        ledger: new RedisUpdateLedger(runtime.redis, config.redisPrefix, "terminal"),
        log,
      })
    : undefined;
  try {
    await runTerminal({
      conversation: runtime.conversation,
      attachments: runtime.attachments,
      maxAttachmentBytes: config.attachmentMaxBytes,
      log,
      input: process.stdin,
      output: process.stdout,
      ...args,
    });
  } finally {
    await relay?.stop();
    await runtime.close();
  }
  return 0;
}

// The reader went away (e.g. piped into `head`): nothing left to say, stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
process.exitCode = await main();
