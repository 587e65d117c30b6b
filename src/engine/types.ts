// Engine: the pure conversation state machine. This file owns the shapes that
// cross the engine's boundary: session state, inputs and outputs.

export const LANGUAGES = ["es", "en", "ht"] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Lang = "es";

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** A value a flow can store in a variable: plain JSON. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Vars = Record<string, Value>;

/** A place in a flow: the node the engine is at (or will go to). */
export interface Position {
  flow: string;
  node: string;
}

/** A waiting point remembered for "back": where we were and how we got there. */
export interface Snapshot {
  at: Position;
  stack: Position[];
}

export const SESSION_VERSION = 1;

/**
 * Everything the engine remembers about one person in one chat. Plain JSON, so
 * any store can keep it; `v` lets old sessions be migrated or reset safely.
 */
export interface Session {
  v: typeof SESSION_VERSION;
  lang: Lang | null;
  /** The node waiting for the person's answer; null before the first turn and after the end. */
  at: Position | null;
  /** Return points of flows that called other flows, innermost last. */
  stack: Position[];
  vars: Vars;
  /** Invalid answers given in a row at the current node. */
  tries: number;
  /** Earlier waiting points, newest last, for the "back" command. */
  history: Snapshot[];
}

/** What a person did, already validated by the channel. */
/** A file the channel already put in the attachment store. */
export interface MediaRef {
  kind: "photo" | "document" | "voice";
  /** Attachment store id. */
  id: string;
  sha256: string;
  mime: string;
  size: number;
}

export type Input =
  | { type: "start" }
  | { type: "media"; media: MediaRef }
  /** A file the channel refused (too big, a type we do not take). */
  | { type: "file_rejected"; reason: "too_large" | "type"; maxMb: number }
  /** The result of an effect the engine asked for in this turn. */
  | { type: "effect"; name: string; ok: boolean; data: Vars }
  /** Something the channel could not read as text or a button (a sticker, broken JSON...). */
  | { type: "unsupported"; reason?: "edited" }
  | { type: "text"; text: string }
  | { type: "button"; id: string; ref?: string };

export interface Button {
  id: string;
  label: string;
}

/**
 * What the engine asks the host to do. Text messages are already rendered in the
 * person's language; `ref` names the step the buttons belong to so channels can
 * tell an old button from a current one. Events are for the host to perform
 * (file a case, hand off to a person...).
 */
export type Output =
  /** `safety`: the alert this message answers (see src/safety/), for channels and checks. */
  | { type: "text"; text: string; buttons: Button[]; ref?: string; safety?: string }
  | { type: "event"; name: string; data: Vars }
  /**
   * Something the host must do before the turn can go on (file a case, delete
   * data); it answers with an `effect` input in the same turn.
   */
  | { type: "effect"; name: string; data: Vars };

/** Renders an i18n key in a language. Pure: backed by loaded translation data. */
export type Translate = (lang: Lang, key: string, params?: Record<string, unknown>) => string;
