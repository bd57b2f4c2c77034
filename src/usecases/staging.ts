import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TempArea, TempAreaPurpose, TempAreas } from '../ports/temp-area.js';

/**
 * Where a use case stages files: the temp areas the caller wires in (the CLI passes the owner-marked, swept ones of
 * adapters/temp), else plain private folders of the same names, which the next run's sweep removes once they are old.
 */
export async function openStaging(tempAreas: TempAreas | undefined, purpose: TempAreaPurpose): Promise<TempArea> {
  if (tempAreas !== undefined) return tempAreas.create(purpose);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `btsbackup-${purpose}-`));
  return { path: dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}
