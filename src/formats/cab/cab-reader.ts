import { BtsBackupError } from '../../errors/index.js';
import { decodeLzxFolder, LZX_FRAME_SIZE } from '../lzx/lzx-decoder.js';
import { DecodeBudget, packageDecodeLimit } from './decode-budget.js';
import { inflateMszipBlock, MSZIP_FRAME_SIZE } from './mszip.js';

/** One file of a cabinet, fully decoded. `name` keeps the cabinet's own separators (`\`). */
export interface CabinetEntry {
  name: string;
  bytes: Uint8Array;
  modified: Date;
  attributes: number;
  folderIndex: number;
}

export interface CabinetInfo {
  setId: number;
  cabinetIndex: number;
  folders: { compression: 'none' | 'mszip' | 'quantum' | 'lzx'; lzxWindowBits?: number; dataBlocks: number }[];
  files: number;
  reserved: { header: number; folder: number; data: number };
}

export interface ReadCabinetOptions {
  /** Names the cabinet in errors (a file name or `<msi>#<stream>`). */
  source?: string;
  /** Check CFDATA checksums (a zero checksum means none). Default true. */
  verifyChecksums?: boolean;
  /** Refuse to produce more than this many bytes in total (entries). Default 2 GiB - 1. */
  maxTotalBytes?: number;
  /** What to do with files in a folder we cannot decode (Quantum): throw E_UNSUPPORTED (default) or leave them out. */
  unsupportedFolders?: 'throw' | 'skip';
  /**
   * Shared with the other cabinets of the same package (and run): each folder reserves the bytes its files declare
   * before it is decoded, and a cabinet asking for more than is left is E_INVALID_DATA naming it.
   */
  budget?: DecodeBudget;
}

/** File attribute: the name is UTF-8 (otherwise it is in the ANSI code page; we read it as Latin-1). */
export const CAB_ATTRIBUTE_NAME_IS_UTF8 = 0x80;

const FLAG_PREV_CABINET = 0x0001;
const FLAG_NEXT_CABINET = 0x0002;
const FLAG_RESERVE_PRESENT = 0x0004;
const HEADER_SIZE = 36;
const FOLDER_SIZE = 8;
const FILE_SIZE = 16;
const DATA_HEADER_SIZE = 8;
/** Names are at most 255 bytes plus their terminating zero. */
const MAX_NAME_BYTES = 255;
const CONTINUED_FROM_PREV = 0xfffd;
const DEFAULT_MAX_TOTAL_BYTES = 0x7fffffff;

type Compression = CabinetInfo['folders'][number]['compression'];

interface ParsedFolder {
  compression: Compression;
  compressionType: number;
  lzxWindowBits: number | undefined;
  dataOffset: number;
  dataBlocks: number;
}

interface ParsedFile {
  name: string;
  size: number;
  offset: number;
  folder: number;
  date: number;
  time: number;
  attributes: number;
}

interface ParsedCabinet {
  setId: number;
  cabinetIndex: number;
  flags: number;
  reserved: { header: number; folder: number; data: number };
  folders: ParsedFolder[];
  files: ParsedFile[];
}

interface DataBlock {
  checksum: number;
  headerOffset: number;
  payloadOffset: number;
  compressedSize: number;
  uncompressedSize: number;
}

/** Reads a cabinet's header, folder and file tables without decoding any data. */
export function readCabinetInfo(bytes: Uint8Array, source = 'cabinet'): CabinetInfo {
  const cab = parseCabinet(bytes, source);
  return {
    setId: cab.setId,
    cabinetIndex: cab.cabinetIndex,
    folders: cab.folders.map((folder) => ({
      compression: folder.compression,
      ...(folder.lzxWindowBits === undefined ? {} : { lzxWindowBits: folder.lzxWindowBits }),
      dataBlocks: folder.dataBlocks,
    })),
    files: cab.files.length,
    reserved: { ...cab.reserved },
  };
}

