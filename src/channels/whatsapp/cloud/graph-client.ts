// WhatsApp Cloud API: the few Graph API calls the adapter makes (send a
// message, look up a media file, download it), with the bearer token. Answers
// are read through zod. 429s, 5xx and Meta's rate-limit codes are retried a
// few times with capped, doubling waits, honouring Retry-After (a wait longer
// than the cap is not retried: it would only fail again). A message POST is
// not retried after a network error, since it may have been sent; a GET is.
// Errors carry the operation, HTTP status and Meta's error code, never the
// message, the recipient or the token.
import { z } from "zod";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, firstDelayMs: 500, maxDelayMs: 10_000 };

/** Meta's "too many messages" codes (app, account throughput, to one person): worth a retry after a wait. */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131056]);
/** The person's 24-hour window is closed: only a template may be sent. */
export const REENGAGEMENT_CODE = 131047;

const TIMEOUT_MS = 20_000;

export class GraphError extends Error {
  constructor(
    readonly operation: "send" | "media" | "download",
    /** The HTTP status; 0 when no answer came (network error, timeout). */
    readonly status: number,
    /** Meta's error code (e.g. 131047), when the answer had one. */
    readonly code?: number,
    readonly subcode?: number,
    /** Meta's trace id, for their support. */
    readonly traceId?: string,
  ) {
    super(
      `Graph API ${operation}: ${status === 0 ? "no answer" : `HTTP ${status}`}${code !== undefined ? ` code ${code}` : ""}${subcode ? `/${subcode}` : ""}`,
    );
  }
}

const errorBody = z.object({
  error: z.object({ code: z.number().int(), error_subcode: z.number().int().optional(), fbtrace_id: z.string().max(200).optional() }),
});
const sentBody = z.object({ messages: z.array(z.object({ id: z.string().min(1).max(512) })).min(1) });
const mediaBody = z.object({
  url: z
    .string()
    .url()
    .refine((u) => /^https?:/.test(u)),
  mime_type: z.string().max(200).optional(),
  /** A number in Meta's answers; a string in some of their examples. */
  file_size: z.union([z.number().nonnegative(), z.string().regex(/^\d{1,15}$/)]).optional(),
});

/** A Graph API message body without the envelope (messaging_product, recipient_type, to). */
export type GraphMessage =
  | { type: "text"; text: { body: string; preview_url: false } }
  | { type: "interactive"; interactive: Record<string, unknown> };

export interface MediaInfo {
  url: string;
  mimeType: string | undefined;
  fileSize: number | undefined;
}

export interface GraphClientOptions {
  apiBase: string;
  token: string;
  phoneNumberId: string;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retry-After in seconds or as an HTTP date, in ms. */
function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class GraphClient {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: GraphClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? defaultSleep;
  }

  private get auth() {
    return { authorization: `Bearer ${this.options.token}` };
  }

  /** Sends one message to `to` (a wa_id); returns Meta's message id. */
  async sendMessage(to: string, message: GraphMessage): Promise<string> {
    const body = JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", to, ...message });
    const url = `${this.options.apiBase}/${this.options.phoneNumberId}/messages`;
    const res = await this.call("send", url, { method: "POST", headers: { ...this.auth, "content-type": "application/json" }, body });
    const parsed = sentBody.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new GraphError("send", res.status);
    return (parsed.data.messages[0] as { id: string }).id;
  }

  /** Where to download a media file a person sent, and what Meta says about it. */
  async mediaInfo(id: string): Promise<MediaInfo> {
    const res = await this.call("media", `${this.options.apiBase}/${encodeURIComponent(id)}`, { headers: this.auth });
    const parsed = mediaBody.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new GraphError("media", res.status);
    const size = parsed.data.file_size;
    return { url: parsed.data.url, mimeType: parsed.data.mime_type, fileSize: size === undefined ? undefined : Number(size) };
  }

  /** The file's bytes, or undefined as soon as it turns out bigger than `maxBytes` (whatever its declared size). */
  async download(url: string, maxBytes: number): Promise<Buffer | undefined> {
    const res = await this.call("download", url, { headers: this.auth });
    const chunks: Buffer[] = [];
    let size = 0;
    if (!res.body) return Buffer.alloc(0);
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > maxBytes) return undefined; // leaving the loop cancels the download
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }

  /** One request with the retry policy; resolves with a 2xx response, throws GraphError otherwise. */
  private async call(operation: GraphError["operation"], url: string, init: RequestInit): Promise<Response> {
    const { attempts, firstDelayMs, maxDelayMs } = this.retry;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      const backoff = Math.min(firstDelayMs * 2 ** (attempt - 1), maxDelayMs);
      let res: Response;
      try {
        res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch {
        // A POST that failed on the way may have been sent: sending it again could repeat a message.
        if (last || init.method === "POST") throw new GraphError(operation, 0);
        await this.sleep(backoff);
        continue;
      }
      if (res.ok) return res;
      const error = errorBody.safeParse(await res.json().catch(() => undefined));
      const e = error.success ? error.data.error : undefined;
      const failure = new GraphError(operation, res.status, e?.code, e?.error_subcode, e?.fbtrace_id);
      const retryable = res.status === 429 || res.status >= 500 || (e !== undefined && RATE_LIMIT_CODES.has(e.code));
      if (!retryable || last) throw failure;
      const asked = retryAfterMs(res.headers.get("retry-after"));
      if (asked !== undefined && asked > maxDelayMs) throw failure;
      await this.sleep(asked ?? backoff);
    }
  }
}
