// A fake of Meta's Graph API (the WhatsApp Cloud API part) over real HTTP,
// for end-to-end tests: the adapter talks to it through
// WHATSAPP_CLOUD_API_BASE exactly as it would to graph.facebook.com. It
// records the messages sent (checking the bearer token: 401 otherwise),
// serves media metadata and bytes, and can fail on purpose (429, 500, or a
// Graph error code such as 131047). FakePerson plays someone on WhatsApp:
// it posts signed webhooks to the bot, as Meta does, and reads the replies.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface SentMessage {
  to: string;
  type: "text" | "interactive";
  text?: { body: string; preview_url?: boolean };
  interactive?: {
    type: "button" | "list";
    body: { text: string };
    action: {
      buttons?: { type: "reply"; reply: { id: string; title: string } }[];
      button?: string;
      sections?: { title?: string; rows: { id: string; title: string }[] }[];
    };
  };
  body: Record<string, unknown>;
  at: number;
}

export type GraphFailure = { status: 429; retryAfter?: number } | { status: 500 } | { status: 400; code: number };

export interface GraphCall {
  method: string;
  path: string;
  status: number;
  at: number;
}

export class FakeGraph {
  readonly token = "EAAG-test-token-0123456789abcdef";
  readonly phoneNumberId = "109876543210";
  readonly appSecret = "test-app-secret-0123456789";
  readonly verifyToken = "test-verify-token-0123456789";
  private server: Server | undefined;
  private readonly media = new Map<string, { data: Buffer; mime: string; declaredSize?: number }>();
  private readonly failures: GraphFailure[] = [];
  readonly sent: SentMessage[] = [];
  readonly calls: GraphCall[] = [];
  port = 0;

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  get apiBase() {
    return `${this.origin}/v23.0`;
  }

  /** The environment the adapter's configuration is parsed from. */
  env(webhookPort = 0): Record<string, string> {
    return {
      WHATSAPP_CLOUD_TOKEN: this.token,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: this.phoneNumberId,
      WHATSAPP_CLOUD_APP_SECRET: this.appSecret,
      WHATSAPP_CLOUD_VERIFY_TOKEN: this.verifyToken,
      WHATSAPP_CLOUD_API_BASE: this.apiBase,
      PORT: String(webhookPort),
    };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.writeHead(500).end());
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    const address = this.server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => {
      this.server?.close(() => r());
      this.server?.closeAllConnections();
    });
  }

  /** The next `count` message sends fail this way. */
  fail(failure: GraphFailure, count = 1) {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  /** A media file a person sent; `declaredSize` is what the metadata claims (the real size by default). */
  addMedia(id: string, data: Buffer, mime: string, declaredSize?: number) {
    this.media.set(id, { data, mime, ...(declaredSize === undefined ? {} : { declaredSize }) });
  }

  private reply(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(payload));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const record = (status: number) => this.calls.push({ method: req.method ?? "", path, status, at: Date.now() });
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      record(401);
      return this.reply(res, 401, { error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 } });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();

    const bytes = path.match(/^\/media-bytes\/([\w.-]+)$/);
    if (req.method === "GET" && bytes) {
      const file = this.media.get(bytes[1] ?? "");
      record(file ? 200 : 404);
      if (!file) return void res.writeHead(404).end();
      return void res.writeHead(200, { "content-type": file.mime }).end(file.data);
    }
    if (req.method === "POST" && path === `/v23.0/${this.phoneNumberId}/messages`) {
      const failure = this.failures.shift();
      if (failure) {
        record(failure.status);
        if (failure.status === 429)
          return this.reply(
            res,
            429,
            { error: { message: "Too many requests", code: 130429 } },
            failure.retryAfter === undefined ? {} : { "retry-after": String(failure.retryAfter) },
          );
        if (failure.status === 400)
          return this.reply(res, 400, { error: { message: "Re-engagement message", code: failure.code, fbtrace_id: "Atrace" } });
        return this.reply(res, 500, { error: { message: "An unexpected error has occurred.", code: 2 } });
      }
      record(200);
      const body = JSON.parse(raw) as Record<string, unknown>;
      if (body.messaging_product !== "whatsapp" || typeof body.to !== "string")
        return this.reply(res, 400, { error: { message: "bad request", code: 100 } });
      const id = `wamid.out${this.sent.length + 1}`;
      this.sent.push({ ...(body as unknown as SentMessage), body, at: Date.now() });
      return this.reply(res, 200, {
        messaging_product: "whatsapp",
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id }],
      });
    }
    const mediaInfo = path.match(/^\/v23\.0\/([\w.-]+)$/);
    if (req.method === "GET" && mediaInfo) {
      const id = mediaInfo[1] ?? "";
      const file = this.media.get(id);
      record(file ? 200 : 404);
      if (!file) return this.reply(res, 404, { error: { message: "Unsupported get request.", code: 100 } });
      return this.reply(res, 200, {
        messaging_product: "whatsapp",
        url: `${this.origin}/media-bytes/${id}`,
        mime_type: file.mime,
        sha256: "x",
        file_size: file.declaredSize ?? file.data.length,
        id,
      });
    }
    record(404);
    return this.reply(res, 404, { error: { message: "Unknown path", code: 100 } });
  }
}

