// HTTP: the app's own server. GET /healthz answers while the process is alive;
// GET /readyz says whether it can serve (Redis reachable, each enabled channel
// connected: 503 with the failing checks otherwise); GET /metrics is for
// Prometheus; GET /health reports the channels' state in detail. Other routes
// (webhooks) and mounts (the console) are added by the caller. Bodies are
// size-limited; unknown paths get 404.
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export class BodyTooLargeError extends Error {}

/** Reads a request body up to `maxBytes` (a webhook's raw bytes, as signed); more than that is refused. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) throw new BodyTooLargeError(`body over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLargeError(`body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HttpServerOptions {
  port: number;
  host?: string;
  routes: Record<string, Route>;
  health: () => Record<string, unknown>;
  /** Each check by name: true when it passes, or what is wrong. */
  ready?: () => Promise<Record<string, true | string>>;
  metrics?: { text(): Promise<string>; contentType: string; token?: string | undefined };
  /** Whole path prefixes served by another handler (the console's Fastify app at "/console"). */
  mounts?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function serveReady(options: HttpServerOptions, res: ServerResponse) {
  const checks = options.ready ? await options.ready().catch((e: Error) => ({ app: e.message })) : {};
  const ok = Object.values(checks).every((c) => c === true);
  json(res, ok ? 200 : 503, { status: ok ? "ready" : "not ready", checks });
}

async function serveMetrics(metrics: NonNullable<HttpServerOptions["metrics"]>, req: IncomingMessage, res: ServerResponse) {
  if (metrics.token && !bearerMatches(req, metrics.token)) {
    res.writeHead(401, { "www-authenticate": "Bearer" }).end();
    return;
  }
  res.writeHead(200, { "content-type": metrics.contentType }).end(await metrics.text());
}

export async function startHttpServer(options: HttpServerOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => handle(req, res));
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && (path === "/health" || path === "/healthz")) {
      json(res, 200, { status: "ok", ...options.health() });
      return;
    }
    if (req.method === "GET" && path === "/readyz") {
      serveReady(options, res).catch(() => res.headersSent || res.writeHead(500).end());
      return;
    }
    if (req.method === "GET" && path === "/metrics" && options.metrics) {
      serveMetrics(options.metrics, req, res).catch(() => res.headersSent || res.writeHead(500).end());
      return;
    }
    const mount = Object.entries(options.mounts ?? {}).find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
    if (mount) return mount[1](req, res);
    const route = options.routes[`${req.method} ${path}`];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(route(req, res)).catch((error) => {
      if (!res.headersSent) res.writeHead(error instanceof BodyTooLargeError ? 413 : 500).end();
    });
  };
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? "0.0.0.0", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
