import path from 'node:path';
import { mapWriteError } from '../store/atomic-write.js';
import { writeFileWhole } from '../write-file-whole.js';

/**
 * Writes a report file whole or not at all: a temp file beside the target, written, flushed to disk, then renamed over
 * it. A failure leaves the previous file (if any) as it was and no temp file behind.
 */
export async function writeReportFile(target: string, text: string): Promise<void> {
  const file = path.resolve(target);
  try {
    await writeFileWhole(file, text);
  } catch (error) {
    throw mapWriteError(error, file);
  }
}
