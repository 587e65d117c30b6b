// whatsapp-web.js depends on puppeteer, whose install step downloads a browser.
// This machine (and CI) has no internet for that, and the app uses the system
// Chromium instead (PUPPETEER_EXECUTABLE_PATH, default /usr/bin/chromium).
/** @type {import("puppeteer").Configuration} */
module.exports = {
  skipDownload: true,
  chrome: { skipDownload: true },
  "chrome-headless-shell": { skipDownload: true },
  firefox: { skipDownload: true },
};