/** Signs a webhook body the way Meta does. */
export function sign(body: string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
}

/** Posts a webhook body to the bot, signed (or with the signature given). */
export async function postWebhook(url: string, body: string, signature: string | undefined): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature === undefined ? {} : { "x-hub-signature-256": signature }) },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

let nextMessage = 1;

/** A message as Meta puts it in a webhook; `extra` is the type's own part (`text`, `image`, ...). */
export function inbound(from: string, type: string, extra: Record<string, unknown>, id = `wamid.in${nextMessage++}`) {
  return { from, id, timestamp: String(Math.floor(Date.now() / 1000)), type, ...extra };
}

/** Meta's webhook envelope around some messages (and statuses) for one phone number id. */
export function envelope(phoneNumberId: string, value: { messages?: unknown[]; statuses?: unknown[] }): string {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "WABA_ID",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550000000", phone_number_id: phoneNumberId },
              contacts: value.messages?.length ? [{ profile: { name: "Test" }, wa_id: "x" }] : undefined,
              ...value,
            },
          },
        ],
      },
    ],
  });
}

/** A person on WhatsApp writing to the bot. */
export class FakePerson {
  constructor(
    private readonly graph: FakeGraph,
    /** The bot's webhook URL. */
    private readonly webhookUrl: string,
    readonly waId: string,
  ) {}

  /** Delivers one message as Meta would (signed); returns the HTTP status the bot answered. */
  async deliver(message: Record<string, unknown>): Promise<number> {
    const body = envelope(this.graph.phoneNumberId, { messages: [message] });
    return postWebhook(this.webhookUrl, body, sign(body, this.graph.appSecret));
  }

  /** Delivers a message and returns the replies it got (the webhook answers once they are sent). */
  async deliverAndRead(message: Record<string, unknown>): Promise<SentMessage[]> {
    const before = this.replies().length;
    const status = await this.deliver(message);
    if (status !== 200) throw new Error(`${this.waId}: webhook answered ${status}`);
    return this.replies().slice(before);
  }

  message(type: string, extra: Record<string, unknown>, id?: string) {
    return inbound(this.waId, type, extra, id);
  }

  replies(): SentMessage[] {
    return this.graph.sent.filter((m) => m.to === this.waId);
  }

  /** The latest interactive message's reply for this option id, as a webhook message. */
  private tap(optionId: string): Record<string, unknown> {
    const interactive = this.replies()
      .filter((m) => m.type === "interactive")
      .at(-1)?.interactive;
    if (!interactive) throw new Error(`${this.waId}: no buttons or list to tap "${optionId}" on`);
    const ends = (id: string) => id.endsWith(`|${optionId}`);
    if (interactive.type === "button") {
      const reply = interactive.action.buttons?.map((b) => b.reply).find((r) => ends(r.id));
      if (!reply) throw new Error(`${this.waId}: no button "${optionId}" on the latest buttons`);
      return this.message("interactive", { interactive: { type: "button_reply", button_reply: reply } });
    }
    const row = interactive.action.sections?.flatMap((s) => s.rows).find((r) => ends(r.id));
    if (!row) throw new Error(`${this.waId}: no row "${optionId}" on the latest list`);
    return this.message("interactive", { interactive: { type: "list_reply", list_reply: { ...row, description: "" } } });
  }

  /** Types text, or taps {button: id} on the latest buttons or list; returns the replies (the webhook answers once they are sent). */
  async say(input: string | { button: string }): Promise<SentMessage[]> {
    return this.deliverAndRead(typeof input === "string" ? this.message("text", { text: { body: input } }) : this.tap(input.button));
  }
}

/** What a person reads in a sent message: the text or the interactive body. */
export function textOf(m: SentMessage | undefined): string {
  return m?.text?.body ?? m?.interactive?.body.text ?? "";
}
