// A fake whatsapp-web.js client with the library's own event and method names
// (`qr`, `code`, `authenticated`, `ready`, `auth_failure`, `disconnected`,
// `change_state`, `message`, `message_edit`; `initialize`, `destroy`,
// `sendMessage`; messages with `from`, `fromMe`, `type`, `body`, `hasMedia`,
// `downloadMedia`), so the adapter is tested as it talks to the real one.
import { EventEmitter } from "node:events";
import type { WhatsAppWebChannel, WwebClient } from "../../src/channels/whatsapp/wweb-channel.js";

export class FakeWwebClient extends EventEmitter implements WwebClient {
  readonly sent: { chatId: string; content: string }[] = [];
  initialized = 0;
  destroyed = 0;
  /** Make the next initialize() calls fail (the browser did not start). */
  failInitialize = 0;
  /** What happens when initialize() succeeds: by default, linked and ready at once. */
  onInitialize: (client: FakeWwebClient) => void = (c) => {
    c.emit("authenticated");
    c.emit("ready");
  };

  async initialize() {
    this.initialized++;
    if (this.failInitialize > 0) {
      this.failInitialize--;
      throw new Error("Failed to launch the browser process");
    }
    this.onInitialize(this);
  }

  async destroy() {
    this.destroyed++;
  }

  async sendMessage(chatId: string, content: string) {
    this.sent.push({ chatId, content });
    return { id: { _serialized: `true_${chatId}_${this.sent.length}` } };
  }
}

let nextId = 1;

/** A message as whatsapp-web.js emits it (the fields the adapter reads, and a few it does not). */
export function wwebMessage(from: string, fields: Record<string, unknown> = {}, media?: { mimetype: string; data: Buffer }) {
  return {
    id: { fromMe: false, remote: from, id: `3EB0${nextId++}`, _serialized: `false_${from}_3EB0${nextId}` },
    from,
    to: "5215500000000@c.us",
    fromMe: false,
    isStatus: false,
    broadcast: false,
    type: "chat",
    body: "",
    hasMedia: Boolean(media),
    timestamp: Math.floor(Date.now() / 1000),
    downloadMedia: async () =>
      media ? { mimetype: media.mimetype, data: media.data.toString("base64"), filesize: media.data.length } : undefined,
    ...fields,
  };
}

/** A person writing from their phone; each call waits until the bot has answered. */
export class FakePhone {
  constructor(
    private readonly channel: WhatsAppWebChannel,
    readonly clients: () => FakeWwebClient,
    readonly number: string,
  ) {}

  get chatId() {
    return `${this.number}@c.us`;
  }

  replies(): string[] {
    return this.clients()
      .sent.filter((m) => m.chatId === this.chatId)
      .map((m) => m.content);
  }

  /** Emits a message and returns the replies it got. */
  async send(message: Record<string, unknown>, event = "message"): Promise<string[]> {
    const before = this.replies().length;
    this.clients().emit(event, message);
    await settle(this.channel);
    return this.replies().slice(before);
  }

  say(text: string) {
    return this.send(wwebMessage(this.chatId, { body: text }));
  }
}

/** Waits until the channel has no message in flight. */
export async function settle(channel: WhatsAppWebChannel) {
  await new Promise((r) => setImmediate(r));
  while (channel.health().messagesInFlight > 0) await new Promise((r) => setTimeout(r, 5));
}
