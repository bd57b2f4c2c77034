// A tiny cabinet writer for tests: lays out CFHEADER/CFFOLDER/CFFILE/CFDATA around blocks that the caller
// has already compressed (our LZX encoder, zlib for MSZIP, or raw for stored). Never used by product code.
import { deflateRawSync } from 'node:zlib';

export interface BuilderBlock {
  payload: Uint8Array;
  uncompressedSize: number;
}

export interface BuilderFolder {
  /** typeCompress: 0 stored, 1 MSZIP, 3 | (windowBits << 8) LZX. */
  compressionType: number;
  blocks: BuilderBlock[];
}

export interface BuilderFile {
  name: string;
  folder: number;
  offset: number;
  size: number;
  attributes?: number;
  /** DOS date and time words. */
  date?: number;
  time?: number;
}

export interface BuildCabinetInput {
  folders: BuilderFolder[];
  files: BuilderFile[];
  reserve?: { header: number; folder: number; data: number };
  setId?: number;
  cabinetIndex?: number;
  checksums?: boolean;
}

export function buildCabinet(input: BuildCabinetInput): Uint8Array {
  const reserve = input.reserve;
  const reservePresent = reserve !== undefined && (reserve.header > 0 || reserve.folder > 0 || reserve.data > 0);
  const headerSize = 36 + (reservePresent ? 4 + reserve.header : 0);
  const folderSize = 8 + (reservePresent ? reserve.folder : 0);
  const dataReserve = reservePresent ? reserve.data : 0;
  const names = input.files.map((file) => encodeName(file.name, file.attributes ?? 0));
  const filesOffset = headerSize + folderSize * input.folders.length;
  const filesSize = names.reduce((sum, name) => sum + 16 + name.length + 1, 0);
  let dataOffset = filesOffset + filesSize;
  const folderOffsets: number[] = [];
  for (const folder of input.folders) {
    folderOffsets.push(dataOffset);
    for (const block of folder.blocks) dataOffset += 8 + dataReserve + block.payload.length;
  }
  const out = new Uint8Array(dataOffset);
  const view = new DataView(out.buffer);
  out.set([0x4d, 0x53, 0x43, 0x46]);
  view.setUint32(8, out.length, true);
  view.setUint32(16, filesOffset, true);
  out[24] = 3;
  out[25] = 1;
  view.setUint16(26, input.folders.length, true);
  view.setUint16(28, input.files.length, true);
  view.setUint16(30, reservePresent ? 4 : 0, true);
  view.setUint16(32, input.setId ?? 0x1234, true);
  view.setUint16(34, input.cabinetIndex ?? 0, true);
  let pos = 36;
  if (reservePresent) {
    view.setUint16(pos, reserve.header, true);
    out[pos + 2] = reserve.folder;
    out[pos + 3] = reserve.data;
    pos += 4;
    out.fill(0xaa, pos, pos + reserve.header);
    pos += reserve.header;
  }
  input.folders.forEach((folder, index) => {
    view.setUint32(pos, folderOffsets[index]!, true);
    view.setUint16(pos + 4, folder.blocks.length, true);
    view.setUint16(pos + 6, folder.compressionType, true);
    out.fill(0xbb, pos + 8, pos + folderSize);
    pos += folderSize;
  });
  input.files.forEach((file, index) => {
    view.setUint32(pos, file.size, true);
    view.setUint32(pos + 4, file.offset, true);
    view.setUint16(pos + 8, file.folder, true);
    view.setUint16(pos + 10, file.date ?? ((2024 - 1980) << 9) | (3 << 5) | 15, true);
    view.setUint16(pos + 12, file.time ?? (13 << 11) | (37 << 5) | 21, true);
    view.setUint16(pos + 14, file.attributes ?? 0x20, true);
    pos += 16;
    const name = names[index]!;
    out.set(name, pos);
    pos += name.length + 1;
  });
  for (const folder of input.folders) {
    for (const block of folder.blocks) {
      view.setUint16(pos + 4, block.payload.length, true);
      view.setUint16(pos + 6, block.uncompressedSize, true);
      out.fill(0xcc, pos + 8, pos + 8 + dataReserve);
      out.set(block.payload, pos + 8 + dataReserve);
      if (input.checksums ?? true) view.setUint32(pos, dataChecksum(block.payload, out.subarray(pos + 4, pos + 8)), true);
      pos += 8 + dataReserve + block.payload.length;
    }
  }
  return out;
}

function encodeName(name: string, attributes: number): Uint8Array {
  if ((attributes & 0x80) !== 0) return new TextEncoder().encode(name);
  return Uint8Array.from(name, (char) => char.charCodeAt(0) & 0xff);
}

/** The cabinet checksum (an XOR of little-endian words; a 1-3 byte tail goes in most significant first). */
export function dataChecksum(payload: Uint8Array, sizes: Uint8Array): number {
  const sumOf = (bytes: Uint8Array, seed: number): number => {
    let sum = seed;
    const whole = bytes.length - (bytes.length % 4);
    for (let i = 0; i < whole; i += 4) sum ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    let tail = 0;
    for (let i = whole; i < bytes.length; i++) tail = (tail << 8) | bytes[i]!;
    return (sum ^ tail) >>> 0;
  };
  return sumOf(sizes, sumOf(payload, 0));
}

/** Stored blocks of up to 32 KiB. */
export function storedBlocks(data: Uint8Array, blockSize = 32768): BuilderBlock[] {
  const blocks: BuilderBlock[] = [];
  for (let pos = 0; pos < data.length; pos += blockSize) {
    const payload = data.subarray(pos, Math.min(pos + blockSize, data.length));
    blocks.push({ payload, uncompressedSize: payload.length });
  }
  return blocks;
}

/** MSZIP blocks: "CK" + raw deflate of each 32 KiB, with the previous 32 KiB as the dictionary (as Microsoft's encoder does). */
export function mszipBlocks(data: Uint8Array): BuilderBlock[] {
  const blocks: BuilderBlock[] = [];
  for (let pos = 0; pos < data.length; pos += 32768) {
    const chunk = data.subarray(pos, Math.min(pos + 32768, data.length));
    const dictionary = data.subarray(Math.max(0, pos - 32768), pos);
    const deflated = deflateRawSync(chunk, dictionary.length > 0 ? { dictionary } : {});
    const payload = new Uint8Array(deflated.length + 2);
    payload[0] = 0x43;
    payload[1] = 0x4b;
    payload.set(deflated, 2);
    blocks.push({ payload, uncompressedSize: chunk.length });
  }
  return blocks;
}

/** Files laid end to end in one folder. */
export function filesInFolder(files: { name: string; bytes: Uint8Array; attributes?: number }[], folder: number): { layout: BuilderFile[]; data: Uint8Array } {
  const total = files.reduce((sum, file) => sum + file.bytes.length, 0);
  const data = new Uint8Array(total);
  const layout: BuilderFile[] = [];
  let offset = 0;
  for (const file of files) {
    data.set(file.bytes, offset);
    layout.push({ name: file.name, folder, offset, size: file.bytes.length, ...(file.attributes === undefined ? {} : { attributes: file.attributes }) });
    offset += file.bytes.length;
  }
  return { layout, data };
}
