// Telegram: a small keep-alive HTTP client for the Bot API. grammY only needs
// `fetch(url, init)` -> `{ json() }`; for its JSON calls this does that on
// node:http(s) with a pooled agent, which costs a fraction of the CPU of the
// general-purpose fetch (measured with npm run bench:telegram). Anything else
// (file uploads as form data) goes to the platform's fetch.
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

interface MinimalResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export function keepAliveFetch(apiRoot: string) {
  const secure = apiRoot.startsWith("https:");
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 256 }) : new HttpAgent({ keepAlive: true, maxSockets: 256 });
  const send = secure ? httpsRequest : httpRequest;
  return (url: string | URL, init: RequestInit = {}): Promise<MinimalResponse | Response> => {
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== "string") return globalThis.fetch(url, init);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      if (typeof body === "string") headers["content-length"] = String(Buffer.byteLength(body));
      // No abort signal: grammY races its own timeout against this promise.
      const req = send(url, { method: init.method ?? "GET", headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, status, json: async () => JSON.parse(text), text: async () => text });
        });
      });
      req.on("error", reject);
      req.end(body ?? undefined);
    });
  };
}
