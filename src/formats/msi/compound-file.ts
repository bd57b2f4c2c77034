// A minimal OLE compound file (CFB, MS-CFB) writer and a defensive reader, enough for Windows Installer
// databases: every stream sits in the root storage. Our own writer rather than the `cfb` package because
// `cfb` adds a "\u0001Sh33tJ5" seed stream to every file it creates (an extra stream in the MSI) and links
// siblings as a degenerate list; here the output has exactly the given streams, a balanced sibling tree
// and no clock in it (byte-identical for identical input).
import { BtsBackupError } from '../../errors/index.js';

export const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

/** CLSID of a Windows Installer package, set on the root storage. */
export const MSI_PACKAGE_CLSID = '000C1084-0000-0000-C000-000000000046';

const SECTOR = 512;
export const MINI_SECTOR = 64;
const MINI_CUTOFF = 4096;
export const FREESECT = 0xffffffff;
export const ENDOFCHAIN = 0xfffffffe;
export const FATSECT = 0xfffffffd;
export const DIFSECT = 0xfffffffc;
export const NOSTREAM = 0xffffffff;
export const HEADER_DIFAT_SLOTS = 109;

export interface CompoundStream {
  /** The raw directory name (for MSI: already encoded). At most 31 UTF-16 code units. */
  name: string;
  bytes: Uint8Array;
}

export function hasCfbSignature(bytes: Uint8Array): boolean {
  if (bytes.length < CFB_SIGNATURE.length) return false;
  return CFB_SIGNATURE.every((value, index) => bytes[index] === value);
}

/** CFB's directory order: shorter names first, then code unit by code unit, upper-cased. */
export function compareCfbNames(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const x = upper(a.charCodeAt(i));
    const y = upper(b.charCodeAt(i));
    if (x !== y) return x - y;
  }
  return 0;
}

function upper(code: number): number {
  const mapped = String.fromCharCode(code).toUpperCase();
  return mapped.length === 1 ? mapped.charCodeAt(0) : code;
}

// ---------------------------------------------------------------- writer

