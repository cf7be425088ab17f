/** Serialisation of async work by key, shared by the App's event handling and its report publishing (no App imports: publish-lock.ts loads it first). */

/**
 * One queue per key: `fn`s with the same key run one after another, other keys in parallel. The App
 * handles the events of one PR in order of arrival in a process, so a webhook delivered twice at once
 * is handled twice in a row (the second sees what the first did) instead of racing itself.
 */
export function keyedSerial(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<void>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

