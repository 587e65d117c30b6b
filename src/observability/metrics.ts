// Observability: Prometheus metrics (prom-client), served at /metrics by the
// app's HTTP server. One registry per process (tests make their own). Labels
// are small fixed sets (channel, complaint type, error kind), never anything
// about a person.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface WaitingTickets {
  /** The tickets waiting for a caseworker, by when each started waiting. */
  waiting(): Promise<Date[]>;
}

export class Metrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({
    name: "bot_messages_in_total",
    help: "Messages received from people, by channel",
    labelNames: ["channel"] as const,
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: "bot_messages_out_total",
    help: "Messages sent to people, by channel",
    labelNames: ["channel"] as const,
    registers: [this.registry],
  });
  readonly turnSeconds = new Histogram({
    name: "bot_turn_duration_seconds",
    help: "Time to handle one message, from receipt to the saved session (excludes sending)",
    labelNames: ["channel"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly searches = new Counter({
    name: "bot_knowledge_searches_total",
    help: "Knowledge-base searches, by whether they found an answer",
    labelNames: ["answered"] as const,
    registers: [this.registry],
  });
  readonly complaints = new Counter({
    name: "bot_complaints_filed_total",
    help: "Complaints filed, by type",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: "bot_errors_total",
    help: "Errors, by kind (turn: a message that got an apology; send: a reply that could not be sent; event: a failed after-turn task)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly handoffsWaiting = new Gauge({
    name: "bot_handoffs_waiting",
    help: "Chats waiting for a caseworker",
    registers: [this.registry],
  });
  readonly handoffOldestWait = new Gauge({
    name: "bot_handoff_oldest_wait_seconds",
    help: "How long the longest-waiting chat has waited for a caseworker (0 when none waits)",
    registers: [this.registry],
  });

  private tickets: WaitingTickets | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Where the handoff gauges are read from, when /metrics is scraped. */
  watchHandoffs(tickets: WaitingTickets): void {
    this.tickets = tickets;
  }

  async text(): Promise<string> {
    if (this.tickets) {
      try {
        const waiting = await this.tickets.waiting();
        this.handoffsWaiting.set(waiting.length);
        const oldest = waiting.reduce((min, d) => Math.min(min, d.getTime()), Number.POSITIVE_INFINITY);
        this.handoffOldestWait.set(waiting.length ? Math.max(0, (this.now() - oldest) / 1000) : 0);
      } catch {
        this.errors.inc({ kind: "metrics" }); // Redis away: the gauges keep their last values
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