export function writeCompoundFile(streams: CompoundStream[], rootClsid: string = MSI_PACKAGE_CLSID): Uint8Array {
  const sorted = [...streams].sort((a, b) => compareCfbNames(a.name, b.name));
  for (let i = 0; i < sorted.length; i++) {
    const name = sorted[i]!.name;
    if (name.length === 0 || name.length > 31) throw new RangeError(`CFB stream name of ${name.length} code units: must be 1..31`);
    if (i > 0 && compareCfbNames(sorted[i - 1]!.name, name) === 0) throw new RangeError(`duplicate CFB stream name ${JSON.stringify(name)}`);
  }

  // Mini stream: streams under the cutoff, in 64-byte mini sectors.
  const miniFat: number[] = [];
  const miniChunks: Uint8Array[] = [];
  const starts = new Map<CompoundStream, number>();
  for (const stream of sorted) {
    if (stream.bytes.length >= MINI_CUTOFF) continue;
    if (stream.bytes.length === 0) {
      starts.set(stream, ENDOFCHAIN);
      continue;
    }
    const count = Math.ceil(stream.bytes.length / MINI_SECTOR);
    const first = miniFat.length;
    for (let k = 0; k < count; k++) miniFat.push(k === count - 1 ? ENDOFCHAIN : first + k + 1);
    starts.set(stream, first);
    miniChunks.push(stream.bytes);
    const pad = count * MINI_SECTOR - stream.bytes.length;
    if (pad > 0) miniChunks.push(new Uint8Array(pad));
  }
  const miniStreamSize = miniFat.length * MINI_SECTOR;

  const dirEntries = sorted.length + 1;
  const dirSectors = Math.ceil((dirEntries * 128) / SECTOR);
  const miniFatSectors = Math.ceil((miniFat.length * 4) / SECTOR);
  const miniStreamSectors = Math.ceil(miniStreamSize / SECTOR);
  const bigSectors = sorted.reduce((sum, s) => sum + (s.bytes.length >= MINI_CUTOFF ? Math.ceil(s.bytes.length / SECTOR) : 0), 0);
  const dataSectors = dirSectors + miniFatSectors + miniStreamSectors + bigSectors;

  let fatSectors = 1;
  let difatSectors = 0;
  for (;;) {
    difatSectors = fatSectors > HEADER_DIFAT_SLOTS ? Math.ceil((fatSectors - HEADER_DIFAT_SLOTS) / 127) : 0;
    if (fatSectors * 128 >= dataSectors + fatSectors + difatSectors) break;
    fatSectors++;
  }
  const totalSectors = dataSectors + fatSectors + difatSectors;
  const fat = new Uint32Array(fatSectors * 128).fill(FREESECT);
  let next = 0;
  const chain = (count: number): number => {
    if (count === 0) return ENDOFCHAIN;
    const first = next;
    for (let k = 0; k < count; k++) fat[first + k] = k === count - 1 ? ENDOFCHAIN : first + k + 1;
    next += count;
    return first;
  };
  const dirStart = chain(dirSectors);
  const miniFatStart = chain(miniFatSectors);
  const miniStreamStart = chain(miniStreamSectors);
  for (const stream of sorted) {
    if (stream.bytes.length >= MINI_CUTOFF) starts.set(stream, chain(Math.ceil(stream.bytes.length / SECTOR)));
  }
  const fatStart = next;
  for (let k = 0; k < fatSectors; k++) fat[next++] = FATSECT;
  const difatStart = next;
  for (let k = 0; k < difatSectors; k++) fat[next++] = DIFSECT;

  const out = new Uint8Array(SECTOR * (1 + totalSectors));
  const view = new DataView(out.buffer);
  // Header
  out.set(CFB_SIGNATURE, 0);
  view.setUint16(0x18, 0x003e, true);
  view.setUint16(0x1a, 0x0003, true);
  view.setUint16(0x1c, 0xfffe, true);
  view.setUint16(0x1e, 9, true);
  view.setUint16(0x20, 6, true);
  view.setUint32(0x2c, fatSectors, true);
  view.setUint32(0x30, dirStart, true);
  view.setUint32(0x38, MINI_CUTOFF, true);
  view.setUint32(0x3c, miniFatSectors > 0 ? miniFatStart : ENDOFCHAIN, true);
  view.setUint32(0x40, miniFatSectors, true);
  view.setUint32(0x44, difatSectors > 0 ? difatStart : ENDOFCHAIN, true);
  view.setUint32(0x48, difatSectors, true);
  for (let k = 0; k < HEADER_DIFAT_SLOTS; k++) view.setUint32(0x4c + 4 * k, k < fatSectors ? fatStart + k : FREESECT, true);
  const sectorOffset = (id: number): number => SECTOR * (1 + id);
  // DIFAT sectors
  for (let d = 0; d < difatSectors; d++) {
    const base = sectorOffset(difatStart + d);
    for (let k = 0; k < 127; k++) {
      const fatIndex = HEADER_DIFAT_SLOTS + d * 127 + k;
      view.setUint32(base + 4 * k, fatIndex < fatSectors ? fatStart + fatIndex : FREESECT, true);
    }
    view.setUint32(base + 508, d === difatSectors - 1 ? ENDOFCHAIN : difatStart + d + 1, true);
  }
  // FAT
  for (let k = 0; k < fat.length; k++) view.setUint32(sectorOffset(fatStart) + 4 * k, fat[k]!, true);
  // Mini FAT
  if (miniFatSectors > 0) {
    const base = sectorOffset(miniFatStart);
    for (let k = 0; k < miniFatSectors * 128; k++) view.setUint32(base + 4 * k, k < miniFat.length ? miniFat[k]! : FREESECT, true);
  }
  // Mini stream
  let cursor = miniStreamSectors > 0 ? sectorOffset(miniStreamStart) : 0;
  for (const chunk of miniChunks) {
    out.set(chunk, cursor);
    cursor += chunk.length;
  }
  // Big streams
  for (const stream of sorted) {
    if (stream.bytes.length >= MINI_CUTOFF) out.set(stream.bytes, sectorOffset(starts.get(stream)!));
  }
  // Directory: entry 0 is the root, entries 1..n the streams in sorted order, as a balanced tree.
  const left = new Array<number>(dirEntries).fill(NOSTREAM);
  const right = new Array<number>(dirEntries).fill(NOSTREAM);
  const build = (lo: number, hi: number): number => {
    if (lo > hi) return NOSTREAM;
    const mid = (lo + hi) >> 1;
    left[mid] = build(lo, mid - 1);
    right[mid] = build(mid + 1, hi);
    return mid;
  };
  const rootChild = build(1, sorted.length);
  const dirBase = sectorOffset(dirStart);
  for (let e = 0; e < dirSectors * 4; e++) {
    const base = dirBase + e * 128;
    if (e >= dirEntries) {
      view.setUint32(base + 0x44, NOSTREAM, true);
      view.setUint32(base + 0x48, NOSTREAM, true);
      view.setUint32(base + 0x4c, NOSTREAM, true);
      continue;
    }
    const isRoot = e === 0;
    const stream = isRoot ? undefined : sorted[e - 1]!;
    const name = isRoot ? 'Root Entry' : stream!.name;
    for (let c = 0; c < name.length; c++) view.setUint16(base + 2 * c, name.charCodeAt(c), true);
    view.setUint16(base + 0x40, (name.length + 1) * 2, true);
    out[base + 0x42] = isRoot ? 5 : 2;
    out[base + 0x43] = 1; // black
    view.setUint32(base + 0x44, isRoot ? NOSTREAM : left[e]!, true);
    view.setUint32(base + 0x48, isRoot ? NOSTREAM : right[e]!, true);
    view.setUint32(base + 0x4c, isRoot ? rootChild : NOSTREAM, true);
    if (isRoot) writeClsid(out, base + 0x50, rootClsid);
    if (isRoot) {
      view.setUint32(base + 0x74, miniStreamSectors > 0 ? miniStreamStart : ENDOFCHAIN, true);
      view.setUint32(base + 0x78, miniStreamSize, true);
    } else {
      view.setUint32(base + 0x74, starts.get(stream!)!, true);
      view.setUint32(base + 0x78, stream!.bytes.length, true);
    }
  }
  return out;
}

