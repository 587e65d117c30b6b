// Sessions: the storage interface. Like grammY's StorageAdapter it is three
// methods; unlike it, `write` is a compare-and-set on a revision number, so two
// processes sharing a store can never overwrite each other's turn. Expiry is a
// property of each write. Encryption and other behaviour wrap a store.

export interface Stored {
  /** Increases by one on every write; 0 means "not stored". */
  rev: number;
  data: string;
}

export interface SessionStore {
  read(key: string): Promise<Stored | undefined>;
  /**
   * Stores `data` if the key's current revision is `expectedRev` (0 when it must
   * not exist yet), keeping it for `ttlMs`. Returns false, changing nothing,
   * when another writer got there first.
   */
  write(key: string, data: string, expectedRev: number, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
}

/** Session keys: one per person per channel. */
export function sessionKey(channel: string, userId: string): string {
  return `session:${channel}:${userId}`;
}