/**
 * How many bytes readCabinet would decode for this cabinet (per folder, up to the end of its last file), read from
 * the headers alone: lets a caller reserve a package's whole budget before decoding anything.
 */
export function declaredDecodeSize(bytes: Uint8Array, source = 'cabinet'): number {
  const cab = parseCabinet(bytes, source);
  const neededByFolder = new Map<number, number>();
  for (const file of cab.files) neededByFolder.set(file.folder, Math.max(neededByFolder.get(file.folder) ?? 0, file.offset + file.size));
  let total = 0;
  for (const needed of neededByFolder.values()) total += needed;
  return total;
}

/** Reads and decodes every file of a single (not spanned) cabinet. Damage gives E_INVALID_DATA naming `source`. */
export function readCabinet(bytes: Uint8Array, options: ReadCabinetOptions = {}): CabinetEntry[] {
  const source = options.source ?? 'cabinet';
  const verifyChecksums = options.verifyChecksums ?? true;
  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  const budget = options.budget ?? new DecodeBudget(packageDecodeLimit(bytes.length), `the cabinet ${source}`);
  const cab = parseCabinet(bytes, source);
  if ((cab.flags & (FLAG_PREV_CABINET | FLAG_NEXT_CABINET)) !== 0 || cab.files.some((file) => file.folder >= CONTINUED_FROM_PREV)) {
    throw new BtsBackupError('E_UNSUPPORTED', `${source}: the cabinet is part of a multi-cabinet set; spanned cabinets are not supported`, {
      target: source,
      hint: 'BizTalk exports never span cabinets; this is not a BizTalk package.',
    });
  }
  let totalBytes = 0;
  for (const file of cab.files) {
    totalBytes += file.size;
    if (totalBytes > maxTotalBytes) {
      throw invalid(source, `the files add up to more than ${maxTotalBytes} bytes`);
    }
  }

  const neededByFolder = new Map<number, number>();
  for (const file of cab.files) neededByFolder.set(file.folder, Math.max(neededByFolder.get(file.folder) ?? 0, file.offset + file.size));
  // Reserve what every folder to be decoded needs before decoding any: a cabinet that asks too much costs nothing.
  let reserved = 0;
  for (const [index, needed] of neededByFolder) {
    if (cab.folders[index]?.compression === 'quantum' && options.unsupportedFolders === 'skip') continue;
    reserved += needed;
  }
  budget.reserve(reserved, source);
  const decoded = new Map<number, Uint8Array>();
  const entries: CabinetEntry[] = [];
  for (const file of cab.files) {
    const folder = cab.folders[file.folder];
    if (folder === undefined) {
      throw invalid(source, `file "${file.name}" names folder ${file.folder}, but the cabinet has ${cab.folders.length}`);
    }
    if (folder.compression === 'quantum' && options.unsupportedFolders === 'skip') continue;
    let data = decoded.get(file.folder);
    if (data === undefined) {
      data = decodeFolder(bytes, cab, folder, file.folder, neededByFolder.get(file.folder) ?? 0, verifyChecksums, source);
      decoded.set(file.folder, data);
    }
    entries.push({
      name: file.name,
      // A view, not a copy: the folder's bytes are held once however many files it has.
      bytes: data.subarray(file.offset, file.offset + file.size),
      modified: dosDateTime(file.date, file.time),
      attributes: file.attributes,
      folderIndex: file.folder,
    });
  }
  return entries;
}

