// Sessions: runs tasks for the same key one at a time, in the order they were
// queued, while tasks for different keys run in parallel. Within one process
// this keeps a person's messages in order; across processes the store's
// compare-and-set write keeps turns from overwriting each other.

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Whether a task for this key is running or queued. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // The key is let go before the caller sees the result: busy() is false once the last task is over.
    const result = previous.then(task, task).finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    const tail: Promise<unknown> = result.catch(() => undefined);
    this.tails.set(key, tail);
    return result;
  }
}
