// Cases: the Redis store. A case is one JSON string key; a draft key makes
// creation happen once per draft; an owner set and a time index find cases;
// and a stream (`<prefix>cases:events`) tells caseworkers' tools about new
// cases. Creation is one Lua script, so it is all or nothing.
import type { RedisClient } from "../sessions/redis-session-store.js";
import { type CaseRecord, type CaseStore, caseRecordSchema } from "./case-store.js";

const CREATE = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.error_reply('case reference collision') end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
if ARGV[4] ~= '' then redis.call('SADD', KEYS[3], ARGV[1]) end
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('XADD', KEYS[5], '*', 'type', 'case.created', 'ref', ARGV[1], 'urgent', ARGV[5], 'lang', ARGV[6], 'channel', ARGV[7], 'category', ARGV[8])
return ARGV[1]
`;

export class RedisCaseStore implements CaseStore {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  private key = (ref: string) => `${this.prefix}case:${ref}`;
  private owners = (owner: string) => `${this.prefix}case:owner:${owner}`;
  readonly streamKey = () => `${this.prefix}cases:events`;

  async create(record: CaseRecord) {
    const ref = (await this.client.eval(CREATE, {
      keys: [
        `${this.prefix}case:draft:${record.draftId}`,
        this.key(record.ref),
        this.owners(record.owner ?? "-"),
        `${this.prefix}cases:by-time`,
        this.streamKey(),
      ],
      arguments: [
        record.ref,
        JSON.stringify(record),
        String(Date.parse(record.createdAt)),
        record.owner ?? "",
        String(record.urgent),
        record.lang,
        record.channel,
        record.category,
      ],
    })) as string;
    return { ref, created: ref === record.ref };
  }

  async get(ref: string) {
    const raw = await this.client.get(this.key(ref));
    if (!raw) return undefined;
    const parsed = caseRecordSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`case ${ref} is not a valid record`);
    return parsed.data;
  }

  private async many(refs: string[]) {
    const out: CaseRecord[] = [];
    for (const ref of refs) {
      const c = await this.get(ref);
      if (c) out.push(c);
    }
    return out;
  }

  async byOwner(owners: readonly string[]) {
    const refs = new Set<string>();
    for (const owner of owners) for (const ref of await this.client.sMembers(this.owners(owner))) refs.add(ref);
    return (await this.many([...refs])).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async list(since?: string) {
    const from = since ? String(Date.parse(since)) : "-inf";
    return this.many(await this.client.zRangeByScore(`${this.prefix}cases:by-time`, from, "+inf"));
  }

  async update(record: CaseRecord) {
    const previous = await this.get(record.ref);
    const multi = this.client.multi().set(this.key(record.ref), JSON.stringify(record), { KEEPTTL: true });
    if (previous?.owner && previous.owner !== record.owner) multi.sRem(this.owners(previous.owner), record.ref);
    await multi.exec();
  }

  async close(ref: string, at: Date, retentionMs: number) {
    const c = await this.get(ref);
    if (!c) return;
    await this.client.set(this.key(ref), JSON.stringify({ ...c, status: "closed", closedAt: at.toISOString() }), {
      PX: Math.max(1, retentionMs),
    });
  }
}
