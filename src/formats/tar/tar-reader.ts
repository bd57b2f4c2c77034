// Reads the regular files of a POSIX ustar archive (what `npm pack` writes), already un-gzipped. Pure and
// bounds-checked: a truncated or corrupt archive is E_INVALID_DATA, never a RangeError.
import { BtsBackupError } from '../../errors/index.js';

export interface TarEntry {
  /** The path inside the archive, '/'-separated (ustar prefix + name). */
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;

function text(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  return new TextDecoder('utf-8').decode(bytes.subarray(start, end));
}

function octal(bytes: Uint8Array, start: number, length: number, source: string): number {
  const field = text(bytes, start, length).trim();
  if (!/^[0-7]*$/.test(field)) throw corrupt(source, `a header field is not octal ('${field}')`);
  return field === '' ? 0 : parseInt(field, 8);
}

function corrupt(source: string, why: string): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `${source} is not a valid tar archive: ${why}.`, {
    target: source,
    hint: 'The download is truncated or corrupt: delete it and fetch it again.',
  });
}

/** Every regular file in the archive, in archive order (PAX and GNU long-name headers are not supported: npm does not write them). */
export function readTarEntries(bytes: Uint8Array, source = 'archive'): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return entries;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    if (octal(header, 148, 8, source) !== sum) throw corrupt(source, `header checksum mismatch at offset ${at}`);
    const size = octal(header, 124, 12, source);
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = text(header, 345, 155);
    const name = prefix === '' ? text(header, 0, 100) : `${prefix}/${text(header, 0, 100)}`;
    const start = at + BLOCK;
    if (start + size > bytes.length) throw corrupt(source, `${name} is cut short`);
    if (type === '0' || type === '\0') entries.push({ name, data: bytes.subarray(start, start + size) });
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (at !== bytes.length) throw corrupt(source, 'it ends inside a header');
  return entries;
}
