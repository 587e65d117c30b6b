// Configuration is parsed by a pure function; bad values are all reported at once.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
