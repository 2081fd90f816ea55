/** Runs `fn` over `items` with at most `concurrency` in flight; reports progress; never rejects. */
export async function runEach<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  onProgress: (done: number) => void = () => {},
  concurrency = 4,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  let done = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const i = nextIndex++;
      results[i] = await fn(items[i]!, i);
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
