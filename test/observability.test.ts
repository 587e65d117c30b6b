// Observability: JSON logs with pino, correlation ids and redaction; the
// Prometheus metrics a real conversation produces; /healthz, /readyz and
// /metrics on the app's HTTP server.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/config.js";
import { startHttpServer } from "../src/http/server.js";
import { createLogger, personRef, scrub } from "../src/log/logger.js";
import { Metrics } from "../src/observability/metrics.js";
import { createRuntime } from "../src/runtime/create-runtime.js";
import { WAGE_THEFT_ES } from "./helpers/scripts.js";

const lines = () => {
  const out: string[] = [];
  return { out, write: (l: string) => void out.push(l), parsed: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
};

describe("logs", () => {
  it("are one JSON object per line, with level, time, event and the fields given", () => {
    const sink = lines();
    const log = createLogger("info", sink.write);
    log.debug("hidden");
    log.info("case.filed", { person: "abc123def456", urgent: false });
    expect(sink.parsed()).toEqual([
      { level: "info", time: expect.any(String), event: "case.filed", person: "abc123def456", urgent: false },
    ]);
  });

  it("never write personal data: named fields are redacted, phone numbers and e-mails scrubbed anywhere", () => {
    const sink = lines();
    const log = createLogger("debug", sink.write);
    log.error("turn.failed", {
      text: "me llamo Rosa Pérez, mi número es +52 33 9876 5432",
      phone: "+523398765432",
      name: "Rosa",
      error: "WRONGTYPE for session:whatsapp:5213398765432@c.us (rosa.perez@example.org)",
      update: 123456789,
      at: "2026-11-22T01:02:03.000Z",
    });
    const out = sink.out.join("");
    for (const secret of ["Rosa", "9876", "5432", "rosa.perez", "example.org"]) expect(out).not.toContain(secret);
    expect(sink.parsed()[0]).toMatchObject({
      text: "[redacted]",
      phone: "[redacted]",
      name: "[redacted]",
      update: 123456789,
      at: "2026-11-22T01:02:03.000Z",
    });
    expect(scrub("llámame al 55 1234 5678 o al 5512345678")).toBe("llámame al [number] o al [number]");
  });

  it("of a whole complaint at debug level hold none of what the person wrote, and carry the chat's correlation id", async () => {
    const sink = lines();
    const runtime = await createRuntime({ config: parseConfig({}), log: createLogger("debug", sink.write) });
    const markers = { employer: "Empacadora Marcador Nueve", phone: "+52 33 1122 3344", story: "Frase secreta: no me pagaron." };
    const answers = [...WAGE_THEFT_ES];
    answers[5] = markers.employer;
    answers[19] = markers.story;
    try {
      for (const text of ["hola", ...answers, "1"])
        await runtime.conversation.handle("terminal", markers.phone, { type: "text", text }, "es");
      const out = sink.out.join("");
      for (const secret of [markers.employer, "Marcador", markers.story, "secreta", "1122", "3344"]) expect(out).not.toContain(secret);
      // The chat's correlation id (a one-way reference, not the number) on every line of its turns.
      const turns = sink.parsed().filter((l) => l.event === "turn");
      expect(turns.length).toBeGreaterThan(20);
      for (const t of turns) expect(t.person).toBe(personRef("terminal", markers.phone));
    } finally {
      await runtime.close();
    }
  });
});

describe("metrics", () => {
  it("count messages, turn latency, searches, complaints by type and waiting handoffs from a real conversation", async () => {
    const metrics = new Metrics();
    const runtime = await createRuntime({ config: parseConfig({}), log: createLogger("silent"), metrics });
    const say = (user: string, text: string) => runtime.conversation.handle("terminal", user, { type: "text", text }, "es");
    try {
      for (const text of ["hola", ...WAGE_THEFT_ES, "1"]) await say("ana", text);
      await say("beto", "hola");
      await say("beto", "1");
      await say("beto", "¿cuánto me deben pagar por hora con visa H-2A?");
      await say("beto", "xqzv wplk");
      await say("carla", "hola");
      await say("carla", "persona");
      const text = await metrics.text();
      const value = (series: string) => Number(text.match(new RegExp(`^${series.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m"))?.[1]);
      const turns = 1 + WAGE_THEFT_ES.length + 1 + 4 + 2;
      expect(value('bot_messages_in_total{channel="terminal"}')).toBe(turns);
      expect(value('bot_messages_out_total{channel="terminal"}')).toBeGreaterThanOrEqual(turns);
      expect(value('bot_turn_duration_seconds_count{channel="terminal"}')).toBe(turns);
      expect(value('bot_complaints_filed_total{type="unpaid_wages"}')).toBe(1);
      expect(value('bot_knowledge_searches_total{answered="yes"}')).toBeGreaterThanOrEqual(1);
      expect(value('bot_knowledge_searches_total{answered="no"}')).toBeGreaterThanOrEqual(1);
      expect(value("bot_handoffs_waiting")).toBe(1);
      expect(value("bot_handoff_oldest_wait_seconds")).toBeGreaterThanOrEqual(0);
      expect(text).not.toContain("ana");
    } finally {
      await runtime.close();
    }
  });
});

describe("the app's HTTP server", () => {
  it("answers /healthz, /readyz (503 naming what is not ready) and /metrics behind its token", async () => {
    let redis: true | string = true;
    const metrics = new Metrics();
    metrics.messagesIn.inc({ channel: "telegram" });
    const http = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      routes: {},
      health: () => ({ channels: ["telegram"] }),
      ready: async () => ({ redis, telegram: true }),
      metrics: { text: () => metrics.text(), contentType: metrics.contentType, token: "metrics-token-0123456789" },
    });
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${http.port}${path}`, { headers });
    try {
      expect(await (await get("/healthz")).json()).toEqual({ status: "ok", channels: ["telegram"] });
      expect((await get("/readyz")).status).toBe(200);
      redis = "not connected";
      const notReady = await get("/readyz");
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: "not ready", checks: { redis: "not connected", telegram: true } });
      expect((await get("/metrics")).status).toBe(401);
      expect((await get("/metrics", { authorization: "Bearer wrong-token-000000000" })).status).toBe(401);
      const scraped = await get("/metrics", { authorization: "Bearer metrics-token-0123456789" });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('bot_messages_in_total{channel="telegram"} 1');
    } finally {
      await http.close();
    }
  });
});
