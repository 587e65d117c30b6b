// Sessions: the storage interface. Like grammY's StorageAdapter it is three
// methods; unlike it, `write` is a compare-and-set on a revision number, so two
// processes sharing a store can never overwrite each other's turn. Expiry is a
// property of each write. Encryption and other behaviour wrap a store.

export interface Stored {
  /** Increases by one on every write; 0 means "not stored". */
  rev: number;
  data: string;
}

/**
 * A second key set in the same atomic step as a session write: an update
 * marked done (the update ledger), so a turn is saved and counted handled
 * together, never one without the other. The key is absolute (not under the
 * store's prefix). `written` is set once a write has carried it.
 */
export interface AlsoSet {
  key: string;
  value: string;
  ttlMs: number;
  written?: boolean;
}

export interface SessionStore {
  read(key: string): Promise<Stored | undefined>;
  /**
   * Stores `data` if the key's current revision is `expectedRev` (0 when it must
   * not exist yet), keeping it for `ttlMs`. Returns false, changing nothing,
   * when another writer got there first. A store that can sets `also` in the
   * same step (and marks it written); one that cannot leaves it to the caller.
   */
  write(key: string, data: string, expectedRev: number, ttlMs: number, also?: AlsoSet): Promise<boolean>;
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
}

/** Session keys: one per person per channel. */
export function sessionKey(channel: string, userId: string): string {
  return `session:${channel}:${userId}`;
}
