/** At most `max` jobs at once (max-concurrent-downloads / -uploads); the rest wait their turn in order. */
export function limiter(max: number) {
  let running = 0;
  const queue: Array<() => void> = [];
  return {
    get busy() {
      return running + queue.length >= max;
    },
    async run<T>(job: () => Promise<T>): Promise<T> {
      if (running >= max) await new Promise<void>((resolve) => queue.push(resolve));
      running++;
      try {
        return await job();
      } finally {
        running--;
        queue.shift()?.();
      }
    },
  };
}
