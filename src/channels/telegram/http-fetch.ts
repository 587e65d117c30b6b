// Telegram: a small keep-alive HTTP client for the Bot API. grammY only needs
// `fetch(url, init)` -> `{ json() }`; for its JSON calls this does that with
// undici's connection pool, which costs a fraction of the CPU of the
// general-purpose fetch or of node:http (measured with npm run bench:telegram).
// Anything else (file uploads as form data) goes to the platform's fetch.
import { Pool } from "undici";

interface MinimalResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/** Keep-alive connections to one Bot API server; `close()` on shutdown. */
export function keepAliveFetch(apiRoot: string) {
  const origin = new URL(apiRoot).origin;
  const pool = new Pool(origin, { connections: 128, keepAliveTimeout: 30_000 });
  const fetch = async (url: string | URL, init: RequestInit = {}): Promise<MinimalResponse | Response> => {
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== "string") return globalThis.fetch(url, init);
    const target = typeof url === "string" ? url : url.href;
    if (!target.startsWith(origin)) return globalThis.fetch(url, init);
    // No abort signal: grammY races its own timeout against this promise.
    const res = await pool.request({
      path: target.slice(origin.length),
      method: (init.method ?? "GET") as "GET",
      headers: init.headers as Record<string, string> | undefined,
      body: body ?? undefined,
    });
    const text = await res.body.text();
    const status = res.statusCode;
    return { ok: status >= 200 && status < 300, status, json: async () => JSON.parse(text), text: async () => text };
  };
  return Object.assign(fetch, { close: () => pool.close() });
}
