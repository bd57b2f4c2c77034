import { promises as fs } from 'node:fs';
import { readPeBitness, type PeBitness } from '../../formats/pe/pe-header.js';

// The byte parsing lives in src/formats/pe; this module reads the file.
export { loadableIn, readPeBitness, type PeBitness } from '../../formats/pe/pe-header.js';

export async function readPeBitnessOfFile(file: string): Promise<PeBitness | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 1 << 20);
    const bytes = new Uint8Array(length);
    await handle.read(bytes, 0, length, 0);
    return readPeBitness(bytes);
  } finally {
    await handle.close();
  }
}
