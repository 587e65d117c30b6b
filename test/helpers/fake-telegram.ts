// A fake Telegram Bot API server over real HTTP, for end-to-end tests and the
// benchmark: grammY talks to it through TELEGRAM_API_ROOT exactly as it would
// to Telegram. It queues updates for getUpdates (long polling), records what
// the bot sends, serves files for getFile, and can fail on purpose (429, 500).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface SentMessage {
  chat_id: number;
  message_thread_id?: number;
  text: string;
  parse_mode?: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
  at: number;
}

type Failure = { status: 429; retryAfter: number } | { status: 500 };

export class FakeTelegram {
  readonly token = "123456:TEST_TOKEN_abcdefghijklmnopqrstuv";
  private server: Server | undefined;
  private updates: Record<string, unknown>[] = [];
  // Like Telegram's, update ids are unique per bot: random start so fake servers in one test run never collide.
  private nextUpdateId = 1_000 + Math.floor(Math.random() * 1_000_000_000);
  private waiting: (() => void)[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly failures = new Map<string, Failure[]>();
  readonly sent: SentMessage[] = [];
  readonly calls: { method: string; body: Record<string, unknown>; at: number; status: number }[] = [];
  readonly callbackAnswers: string[] = [];
  /** Forum topics the bot created. */
  readonly topics: { chat_id: number; name: string }[] = [];
  /** Messages sent, also when not recorded. */
  sentCount = 0;
  port = 0;
  private readonly record: boolean;

  /** `record: false` (the benchmark) keeps counts only, not every call and message. */
  constructor(options: { record?: boolean } = {}) {
    this.record = options.record ?? true;
  }

  get apiRoot() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.writeHead(500).end());
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    const address = this.server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const wake of this.waiting.splice(0)) wake();
    await new Promise<void>((r) => {
      this.server?.close(() => r());
      this.server?.closeAllConnections();
    });
  }

  /** The next `count` calls of `method` fail this way. */
  fail(method: string, failure: Failure, count = 1) {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array.from({ length: count }, () => failure)]);
  }

  addFile(fileId: string, data: Buffer) {
    this.files.set(fileId, data);
  }

  /** Queues an update; returns its update_id (pass one to deliver the same update twice). */
  push(update: Record<string, unknown>, updateId?: number): number {
    const id = updateId ?? this.nextUpdateId++;
    this.updates.push({ update_id: id, ...update });
    for (const wake of this.waiting.splice(0)) wake();
    return id;
  }

  private async body(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    if (!raw) return {};
    return (req.headers["content-type"] ?? "").includes("json") ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
  }

  private reply(res: ServerResponse, status: number, payload: unknown) {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? "";
    const file = url.match(/^\/file\/bot[^/]+\/files\/(.+)$/);
    if (file) {
      const data = this.files.get(decodeURIComponent(file[1] ?? ""));
      if (!data) return void res.writeHead(404).end();
      return void res.writeHead(200).end(data);
    }
    const m = url.match(/^\/bot([^/]+)\/(\w+)/);
    if (!m || m[1] !== this.token) return this.reply(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = m[2] as string;
    const body = await this.body(req);
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      this.calls.push({ method, body, at: Date.now(), status: failure.status });
      if (failure.status === 429) {
        return this.reply(res, 429, {
          ok: false,
          error_code: 429,
          description: "Too Many Requests: retry later",
          parameters: { retry_after: failure.retryAfter },
        });
      }
      return this.reply(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
    }
    if (this.record) this.calls.push({ method, body, at: Date.now(), status: 200 });
    const ok = (result: unknown) => this.reply(res, 200, { ok: true, result });
    switch (method) {
      case "getMe":
        return ok({
          id: 123456,
          is_bot: true,
          first_name: "Asistente",
          username: "asistente_test_bot",
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case "getUpdates": {
        const offset = Number(body.offset ?? 0);
        const timeout = Math.min(Number(body.timeout ?? 0), 2);
        this.updates = this.updates.filter((u) => (u.update_id as number) >= offset);
        if (this.updates.length === 0 && timeout > 0) {
          await new Promise<void>((r) => {
            const timer = setTimeout(r, timeout * 1000);
            this.waiting.push(() => {
              clearTimeout(timer);
              r();
            });
          });
        }
        const limit = Number(body.limit ?? 100);
        return ok(this.updates.filter((u) => (u.update_id as number) >= offset).slice(0, limit));
      }
      case "sendMessage": {
        this.sentCount++;
        if (this.record) {
          const message = { ...(body as unknown as SentMessage), at: Date.now() };
          if (typeof body.reply_markup === "string") message.reply_markup = JSON.parse(body.reply_markup);
          this.sent.push(message);
        }
        return ok({
          message_id: this.sentCount,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(body.chat_id), type: "private" },
          text: body.text,
        });
      }
      case "answerCallbackQuery":
        this.callbackAnswers.push(String(body.callback_query_id));
        return ok(true);
      case "getFile": {
        const id = String(body.file_id);
        const data = this.files.get(id);
        return ok({ file_id: id, file_unique_id: `u${id}`, file_size: data?.length, file_path: `files/${id}` });
      }
      case "createForumTopic": {
        this.topics.push({ chat_id: Number(body.chat_id), name: String(body.name) });
        return ok({ message_thread_id: 1000 + this.topics.length, name: body.name, icon_color: 7322096 });
      }
      case "setMyCommands":
      case "deleteWebhook":
      case "setWebhook":
        return ok(true);
      default:
        return this.reply(res, 404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
    }
  }
}

/** A person in a private chat with the bot. */
export class FakeUser {
  private nextMessageId = 1;

  constructor(
    private readonly tg: FakeTelegram,
    readonly chatId: number,
    private readonly languageCode = "es",
  ) {}

  private get from() {
    return { id: this.chatId, is_bot: false, first_name: "Test", language_code: this.languageCode };
  }

  private get chat() {
    return { id: this.chatId, type: "private", first_name: "Test" };
  }

  message(extra: Record<string, unknown>, updateId?: number): number {
    return this.tg.push(
      { message: { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: this.chat, from: this.from, ...extra } },
      updateId,
    );
  }

  text(text: string, updateId?: number) {
    const entities = text.startsWith("/") ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length ?? 0 }] : undefined;
    return this.message({ text, ...(entities ? { entities } : {}) }, updateId);
  }

  photo(fileId: string, size: number) {
    return this.message({
      photo: [
        { file_id: `${fileId}-small`, file_unique_id: "s", width: 90, height: 90, file_size: 10 },
        { file_id: fileId, file_unique_id: "b", width: 800, height: 800, file_size: size },
      ],
    });
  }

  /** Presses the button with this id on the latest keyboard the bot sent to this chat. */
  press(buttonId: string) {
    const data = this.keyboardData(buttonId) ?? `x|${buttonId}`;
    return this.pressData(data);
  }

  pressData(data: string) {
    return this.tg.push({
      callback_query: {
        id: `cq${Math.random().toString(36).slice(2)}`,
        from: this.from,
        chat_instance: "ci",
        data,
        message: { message_id: 1, date: 0, chat: this.chat, text: "" },
      },
    });
  }

  keyboardData(buttonId: string): string | undefined {
    const withKeyboard = this.replies().filter((m) => m.reply_markup);
    const last = withKeyboard[withKeyboard.length - 1];
    return last?.reply_markup?.inline_keyboard.flat().find((b) => b.callback_data.endsWith(`|${buttonId}`))?.callback_data;
  }

  replies(): SentMessage[] {
    return this.tg.sent.filter((m) => Number(m.chat_id) === this.chatId);
  }

  /** Waits until the bot has sent this chat more messages and then stays quiet for `quietMs`. */
  async settle(before: number, quietMs = 120, timeoutMs = 10_000): Promise<SentMessage[]> {
    const start = Date.now();
    let count = this.replies().length;
    let lastChange = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      const now = this.replies().length;
      if (now !== count) {
        count = now;
        lastChange = Date.now();
      }
      if (count > before && Date.now() - lastChange >= quietMs) return this.replies().slice(before);
      if (Date.now() - start > timeoutMs) throw new Error(`chat ${this.chatId}: no reply within ${timeoutMs} ms`);
    }
  }

  /** Sends text (or presses a button: {button: id}) and returns the bot's replies. */
  async say(input: string | { button: string }): Promise<string[]> {
    const before = this.replies().length;
    if (typeof input === "string") this.text(input);
    else this.press(input.button);
    return (await this.settle(before)).map((m) => m.text);
  }
}
