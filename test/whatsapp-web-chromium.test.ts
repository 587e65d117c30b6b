// Smoke test: the real whatsapp-web.js Client, built with the configuration
// `npm run start:whatsapp` uses, and the system Chromium started with the same
// path and container-safe flags (the browser the client would drive). WhatsApp
// Web itself cannot be reached from here. Skipped, saying why, when Chromium
// is absent; `.ci/run` installs it.
import { existsSync } from "node:fs";
import puppeteer from "puppeteer";
import { describe, expect, it } from "vitest";
import wweb from "whatsapp-web.js";
import { parseWwebConfig } from "../src/channels/whatsapp/whatsapp-config.js";
import { CHROMIUM_ARGS, createWwebClient } from "../src/channels/whatsapp/wweb-client.js";

const config = parseWwebConfig({ WHATSAPP_SESSION_DIR: "data/test-whatsapp-session" });
const present = existsSync(config.chromiumPath);
if (!present) console.warn(`Skipping the Chromium smoke test: no browser at ${config.chromiumPath} (apt-get install chromium)`);

describe.skipIf(!present)("whatsapp-web.js with the system Chromium", () => {
  it("builds the real client with LocalAuth and the Chromium settings", () => {
    const client = createWwebClient(config);
    expect(client).toBeInstanceOf(wweb.Client);
    const options = (client as unknown as { options: { puppeteer: { executablePath: string; args: string[] }; authStrategy: unknown } })
      .options;
    expect(options.puppeteer.executablePath).toBe("/usr/bin/chromium");
    expect(options.puppeteer.args).toEqual(expect.arrayContaining(["--no-sandbox", "--disable-dev-shm-usage"]));
    expect(options.authStrategy).toBeInstanceOf(wweb.LocalAuth);
  });

  it("starts that Chromium headless with those flags and opens a page", async () => {
    const browser = await puppeteer.launch({ executablePath: config.chromiumPath, headless: true, args: CHROMIUM_ARGS });
    try {
      expect(await browser.version()).toMatch(/Chrom/);
      const page = await browser.newPage();
      await page.setContent("<p id=x>hola</p>");
      expect(await page.$eval("#x", (e) => e.textContent)).toBe("hola");
    } finally {
      await browser.close();
    }
  }, 60_000);
});
