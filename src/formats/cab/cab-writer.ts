import { BtsBackupError } from '../../errors/index.js';
// Writes a Microsoft Cabinet (MS-CAB): one folder, CFDATA blocks of 32 KiB of uncompressed data with
// checksums, stored or MSZIP ("CK" + an independent raw deflate stream per block).
import { deflateRawSync } from 'node:zlib';

export interface CabinetFileInput {
  /** Path inside the cabinet, with backslashes. */
  name: string;
  bytes: Uint8Array;
  modified?: Date;
}

export interface CabinetOptions {
  compression?: 'none' | 'mszip';
}

const BLOCK = 32768;
const ATTRIBUTE_ARCHIVE = 0x20;
const ATTRIBUTE_NAME_IS_UTF = 0x80;
const DEFAULT_DATE = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));

export function buildCabinet(files: CabinetFileInput[], options: CabinetOptions = {}): Uint8Array {
  const compression = options.compression ?? 'mszip';
  // cabextract and cabinet.dll both reject a cabinet without files, so we never write one.
  if (files.length === 0) throw new RangeError('a cabinet needs at least one file');
  if (files.length > 0xffff) throw new RangeError(`a cabinet holds at most 65535 files, not ${files.length}`);
  const names = files.map((f) => {
    const ascii = /^[\x20-\x7e]*$/.test(f.name);
    const bytes = new TextEncoder().encode(f.name);
    // CFFILE names are at most 255 bytes (cabinet.dll, cabextract and our reader all refuse longer ones).
    if (bytes.length > 255 || bytes.length === 0) {
      throw new BtsBackupError('E_INVALID_DATA', `A cabinet file name must be 1 to 255 bytes; "${f.name.slice(0, 60)}…" is ${bytes.length}.`, {
        target: f.name.slice(0, 120),
        hint: 'Shorten the name (a resource folder named after a long application name, for instance).',
      });
    }
    return { bytes, utf: !ascii };
  });

  const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
  const folderData = new Uint8Array(total);
  let at = 0;
  for (const f of files) {
    folderData.set(f.bytes, at);
    at += f.bytes.length;
  }
  const blocks: Uint8Array[] = [];
  for (let offset = 0; offset < total; offset += BLOCK) {
    const chunk = folderData.subarray(offset, Math.min(total, offset + BLOCK));
    let payload: Uint8Array;
    if (compression === 'mszip') {
      const deflated = deflateRawSync(chunk, { level: 9 });
      payload = new Uint8Array(2 + deflated.length);
      payload[0] = 0x43;
      payload[1] = 0x4b;
      payload.set(deflated, 2);
    } else {
      payload = chunk;
    }
    const block = new Uint8Array(8 + payload.length);
    const view = new DataView(block.buffer);
    view.setUint16(4, payload.length, true);
    view.setUint16(6, chunk.length, true);
    block.set(payload, 8);
    view.setUint32(0, checksum(block.subarray(4, 8), checksum(payload, 0)), true);
    blocks.push(block);
  }
  if (blocks.length > 0xffff) throw new RangeError('the cabinet folder has too many data blocks');

  const headerSize = 36;
  const folderSize = 8;
  const fileEntriesSize = names.reduce((sum, n) => sum + 16 + n.bytes.length + 1, 0);
  const dataStart = headerSize + folderSize + fileEntriesSize;
  const size = dataStart + blocks.reduce((sum, b) => sum + b.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set([0x4d, 0x53, 0x43, 0x46], 0); // MSCF
  view.setUint32(8, size, true);
  view.setUint32(16, headerSize + folderSize, true);
  out[24] = 3;
  out[25] = 1;
  view.setUint16(26, 1, true);
  view.setUint16(28, files.length, true);
  view.setUint16(30, 0, true);
  view.setUint16(32, setId(files), true);
  view.setUint16(34, 0, true);
  view.setUint32(36, dataStart, true);
  view.setUint16(40, blocks.length, true);
  view.setUint16(42, compression === 'mszip' ? 1 : 0, true);
  let p = headerSize + folderSize;
  let folderOffset = 0;
  files.forEach((file, i) => {
    const name = names[i]!;
    const when = file.modified ?? DEFAULT_DATE;
    view.setUint32(p, file.bytes.length, true);
    view.setUint32(p + 4, folderOffset, true);
    view.setUint16(p + 8, 0, true);
    view.setUint16(p + 10, dosDate(when), true);
    view.setUint16(p + 12, dosTime(when), true);
    view.setUint16(p + 14, ATTRIBUTE_ARCHIVE | (name.utf ? ATTRIBUTE_NAME_IS_UTF : 0), true);
    out.set(name.bytes, p + 16);
    p += 16 + name.bytes.length + 1;
    folderOffset += file.bytes.length;
  });
  for (const block of blocks) {
    out.set(block, p);
    p += block.length;
  }
  return out;
}

/** The cabinet checksum: XOR of little-endian 32-bit words; a 1-3 byte tail is packed high byte first. */
export function checksum(bytes: Uint8Array, seed: number): number {
  let sum = seed >>> 0;
  const words = bytes.length >>> 2;
  let i = 0;
  for (let w = 0; w < words; w++, i += 4) {
    sum ^= (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
  }
  let tail = 0;
  for (let rest = bytes.length & 3; rest > 0; rest--) tail |= bytes[i++]! << (8 * (rest - 1));
  return (sum ^ tail) >>> 0;
}

function dosDate(date: Date): number {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
}

function dosTime(date: Date): number {
  return (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
}

function setId(files: CabinetFileInput[]): number {
  let hash = 0x811c9dc5;
  for (const f of files) {
    for (let i = 0; i < f.name.length; i++) hash = Math.imul(hash ^ f.name.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ f.bytes.length, 0x01000193);
  }
  return (hash ^ (hash >>> 16)) & 0xffff;
}
