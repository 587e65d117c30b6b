// Configuration is parsed by a pure function; bad values are all reported at once.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_VARIABLES, parseAppConfig } from "../src/config/app-config.js";
import { ConfigError, parseConfig } from "../src/config/config.js";
import { ENGINE_KEYS } from "../src/engine/engine-keys.js";
import { createLogger } from "../src/log/logger.js";
import { makeKeyring, PROJECT_ROOT } from "../src/runtime/create-runtime.js";

describe("parseConfig", () => {
  it("uses the embedded defaults when nothing is set", () => {
    expect(parseConfig({})).toEqual({
      redisUrl: undefined,
      redisPrefix: "mab:",
      sessionTtlDays: 30,
      defaultLang: "es",
      logLevel: "info",
      dataKeys: undefined,
      dataKeyId: undefined,
      attachmentsDir: "data/attachments",
      attachmentMaxBytes: 10 * 1024 * 1024,
      caseRetentionDays: 365,
      handoff: { reopenDays: 7, longWaitMinutes: 30 },
      updateLeaseMs: 15_000,
    });
  });

  it("reads every setting", () => {
    const c = parseConfig({
      REDIS_URL: "redis://r:6379",
      REDIS_PREFIX: "x:",
      SESSION_TTL_DAYS: "7",
      DEFAULT_LANGUAGE: "ht",
      LOG_LEVEL: "warn",
      DATA_KEYS: "k1:AAAA,k2:BBBB",
      DATA_KEY_ID: "k2",
      ATTACHMENTS_DIR: "/var/evidence",
      ATTACHMENT_MAX_MB: "2",
      CASE_RETENTION_DAYS: "90",
      HANDOFF_REOPEN_DAYS: "3",
      HANDOFF_LONG_WAIT_MINUTES: "15",
      HANDOFF_HOURS: "lunes a viernes, 9 a 17 h",
      UPDATE_LEASE_SECONDS: "2.5",
    });
    expect(c).toEqual({
      redisUrl: "redis://r:6379",
      redisPrefix: "x:",
      sessionTtlDays: 7,
      defaultLang: "ht",
      logLevel: "warn",
      dataKeys: "k1:AAAA,k2:BBBB",
      dataKeyId: "k2",
      attachmentsDir: "/var/evidence",
      attachmentMaxBytes: 2 * 1024 * 1024,
      caseRetentionDays: 90,
      handoff: { reopenDays: 3, longWaitMinutes: 15, hours: "lunes a viernes, 9 a 17 h" },
      updateLeaseMs: 2500,
    });
  });

  it("reports all problems at once", () => {
    try {
      parseConfig({ REDIS_URL: "http://nope", SESSION_TTL_DAYS: "0", DEFAULT_LANGUAGE: "fr" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        "REDIS_URL: must start with redis:// or rediss://",
        "SESSION_TTL_DAYS: Too small: expected number to be >=1",
        'DEFAULT_LANGUAGE: Invalid option: expected one of "es"|"en"|"ht"',
      ]);
    }
  });
});

describe("keys for data at rest", () => {
  it("uses a temporary key on the embedded default, with a loud warning", () => {
    const lines: string[] = [];
    const keyring = makeKeyring(
      parseConfig({}),
      createLogger("info", (l) => lines.push(l)),
    );
    expect(keyring.currentId).toBe("temp");
    expect(lines.join("")).toContain("DATA_KEYS is not set: using a temporary encryption key");
  });

  it("refuses to keep data in Redis without DATA_KEYS", () => {
    expect(() => makeKeyring(parseConfig({ REDIS_URL: "redis://x:6379" }), createLogger("silent"))).toThrow(ConfigError);
  });
});

describe("engine keys", () => {
  it("lists every common: key the source code says, so flows:check can require them in every language", () => {
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else for (const m of readFileSync(path, "utf8").matchAll(/"(common:[a-z][a-z_.]*[a-z])"/g)) used.add(m[1] as string);
      }
    };
    walk(join(PROJECT_ROOT, "src"));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((k) => !ENGINE_KEYS.includes(k))).toEqual([]);
  });
});