function parseCabinet(bytes: Uint8Array, source: string): ParsedCabinet {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number, what: string): void => {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw invalid(source, `the cabinet is truncated: ${what} at offset ${offset} needs ${length} bytes, the file has ${bytes.length}`);
    }
  };
  need(0, HEADER_SIZE, 'the CFHEADER');
  if (view.getUint32(0, true) !== 0x4643534d) {
    throw invalid(source, 'not a cabinet (no "MSCF" signature)');
  }
  const cabinetSize = view.getUint32(8, true);
  const filesOffset = view.getUint32(16, true);
  const versionMinor = view.getUint8(24);
  const versionMajor = view.getUint8(25);
  const folderCount = view.getUint16(26, true);
  const fileCount = view.getUint16(28, true);
  const flags = view.getUint16(30, true);
  const setId = view.getUint16(32, true);
  const cabinetIndex = view.getUint16(34, true);
  if (versionMajor !== 1 || versionMinor !== 3) {
    throw invalid(source, `unknown cabinet format version ${versionMajor}.${versionMinor}`);
  }
  if (cabinetSize > bytes.length) {
    throw invalid(source, `the cabinet is truncated: its header says ${cabinetSize} bytes, the file has ${bytes.length}`);
  }
  if (folderCount === 0) throw invalid(source, 'the cabinet has no folders');
  if (fileCount === 0) throw invalid(source, 'the cabinet has no files');

  let pos = HEADER_SIZE;
  const reserved = { header: 0, folder: 0, data: 0 };
  if ((flags & FLAG_RESERVE_PRESENT) !== 0) {
    need(pos, 4, 'the reserve sizes');
    reserved.header = view.getUint16(pos, true);
    reserved.folder = view.getUint8(pos + 2);
    reserved.data = view.getUint8(pos + 3);
    pos += 4;
    need(pos, reserved.header, 'the header reserve');
    pos += reserved.header;
  }
  const readString = (what: string): string => {
    const end = bytes.indexOf(0, pos);
    if (end < 0 || end - pos > MAX_NAME_BYTES) throw invalid(source, `${what} is not terminated`);
    const text = latin1(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  if ((flags & FLAG_PREV_CABINET) !== 0) {
    readString('the previous cabinet name');
    readString('the previous disk name');
  }
  if ((flags & FLAG_NEXT_CABINET) !== 0) {
    readString('the next cabinet name');
    readString('the next disk name');
  }

  const folders: ParsedFolder[] = [];
  for (let index = 0; index < folderCount; index++) {
    need(pos, FOLDER_SIZE + reserved.folder, `CFFOLDER ${index}`);
    const dataOffset = view.getUint32(pos, true);
    const dataBlocks = view.getUint16(pos + 4, true);
    const compressionType = view.getUint16(pos + 6, true);
    pos += FOLDER_SIZE + reserved.folder;
    let compression: Compression;
    let lzxWindowBits: number | undefined;
    switch (compressionType & 0x000f) {
      case 0:
        compression = 'none';
        break;
      case 1:
        compression = 'mszip';
        break;
      case 2:
        compression = 'quantum';
        break;
      case 3:
        compression = 'lzx';
        lzxWindowBits = (compressionType >> 8) & 0x1f;
        if (lzxWindowBits < 15 || lzxWindowBits > 21) {
          throw invalid(source, `folder ${index} uses an LZX window of 2^${lzxWindowBits} bytes (valid: 2^15 to 2^21)`);
        }
        break;
      default:
        throw invalid(source, `folder ${index} has unknown compression type 0x${compressionType.toString(16)}`);
    }
    folders.push({ compression, compressionType, lzxWindowBits, dataOffset, dataBlocks });
  }

  pos = filesOffset;
  const files: ParsedFile[] = [];
  for (let index = 0; index < fileCount; index++) {
    need(pos, FILE_SIZE, `CFFILE ${index}`);
    const size = view.getUint32(pos, true);
    const offset = view.getUint32(pos + 4, true);
    const folder = view.getUint16(pos + 8, true);
    const date = view.getUint16(pos + 10, true);
    const time = view.getUint16(pos + 12, true);
    const attributes = view.getUint16(pos + 14, true);
    pos += FILE_SIZE;
    const end = bytes.indexOf(0, pos);
    if (end < 0 || end - pos > MAX_NAME_BYTES) throw invalid(source, `the name of file ${index} is not terminated`);
    if (end === pos) throw invalid(source, `file ${index} has an empty name`);
    const raw = bytes.subarray(pos, end);
    pos = end + 1;
    const name = (attributes & CAB_ATTRIBUTE_NAME_IS_UTF8) !== 0 ? utf8(raw, source) : latin1(raw);
    if (folder < CONTINUED_FROM_PREV && folder >= folderCount) {
      throw invalid(source, `file "${name}" names folder ${folder}, but the cabinet has ${folderCount}`);
    }
    if (offset + size > 0xffffffff) {
      throw invalid(source, `file "${name}" ends beyond 4 GiB into its folder`);
    }
    files.push({ name, size, offset, folder, date, time, attributes });
  }
  return { setId, cabinetIndex, flags, reserved, folders, files };
}

function readDataBlocks(bytes: Uint8Array, cab: ParsedCabinet, folder: ParsedFolder, folderIndex: number, source: string): DataBlock[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks: DataBlock[] = [];
  let pos = folder.dataOffset;
  for (let index = 0; index < folder.dataBlocks; index++) {
    const headerLength = DATA_HEADER_SIZE + cab.reserved.data;
    if (pos + headerLength > bytes.length) {
      throw invalid(source, `folder ${folderIndex}: CFDATA block ${index} at offset ${pos} lies beyond the end of the cabinet`);
    }
    const compressedSize = view.getUint16(pos + 4, true);
    const payloadOffset = pos + headerLength;
    if (payloadOffset + compressedSize > bytes.length) {
      throw invalid(source, `folder ${folderIndex}: CFDATA block ${index} is truncated`);
    }
    blocks.push({
      checksum: view.getUint32(pos, true),
      headerOffset: pos,
      payloadOffset,
      compressedSize,
      uncompressedSize: view.getUint16(pos + 6, true),
    });
    pos = payloadOffset + compressedSize;
  }
  return blocks;
}

function decodeFolder(
  bytes: Uint8Array,
  cab: ParsedCabinet,
  folder: ParsedFolder,
  folderIndex: number,
  neededLength: number,
  verifyChecksums: boolean,
  source: string,
): Uint8Array {
  if (folder.compression === 'quantum') {
    throw new BtsBackupError('E_UNSUPPORTED', `${source}: folder ${folderIndex} is Quantum-compressed, which is not supported`, {
      target: source,
      hint: 'BizTalk packages use LZX or MSZIP; re-create the cabinet with one of those.',
    });
  }
  const blocks = readDataBlocks(bytes, cab, folder, folderIndex, source);
  let totalLength = 0;
  for (const block of blocks) {
    if (block.uncompressedSize === 0) {
      throw invalid(source, `folder ${folderIndex}: a CFDATA block holds no data (a continued block of a spanned cabinet?)`);
    }
    totalLength += block.uncompressedSize;
  }
  if (neededLength > totalLength) {
    throw invalid(source, `folder ${folderIndex}: files need ${neededLength} bytes, its data blocks hold ${totalLength}`);
  }
  // Files never overlap in a real cabinet; overlapping ones could multiply a small cabinet into gigabytes.
  const filesSize = cab.files.filter((file) => file.folder === folderIndex).reduce((sum, file) => sum + file.size, 0);
  if (filesSize > totalLength) {
    throw invalid(source, `folder ${folderIndex}: its files add up to ${filesSize} bytes, more than its ${totalLength} bytes of data (overlapping files)`);
  }
  if (verifyChecksums) {
    for (const [index, block] of blocks.entries()) {
      if (block.checksum !== 0 && dataBlockChecksum(bytes, block) !== block.checksum) {
        throw invalid(source, `folder ${folderIndex}: CFDATA block ${index} fails its checksum`);
      }
    }
  }
  const payload = (block: DataBlock): Uint8Array => bytes.subarray(block.payloadOffset, block.payloadOffset + block.compressedSize);

  if (folder.compression === 'lzx') {
    const frameSize = LZX_FRAME_SIZE;
    for (const [index, block] of blocks.entries()) {
      if (block.uncompressedSize > frameSize) {
        throw invalid(source, `folder ${folderIndex}: LZX block ${index} claims ${block.uncompressedSize} bytes (more than a frame)`);
      }
    }
    // Decode whole frames: Intel E8 translation depends on where a frame ends.
    const wantLength = Math.min(totalLength, Math.ceil(neededLength / frameSize) * frameSize);
    const input = concatenate(blocks.map(payload));
    return decodeLzxFolder(input, folder.lzxWindowBits ?? 21, totalLength, wantLength, source);
  }

  // Grown as blocks really decode (headers may lie), never past what the files need plus the last block's overrun.
  const output = new GrowableBuffer(Math.min(neededLength, bytes.length * 4 + 65536), neededLength + MSZIP_FRAME_SIZE);
  for (const [index, block] of blocks.entries()) {
    if (output.length >= neededLength) break;
    const data = payload(block);
    if (folder.compression === 'none') {
      if (block.compressedSize !== block.uncompressedSize) {
        throw invalid(source, `folder ${folderIndex}: stored block ${index} has ${block.compressedSize} bytes, its header says ${block.uncompressedSize}`);
      }
      output.append(data);
    } else {
      const history = output.tail(MSZIP_FRAME_SIZE);
      output.append(inflateMszipBlock(data, history, block.uncompressedSize, source));
    }
  }
  return output.view();
}

/** The CFDATA checksum: over the payload, then over cbData and cbUncomp (never the reserve). */
function dataBlockChecksum(bytes: Uint8Array, block: DataBlock): number {
  const payloadSum = checksum(bytes, block.payloadOffset, block.compressedSize, 0);
  return checksum(bytes, block.headerOffset + 4, 4, payloadSum);
}

function checksum(bytes: Uint8Array, start: number, length: number, seed: number): number {
  let sum = seed;
  let pos = start;
  const words = length >>> 2;
  for (let i = 0; i < words; i++) {
    sum ^= (bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16) | (bytes[pos + 3]! << 24));
    pos += 4;
  }
  // The last 1-3 bytes go in most significant first (as the format's reference code does).
  let tail = 0;
  for (let i = 0; i < (length & 3); i++) tail = (tail << 8) | bytes[pos + i]!;
  return (sum ^ tail) >>> 0;
}

