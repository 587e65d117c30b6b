// WhatsApp (whatsapp-web.js): the operators' login page, GET /whatsapp/login
// on the app's HTTP server, behind HTTP Basic authentication with
// WHATSAPP_LOGIN_PASSWORD (any user name). It shows the connection state and,
// while the phone is not linked yet, the QR code to scan (as inline SVG) or
// the pairing code to type; it refreshes itself as the QR code changes.
// Without a password configured the page does not exist. Wrong passwords are
// limited per address; nothing on the page is cached or framed.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import QRCode from "qrcode";
import type { WwebState } from "./wweb-channel.js";

export const LOGIN_PATH = "/whatsapp/login";

const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 60_000;

const STATE_TEXT: Record<WwebState, string> = {
  stopped: "Stopped (this process does not hold the WhatsApp session; another replica may).",
  starting: "Starting the browser…",
  qr: "Not linked: scan this code with WhatsApp on the phone (Settings → Linked devices → Link a device).",
  pairing: "Not linked: on the phone, choose Link with phone number instead and type this code.",
  authenticated: "Linked; loading chats…",
  ready: "Connected. Nothing to do.",
  disconnected: "Disconnected; reconnecting…",
  auth_failure: "The saved session was refused; restarting to show a new code…",
};

function digest(text: string) {
  return createHash("sha256").update(text).digest();
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function loginPage(password: string, view: () => { state: WwebState; qr?: string; code?: string }, now: () => number = Date.now) {
  const expected = digest(password);
  const failures = new Map<string, { count: number; since: number }>();
  return async (req: IncomingMessage, res: ServerResponse) => {
    const who = req.socket.remoteAddress ?? "?";
    const record = failures.get(who);
    if (record && now() - record.since > FAILURE_WINDOW_MS) failures.delete(who);
    if ((failures.get(who)?.count ?? 0) >= MAX_FAILURES) {
      res.writeHead(429, { "retry-after": "60" }).end("Too many attempts; wait a minute.\n");
      return;
    }
    const header = req.headers.authorization ?? "";
    const given = header.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString("utf8") : undefined;
    const pass = given?.includes(":") ? given.slice(given.indexOf(":") + 1) : undefined;
    if (pass === undefined || !timingSafeEqual(digest(pass), expected)) {
      if (pass !== undefined) {
        const r = failures.get(who) ?? { count: 0, since: now() };
        failures.set(who, { ...r, count: r.count + 1 });
      }
      res.writeHead(401, { "www-authenticate": 'Basic realm="WhatsApp login", charset="UTF-8"' }).end("Password required.\n");
      return;
    }
    failures.delete(who);
    const { state, qr, code } = view();
    const image = state === "qr" && qr ? await QRCode.toString(qr, { type: "svg", margin: 2, width: 320 }) : "";
    const pairing = state === "pairing" && code ? `<p class="code">${escapeHtml(code)}</p>` : "";
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5"><title>WhatsApp login</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}.code{font-size:2rem;letter-spacing:.2em;font-weight:bold}svg{max-width:100%;height:auto}</style>
</head><body><h1>WhatsApp</h1><p>${escapeHtml(STATE_TEXT[state])}</p>${image}${pairing}</body></html>`;
    res
      .writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      })
      .end(html);
  };
}