describe("parseAppConfig: the whole configuration at once", () => {
  const TELEGRAM = { TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ" };

  it("reads the channels, the HTTP server and each enabled channel's settings", () => {
    const c = parseAppConfig({
      ...TELEGRAM,
      CHANNELS: "telegram, terminal",
      PORT: "9000",
      CONSOLE: "1",
      REDIS_URL: "redis://r:6379",
      DATA_KEYS: "k1:AAAA",
    });
    expect(c.channels).toEqual(["telegram", "terminal"]);
    expect(c.http).toEqual({ port: 9000, host: "0.0.0.0", enabled: true });
    expect(c.console).toEqual({ enabled: true, secureCookies: false });
    expect(c.telegram?.token).toBe(TELEGRAM.TELEGRAM_BOT_TOKEN);
    expect(c.whatsapp).toBeUndefined();
    expect(c.shutdownMs).toBe(25_000);
  });

  it("lets --channels replace CHANNELS, and runs a terminal alone without an HTTP server", () => {
    const c = parseAppConfig({ CHANNELS: "telegram" }, "terminal");
    expect(c.channels).toEqual(["terminal"]);
    expect(c.http.enabled).toBe(false);
    expect(parseAppConfig({ PORT: "0" }, "terminal").http.enabled).toBe(true);
  });

  it("lists every problem, of the core and of each enabled channel, in one message", () => {
    let error: unknown;
    try {
      parseAppConfig({
        CHANNELS: "telegram,whatsapp-cloud",
        PORT: "http",
        SESSION_TTL_DAYS: "-1",
        CONSOLE: "1",
        WHATSAPP_CLOUD_PHONE_NUMBER_ID: "abc",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const expected of [
      "PORT must be a port number",
      "SESSION_TTL_DAYS",
      "TELEGRAM_BOT_TOKEN is required",
      "WHATSAPP_CLOUD_TOKEN is required",
      "WHATSAPP_CLOUD_PHONE_NUMBER_ID must be digits",
      "CONSOLE=1 needs REDIS_URL",
    ])
      expect(message).toContain(expected);
  });

  it("refuses unknown channels, both ways to connect WhatsApp at once, and nothing to serve", () => {
    expect(() => parseAppConfig({ CHANNELS: "sms" })).toThrow(
      /each of CHANNELS must be one of terminal, telegram, whatsapp, whatsapp-cloud/,
    );
    expect(() => parseAppConfig({ CHANNELS: "whatsapp,whatsapp-cloud", WHATSAPP_CLOUD_TOKEN: "x".repeat(20) })).toThrow(
      /choose one way to connect WhatsApp/,
    );
    expect(() => parseAppConfig({})).toThrow(/name at least one of/);
  });
});

describe(".env.example, the compose file and the code agree", () => {
  const example = readFileSync(join(PROJECT_ROOT, ".env.example"), "utf8");
  const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));

  it("documents every variable the app reads, with a comment, and nothing it does not read", () => {
    for (const name of ENV_VARIABLES) expect(documented, name).toContain(name);
    for (const name of documented) expect(ENV_VARIABLES, `${name} is in .env.example but nothing reads it`).toContain(name);
    // Each variable has its explanation on the comment line(s) just above it.
    const lines = example.split("\n");
    for (const name of ENV_VARIABLES) {
      const at = lines.findIndex((l) => new RegExp(`^#?\\s*${name}=`).test(l));
      const above = lines
        .slice(0, at)
        .reverse()
        .find((l) => !/^#?\s*[A-Z][A-Z0-9_]+=/.test(l));
      expect(above?.startsWith("# "), `${name} has no explanation above it`).toBe(true);
    }
  });

  it("reads variables only through the configuration (no stray process.env in src)", () => {
    const stray: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith(".ts"))
          for (const m of readFileSync(path, "utf8").matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g))
            if (!ENV_VARIABLES.includes(m[1] as string) && !path.includes("/cli/")) stray.push(`${path}: ${m[1]}`);
      }
    };
    walk(join(PROJECT_ROOT, "src"));
    expect(stray).toEqual([]);
  });

  it("sets in the compose file only variables the app reads", () => {
    const compose = readFileSync(join(PROJECT_ROOT, "compose.yaml"), "utf8");
    const set = [...compose.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] as string);
    expect(set).toContain("REDIS_URL");
    for (const name of set) expect(ENV_VARIABLES, `compose.yaml sets ${name}`).toContain(name);
  });
});
