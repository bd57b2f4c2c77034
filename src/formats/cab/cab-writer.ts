// Writes a Microsoft Cabinet (MS-CAB): one folder, CFDATA blocks of 32 KiB of uncompressed data with
// checksums, stored, MSZIP ("CK" + an independent raw deflate stream per block) or LZX (one stream over the
// folder, cut at its 32 KiB frames).
import { deflateRawSync } from 'node:zlib';
import { BtsBackupError } from '../../errors/index.js';
import { lzxCompress, LZX_MAX_WINDOW_BITS, LZX_MIN_WINDOW_BITS } from '../lzx/lzx-encoder.js';

export interface CabinetFileInput {
  /** Path inside the cabinet, with backslashes. */
  name: string;
  bytes: Uint8Array;
  modified?: Date;
  /** The CFFILE date and time words as they are, instead of `modified` (to keep an entry's metadata exactly). */
  dosDateTime?: { date: number; time: number };
  /**
   * The CFFILE attributes as they are (read-only, hidden, system, archive, exec, name-is-UTF-8). The name is
   * written as UTF-8 when 0x80 is set, otherwise as Latin-1. Default: archive, plus 0x80 for a non-ASCII name.
   */
  attributes?: number;
}

export type CabinetCompression = 'none' | 'mszip' | 'lzx';

export interface CabinetOptions {
  compression?: CabinetCompression;
  /** LZX window size as a power of two, 15..21 (BizTalk: 21 for the outer cabinet, 18 for the inner ones). */
  lzxWindowBits?: number;
  /** LZX Intel E8 translation size in the stream header; 0 (the default) leaves calls untranslated. */
  lzxE8TranslationSize?: number;
  /** LZX hash-chain depth (speed against ratio); see lzxCompress. */
  lzxChainDepth?: number;
  /** CFHEADER setID; default a hash of the names and sizes. */
  setId?: number;
  /** CFHEADER iCabinet; default 0. */
  cabinetIndex?: number;
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
  const windowBits = options.lzxWindowBits ?? LZX_MAX_WINDOW_BITS;
  if (compression === 'lzx' && !(Number.isInteger(windowBits) && windowBits >= LZX_MIN_WINDOW_BITS && windowBits <= LZX_MAX_WINDOW_BITS)) {
    throw new RangeError(`an LZX window of 2^${windowBits}: must be 2^${LZX_MIN_WINDOW_BITS} .. 2^${LZX_MAX_WINDOW_BITS}`);
  }
  const names = files.map((f) => {
    const utf = f.attributes === undefined ? !/^[\x20-\x7e]*$/.test(f.name) : (f.attributes & ATTRIBUTE_NAME_IS_UTF) !== 0;
    if (!utf && /[^\u0000-\u00ff]/.test(f.name)) throw new RangeError(`"${f.name}" has characters beyond Latin-1 and attributes without the UTF-8 flag`);
    const bytes = utf ? new TextEncoder().encode(f.name) : Uint8Array.from(f.name, (c) => c.charCodeAt(0));
    // CFFILE names are at most 255 bytes (cabinet.dll, cabextract and our reader all refuse longer ones).
    if (bytes.length > 255 || bytes.length === 0) {
      throw new BtsBackupError('E_INVALID_DATA', `A cabinet file name must be 1 to 255 bytes; "${f.name.slice(0, 60)}…" is ${bytes.length}.`, {
        target: f.name.slice(0, 120),
        hint: 'Shorten the name (a resource folder named after a long application name, for instance).',
      });
    }
    return { bytes, utf };
  });

  const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
  const folderData = new Uint8Array(total);
  let at = 0;
  for (const f of files) {
    folderData.set(f.bytes, at);
    at += f.bytes.length;
  }
  const payloads: { payload: Uint8Array; uncompressedSize: number }[] = [];
  if (compression === 'lzx') {
    payloads.push(
      ...lzxCompress(folderData, {
        windowBits,
        e8TranslationSize: options.lzxE8TranslationSize ?? 0,
        ...(options.lzxChainDepth === undefined ? {} : { chainDepth: options.lzxChainDepth }),
      }).blocks,
    );
  } else {
    for (let offset = 0; offset < total; offset += BLOCK) {
      const chunk = folderData.subarray(offset, Math.min(total, offset + BLOCK));
      if (compression === 'mszip') {
        const deflated = deflateRawSync(chunk, { level: 9 });
        const payload = new Uint8Array(2 + deflated.length);
        payload[0] = 0x43;
        payload[1] = 0x4b;
        payload.set(deflated, 2);
        payloads.push({ payload, uncompressedSize: chunk.length });
      } else {
        payloads.push({ payload: chunk, uncompressedSize: chunk.length });
      }
    }
  }
  const blocks: Uint8Array[] = payloads.map(({ payload, uncompressedSize }) => {
    // A CFDATA payload is at most 32 KiB + 6144 bytes (cabinet.dll's and cabextract's limit).
    if (payload.length > BLOCK + 6144) throw new RangeError(`a CFDATA block of ${payload.length} bytes`);
    const block = new Uint8Array(8 + payload.length);
    const view = new DataView(block.buffer);
    view.setUint16(4, payload.length, true);
    view.setUint16(6, uncompressedSize, true);
    block.set(payload, 8);
    view.setUint32(0, checksum(block.subarray(4, 8), checksum(payload, 0)), true);
    return block;
  });
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
  view.setUint16(32, options.setId ?? setId(files), true);
  view.setUint16(34, options.cabinetIndex ?? 0, true);
  view.setUint32(36, dataStart, true);
  view.setUint16(40, blocks.length, true);
  view.setUint16(42, compression === 'lzx' ? 3 | (windowBits << 8) : compression === 'mszip' ? 1 : 0, true);
  let p = headerSize + folderSize;
  let folderOffset = 0;
  files.forEach((file, i) => {
    const name = names[i]!;
    const when = file.modified ?? DEFAULT_DATE;
    view.setUint32(p, file.bytes.length, true);
    view.setUint32(p + 4, folderOffset, true);
    view.setUint16(p + 8, 0, true);
    view.setUint16(p + 10, file.dosDateTime?.date ?? dosDate(when), true);
    view.setUint16(p + 12, file.dosDateTime?.time ?? dosTime(when), true);
    view.setUint16(p + 14, file.attributes ?? ATTRIBUTE_ARCHIVE | (name.utf ? ATTRIBUTE_NAME_IS_UTF : 0), true);
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
