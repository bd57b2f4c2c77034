import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { mapWriteError } from '../store/atomic-write.js';

/**
 * Writes a report file whole or not at all: a temp file beside the target, written, flushed to disk, then renamed over
 * it. A failure leaves the previous file (if any) as it was and no temp file behind.
 */
export async function writeReportFile(target: string, text: string): Promise<void> {
  const file = path.resolve(target);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw mapWriteError(error, file);
  }
}
