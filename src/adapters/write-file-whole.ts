import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Writes a small file outside the store (a report, the secrets file) whole or not at all: a new temp file beside the
 * target (exclusive create, with the given mode), written, flushed to disk, then renamed over it. A failure leaves the
 * previous file as it was and no temp file behind; the error is the file system's, for the caller to type.
 */
export async function writeFileWhole(target: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const file = path.resolve(target);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(temp, 'wx', options.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
