// HTTP: the app's own server. GET /health reports the process and channel
// state; other routes (the Telegram webhook) are added by the caller. Bodies
// are size-limited; unknown paths get 404.
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
  /** Whole path prefixes served by another handler (the console's Fastify app at "/console"). */
  mounts?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && path === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", ...options.health() }));
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
  });
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
