// Test helpers: flow sets and runtimes built from the project's flows plus the
// demo flows in test/fixtures, with a fixed clock and an in-memory store.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectoryAttachmentStore } from "../../src/cases/attachment-store.js";
import { CaseService } from "../../src/cases/case-service.js";
import { type CaseStore, MemoryCaseStore } from "../../src/cases/case-store.js";
import { parseConfig } from "../../src/config/config.js";
import type { StepEnv } from "../../src/engine/node-kind.js";
import { loadFlows } from "../../src/flows/load.js";
import { withUrgentHandoff } from "../../src/handoff/handoff.js";
import { MemoryTicketStore } from "../../src/handoff/ticket-store.js";
import { createLogger } from "../../src/log/logger.js";
import { Keyring } from "../../src/privacy/keyring.js";
import { Conversation } from "../../src/runtime/conversation.js";
import { buildEnv, createHandoff, loadKnowledgeService, PROJECT_ROOT } from "../../src/runtime/create-runtime.js";
import { caseEffects } from "../../src/runtime/effects.js";
import { MemorySessionStore } from "../../src/sessions/memory-session-store.js";
import type { SessionStore } from "../../src/sessions/session-store.js";

export const FIXED_NOW = new Date("2026-11-21T12:00:00Z");
export const FIXTURES = join(PROJECT_ROOT, "test", "fixtures");
export const silentLog = createLogger("silent");

/** A temporary copy of flows/ and locales/, plus the demo fixtures, plus `extraFlows` (name -> YAML). */
export function flowWorkspace(options: { withDemo?: boolean; extraFlows?: Record<string, string> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "flows-"));
  const flows = join(dir, "flows");
  const locales = join(dir, "locales");
  cpSync(join(PROJECT_ROOT, "flows"), flows, { recursive: true });
  cpSync(join(PROJECT_ROOT, "locales"), locales, { recursive: true });
  if (options.withDemo ?? true) {
    cpSync(join(FIXTURES, "flows"), flows, { recursive: true });
    for (const lang of readdirSync(join(FIXTURES, "locales")))
      cpSync(join(FIXTURES, "locales", lang), join(locales, lang), { recursive: true });
  }
  for (const [name, yaml] of Object.entries(options.extraFlows ?? {})) {
    writeFileSync(join(flows, name), yaml);
  }
  return { dir, flows, locales, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const knowledge = loadKnowledgeService();

/** Predictable ids: draft-0001, draft-0002... */
export function counterIds(prefix = "draft"): () => string {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(4, "0")}`;
}

export function demoEnv(now: () => Date = () => FIXED_NOW, newId: () => string = counterIds()): StepEnv {
  const ws = flowWorkspace();
  try {
    const { loaded, problems } = loadFlows(ws.flows, ws.locales);
    if (!loaded) throw new Error(problems.map((p) => `${p.file} ${p.node ?? ""} ${p.field ?? ""}: ${p.message}`).join("\n"));
    return buildEnv(loaded, parseConfig({}), now, knowledge, newId);
  } finally {
    ws.cleanup();
  }
}

/** Everything a conversation needs, in memory, with a fixed clock and ids, and a throwaway attachment folder. */
export function demoRuntime(options: { store?: SessionStore; env?: StepEnv; caseStore?: CaseStore } = {}) {
  const keyring = Keyring.temporary();
  const attachmentsDir = mkdtempSync(join(tmpdir(), "attachments-"));
  const attachments = new DirectoryAttachmentStore(attachmentsDir, keyring);
  const caseStore = options.caseStore ?? new MemoryCaseStore();
  let refs = 0;
  const cases = new CaseService(
    caseStore,
    keyring,
    attachments,
    () => FIXED_NOW,
    () => `TEST-${String(++refs).padStart(4, "0")}`,
  );
  const store = options.store ?? new MemorySessionStore();
  const env = options.env ?? demoEnv();
  const tickets = new MemoryTicketStore(counterIds("ticket"));
  const handoff = createHandoff(tickets, parseConfig({}), env.commands, silentLog, () => FIXED_NOW);
  const conversation = new Conversation({
    env,
    store,
    ttlMs: 60_000,
    log: silentLog,
    events: [handoff.events()],
    effects: { ...withUrgentHandoff(caseEffects(cases), handoff), ...handoff.effects() },
    gate: (channel, user) => handoff.gate(channel, user),
  });
  return {
    conversation,
    cases,
    caseStore,
    attachments,
    keyring,
    store,
    tickets,
    handoff,
    cleanup: () => rmSync(attachmentsDir, { recursive: true, force: true }),
  };
}

export function demoConversation(store: SessionStore = new MemorySessionStore(), env = demoEnv()) {
  return demoRuntime({ store, env }).conversation;
}
