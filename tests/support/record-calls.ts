/** Wraps any port and records the names of the methods called on it (those `counts` selects, all by default). */
export function recordCalls<T extends object>(inner: T, counts: (method: string) => boolean = () => true): { proxy: T; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (counts(String(property))) calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { proxy, calls };
}
