import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BtsBackupError } from '../../errors/index.js';
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
    // A folder at the target: the rename's error named the temp file (".dr.html.1234.ab12cd.tmp"), not what the user gave.
    if (await fs.stat(file).then((st) => st.isDirectory(), () => false)) {
      throw new BtsBackupError('E_IO', `${file} is a folder: the report is written to a file.`, { target: file, hint: `Name a file, for example ${path.join(file, 'dr-report.html')}.`, cause: error });
    }
    throw mapWriteError(error, file);
  }
}
