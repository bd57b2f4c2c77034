import type { BackupStore, PutResult } from '../ports/store.js';

/**
 * The store as the use case sees it, with every put whose object turned out damaged (and was replaced by the good
 * bytes) reported to `onRepair`, so the run can log it, count it and name it in the manifest.
 */
export function recordRepairs(store: BackupStore, onRepair: (put: PutResult & { repaired: NonNullable<PutResult['repaired']> }) => void): BackupStore {
  const note = (put: PutResult): PutResult => {
    if (put.repaired !== undefined) onRepair({ ...put, repaired: put.repaired });
    return put;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'putFile') return async (path: string) => note(await target.putFile(path));
      if (property === 'putBytes') return async (bytes: Uint8Array) => note(await target.putBytes(bytes));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