function writeClsid(out: Uint8Array, offset: number, clsid: string): void {
  const hex = clsid.replace(/[{}-]/g, '');
  const bytes = Buffer.from(hex, 'hex');
  // Data1..Data3 little-endian, Data4 as is.
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  order.forEach((from, to) => {
    out[offset + to] = bytes[from] ?? 0;
  });
}

// ---------------------------------------------------------------- reader

export interface CompoundEntry {
  name: string;
  type: 'stream' | 'storage';
  size: number;
}

export interface CompoundFile {
  /** Streams and storages directly under the root storage, in directory order. */
  entries: CompoundEntry[];
  /** The stream's bytes, or undefined when the root has no stream of that raw name. */
  read(name: string): Uint8Array | undefined;
}

export function readCompoundFile(bytes: Uint8Array, source: string): CompoundFile {
  const fail = (problem: string): BtsBackupError =>
    new BtsBackupError('E_INVALID_DATA', `${source} is not a readable compound file (MSI): ${problem}.`, {
      target: source,
      hint: 'The file is damaged or not a Windows Installer package; export the application again.',
    });
  if (!hasCfbSignature(bytes)) throw fail('the D0CF11E0 signature is missing');
  if (bytes.length < SECTOR) throw fail('the header is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = view.getUint16(0x1e, true);
  if (shift !== 9 && shift !== 12) throw fail(`sector shift ${shift} is neither 9 nor 12`);
  const sectorSize = 1 << shift;
  const miniShift = view.getUint16(0x20, true);
  if (miniShift !== 6) throw fail(`mini sector shift ${miniShift} is not 6`);
  const miniCutoff = view.getUint32(0x38, true);
  const sectorCount = Math.floor((bytes.length - sectorSize) / sectorSize) + (bytes.length % sectorSize === 0 ? 0 : 1);
  const sectorStart = (id: number): number => (id + 1) * sectorSize;
  const u32 = (offset: number): number => {
    if (offset + 4 > bytes.length) throw fail('a sector lies beyond the end of the file');
    return view.getUint32(offset, true);
  };

  // FAT sector list from the header's DIFAT and the DIFAT chain.
  const fatCount = view.getUint32(0x2c, true);
  if (fatCount > sectorCount) throw fail('the FAT is larger than the file');
  const fatSectorIds: number[] = [];
  for (let k = 0; k < HEADER_DIFAT_SLOTS && fatSectorIds.length < fatCount; k++) fatSectorIds.push(view.getUint32(0x4c + 4 * k, true));
  let difat = view.getUint32(0x44, true);
  const seenDifat = new Set<number>();
  while (fatSectorIds.length < fatCount) {
    if (difat >= sectorCount || seenDifat.has(difat)) throw fail('the DIFAT chain is broken');
    seenDifat.add(difat);
    const perSector = sectorSize / 4 - 1;
    for (let k = 0; k < perSector && fatSectorIds.length < fatCount; k++) fatSectorIds.push(u32(sectorStart(difat) + 4 * k));
    difat = u32(sectorStart(difat) + sectorSize - 4);
  }
  const perFatSector = sectorSize / 4;
  const fat = new Uint32Array(fatCount * perFatSector);
  fatSectorIds.forEach((id, index) => {
    if (id >= sectorCount) throw fail('a FAT sector lies beyond the end of the file');
    for (let k = 0; k < perFatSector; k++) fat[index * perFatSector + k] = u32(sectorStart(id) + 4 * k);
  });

  const readChain = (start: number, size: number | undefined, what: string): Uint8Array => {
    const limit = size === undefined ? sectorCount : Math.ceil(size / sectorSize);
    if (size !== undefined && size > bytes.length) throw fail(`${what} claims ${size} bytes, more than the file holds`);
    const parts: number[] = [];
    const seen = new Set<number>();
    let id = start;
    while (id !== ENDOFCHAIN) {
      if (id >= sectorCount || id >= fat.length || seen.has(id)) throw fail(`the sector chain of ${what} is broken`);
      if (parts.length >= limit) {
        if (size !== undefined) break;
        throw fail(`the sector chain of ${what} is too long`);
      }
      seen.add(id);
      parts.push(id);
      id = fat[id]!;
    }
    const total = size ?? parts.length * sectorSize;
    if (parts.length * sectorSize < total) throw fail(`${what} is shorter than its recorded size`);
    const out = new Uint8Array(total);
    parts.forEach((sector, index) => {
      const from = sectorStart(sector);
      const length = Math.min(sectorSize, total - index * sectorSize);
      if (from + length > bytes.length) throw fail(`${what} runs past the end of the file`);
      out.set(bytes.subarray(from, from + length), index * sectorSize);
    });
    return out;
  };

  const directory = readChain(view.getUint32(0x30, true), undefined, 'the directory');
  const dirView = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const entryCount = Math.floor(directory.length / 128);
  if (entryCount === 0) throw fail('the directory is empty');
  interface RawEntry {
    name: string;
    type: number;
    left: number;
    right: number;
    child: number;
    start: number;
    size: number;
  }
  const entry = (index: number): RawEntry => {
    const base = index * 128;
    const nameBytes = dirView.getUint16(base + 0x40, true);
    if (nameBytes > 64 || nameBytes % 2 !== 0) throw fail(`directory entry ${index} has a bad name length`);
    let name = '';
    for (let c = 0; c < Math.max(0, nameBytes / 2 - 1); c++) name += String.fromCharCode(dirView.getUint16(base + 2 * c, true));
    const sizeHigh = shift === 12 ? dirView.getUint32(base + 0x7c, true) : 0;
    if (sizeHigh !== 0) throw fail(`directory entry ${index} is larger than 4 GiB`);
    return {
      name,
      type: directory[base + 0x42]!,
      left: dirView.getUint32(base + 0x44, true),
      right: dirView.getUint32(base + 0x48, true),
      child: dirView.getUint32(base + 0x4c, true),
      start: dirView.getUint32(base + 0x74, true),
      size: dirView.getUint32(base + 0x78, true),
    };
  };
  const root = entry(0);
  if (root.type !== 5) throw fail('the first directory entry is not the root storage');

  const children: RawEntry[] = [];
  const visited = new Set<number>();
  const stack: number[] = [root.child];
  while (stack.length > 0) {
    const index = stack.pop()!;
    if (index === NOSTREAM) continue;
    if (index >= entryCount || visited.has(index) || index === 0) throw fail('the directory tree is broken');
    visited.add(index);
    const raw = entry(index);
    if (raw.type !== 1 && raw.type !== 2) throw fail(`directory entry ${index} has type ${raw.type}`);
    children.push(raw);
    stack.push(raw.right, raw.left);
  }
  children.sort((a, b) => compareCfbNames(a.name, b.name));

  let miniStream: Uint8Array | undefined;
  let miniFat: Uint32Array | undefined;
  const loadMini = (): { stream: Uint8Array; fat: Uint32Array } => {
    if (miniStream === undefined || miniFat === undefined) {
      miniStream = root.start === ENDOFCHAIN ? new Uint8Array(0) : readChain(root.start, root.size, 'the mini stream');
      const miniFatStart = view.getUint32(0x3c, true);
      const raw = miniFatStart === ENDOFCHAIN ? new Uint8Array(0) : readChain(miniFatStart, undefined, 'the mini FAT');
      const rawView = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      miniFat = new Uint32Array(Math.floor(raw.length / 4));
      for (let k = 0; k < miniFat.length; k++) miniFat[k] = rawView.getUint32(4 * k, true);
    }
    return { stream: miniStream, fat: miniFat };
  };
  const readMini = (start: number, size: number, what: string): Uint8Array => {
    const mini = loadMini();
    const out = new Uint8Array(size);
    const seen = new Set<number>();
    let id = start;
    for (let offset = 0; offset < size; offset += MINI_SECTOR) {
      if (id === ENDOFCHAIN || id >= mini.fat.length || seen.has(id)) throw fail(`the mini sector chain of ${what} is broken`);
      seen.add(id);
      const from = id * MINI_SECTOR;
      const length = Math.min(MINI_SECTOR, size - offset);
      if (from + length > mini.stream.length) throw fail(`${what} lies beyond the mini stream`);
      out.set(mini.stream.subarray(from, from + length), offset);
      id = mini.fat[id]!;
    }
    return out;
  };

  return {
    entries: children.map((c) => ({ name: c.name, type: c.type === 2 ? 'stream' : 'storage', size: c.type === 2 ? c.size : 0 })),
    read(name: string): Uint8Array | undefined {
      const found = children.find((c) => c.type === 2 && c.name === name);
      if (found === undefined) return undefined;
      if (found.size === 0) return new Uint8Array(0);
      const what = `stream ${JSON.stringify(name)}`;
      return found.size < miniCutoff ? readMini(found.start, found.size, what) : readChain(found.start, found.size, what);
    },
  };
}
