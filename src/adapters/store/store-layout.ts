import { join } from 'node:path';
import { BtsBackupError } from '../../errors/index.js';
import { assertSetId } from '../../core/set-id.js';

/**
 * Where things live in a store:
 * `<root>/store.json` (format marker), `<root>/objects/<first 2 hex>/<sha256>`, `<root>/sets/<setId>.json`, `<root>/locks/store.lock/owner.json`,
 * `<root>/logs/runs-<yyyy>.jsonl` (the run log).
 * Every name is validated before it becomes a path, so nothing outside the root is ever touched.
 */
export const STORE_FORMAT = 'biztalkbackup-store';
export const STORE_FORMAT_VERSION = 1;
export const TEMP_PREFIX = '.tmp-';

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export function isSha256(value: string): boolean {
  return SHA256_PATTERN.test(value);
}

export function assertSha256(value: string): void {
  if (!isSha256(value)) {
    throw new BtsBackupError('E_INVALID_NAME', `"${value}" is not an object name (64 lowercase hex digits).`, { target: value });
  }
}

export class StoreLayout {
  constructor(readonly root: string) {}

  get marker(): string {
    return join(this.root, 'store.json');
  }
  get objectsDir(): string {
    return join(this.root, 'objects');
  }
  get setsDir(): string {
    return join(this.root, 'sets');
  }
  get locksDir(): string {
    return join(this.root, 'locks');
  }
  /** The run log: `runs-<yyyy>.jsonl` and its rotated parts; neither objects nor sets, never garbage to prune. */
  get logsDir(): string {
    return join(this.root, 'logs');
  }
  get lockDir(): string {
    return join(this.locksDir, 'store.lock');
  }
  get lockOwnerFile(): string {
    return join(this.lockDir, 'owner.json');
  }

  objectDir(sha256: string): string {
    assertSha256(sha256);
    return join(this.objectsDir, sha256.slice(0, 2));
  }

  objectPath(sha256: string): string {
    return join(this.objectDir(sha256), sha256);
  }

  setPath(setId: string): string {
    assertSetId(setId);
    return join(this.setsDir, `${setId}.json`);
  }
}