function dosDateTime(date: number, time: number): Date {
  const year = 1980 + (date >> 9);
  const month = (date >> 5) & 0x0f;
  const day = date & 0x1f;
  const hours = time >> 11;
  const minutes = (time >> 5) & 0x3f;
  const seconds = (time & 0x1f) * 2;
  return new Date(Date.UTC(year, Math.max(month, 1) - 1, Math.max(day, 1), hours, minutes, seconds));
}

function latin1(raw: Uint8Array): string {
  let text = '';
  for (const byte of raw) text += String.fromCharCode(byte);
  return text;
}

function utf8(raw: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (error) {
    throw invalid(source, 'a file name flagged as UTF-8 is not valid UTF-8', error);
  }
}

function concatenate(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

class GrowableBuffer {
  private buffer: Uint8Array;
  length = 0;

  constructor(
    initialCapacity: number,
    private readonly maxCapacity: number,
  ) {
    this.buffer = new Uint8Array(Math.min(Math.max(initialCapacity, 1024), maxCapacity));
  }

  append(data: Uint8Array): void {
    if (this.length + data.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(Math.min(this.buffer.length * 2, this.maxCapacity), this.length + data.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  tail(count: number): Uint8Array {
    return this.buffer.subarray(Math.max(0, this.length - count), this.length);
  }

  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

function invalid(source: string, message: string, cause?: unknown): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `${source}: ${message}`, {
    target: source,
    hint: 'The cabinet is damaged or not a cabinet; export the application again.',
    cause,
  });
}
