// The app's parts: each enabled channel is a Part the entry point (app.ts)
// starts, checks for readiness, and stops, in the same way.
import type { AppConfig } from "../../config/app-config.js";
import type { Sender } from "../../handoff/relay.js";
import type { Route } from "../../http/server.js";
import type { Logger } from "../../log/logger.js";
import type { Runtime } from "../../runtime/create-runtime.js";

export interface Part {
  name: string;
  /** HTTP routes it serves on the app's server ("POST /path"). */
  routes?: Record<string, Route>;
  /** How the relay reaches people on its channel, by channel id. */
  senders?: Record<string, Sender>;
  /** Starts taking messages (the HTTP server is already listening). */
  start(): Promise<void>;
  /** True when connected and serving, or what is wrong (for /readyz). */
  ready(): true | string;
  health(): Record<string, unknown>;
  /** Stops taking messages, finishes those in flight, closes its connections. */
  stop(): Promise<void>;
  /** Settles when the part ends by itself (the terminal's input closing). */
  ended?: Promise<void>;
}

export interface PartContext {
  app: AppConfig;
  runtime: Runtime;
  log: Logger;
}

/** A start-up failure with a message for the person running the app (no stack trace). */
export class StartError extends Error {}
