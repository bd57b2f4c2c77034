// Replaces streams of an existing compound file (MS-CFB) in place, leaving every other byte where it was:
// the header, the directory (apart from the replaced entries' start and size), every other stream's sectors,
// storages, CLSIDs, timestamps and free space. A replaced stream reuses its own sectors; a longer one gets new
// sectors appended at the end of the file (with FAT and DIFAT sectors as needed), a shorter one frees the rest.
// Only when a stream would move between the mini stream and regular sectors, or a mini stream grows, is the
// file rebuilt from its streams (each copied verbatim) by writeCompoundFile.
import { BtsBackupError } from '../../errors/index.js';
import {
  compareCfbNames,
  DIFSECT,
  ENDOFCHAIN,
  FATSECT,
  FREESECT,
  hasCfbSignature,
  HEADER_DIFAT_SLOTS,
  MINI_SECTOR,
  NOSTREAM,
  readCompoundFile,
  writeCompoundFile,
} from './compound-file.js';


interface DirectoryEntry {
  index: number;
  name: string;
  type: number;
  start: number;
  size: number;
}

/**
 * Returns a copy of `bytes` in which each stream named in `replacements` (raw directory names, directly under
 * the root storage) holds the new bytes. Throws E_INVALID_DATA when the file is damaged or a stream is missing.
 */
export function replaceCompoundStreams(bytes: Uint8Array, replacements: ReadonlyMap<string, Uint8Array>, source: string): Uint8Array {
  const fail = (problem: string): BtsBackupError =>
    new BtsBackupError('E_INVALID_DATA', `${source} is not a compound file we can patch: ${problem}.`, {
      target: source,
      hint: 'The MSI is damaged or not a Windows Installer package; export the application again.',
    });
  if (!hasCfbSignature(bytes) || bytes.length < 512) throw fail('the header is missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = view.getUint16(0x1e, true);
  if (shift !== 9 && shift !== 12) throw fail(`sector shift ${shift}`);
  const sectorSize = 1 << shift;
  const perSector = sectorSize / 4;
  if (view.getUint16(0x20, true) !== 6) throw fail('mini sectors are not 64 bytes');
  const miniCutoff = view.getUint32(0x38, true);
  const fileSectors = Math.ceil(Math.max(0, bytes.length - sectorSize) / sectorSize);
  const u32 = (offset: number): number => {
    if (offset + 4 > bytes.length) throw fail('a sector lies beyond the end of the file');
    return view.getUint32(offset, true);
  };
  const sectorStart = (id: number): number => (id + 1) * sectorSize;

  // FAT sectors (header DIFAT, then the DIFAT chain) and the FAT itself.
  const fatCount = view.getUint32(0x2c, true);
  if (fatCount > fileSectors) throw fail('the FAT is larger than the file');
  const fatSectorIds: number[] = [];
  for (let k = 0; k < HEADER_DIFAT_SLOTS && fatSectorIds.length < fatCount; k++) fatSectorIds.push(view.getUint32(0x4c + 4 * k, true));
  const difatIds: number[] = [];
  let difat = view.getUint32(0x44, true);
  while (fatSectorIds.length < fatCount) {
    if (difat >= fileSectors || difatIds.includes(difat)) throw fail('the DIFAT chain is broken');
    difatIds.push(difat);
    for (let k = 0; k < perSector - 1 && fatSectorIds.length < fatCount; k++) fatSectorIds.push(u32(sectorStart(difat) + 4 * k));
    difat = u32(sectorStart(difat) + sectorSize - 4);
  }
  const fat: number[] = [];
  for (const id of fatSectorIds) {
    if (id >= fileSectors) throw fail('a FAT sector lies beyond the end of the file');
    for (let k = 0; k < perSector; k++) fat.push(u32(sectorStart(id) + 4 * k));
  }
  const chainOf = (start: number, what: string, table: number[] = fat, limit = table.length): number[] => {
    const ids: number[] = [];
    const seen = new Set<number>();
    for (let id = start; id !== ENDOFCHAIN; id = table[id]!) {
      if (id >= table.length || seen.has(id) || ids.length >= limit) throw fail(`the sector chain of ${what} is broken`);
      seen.add(id);
      ids.push(id);
    }
    return ids;
  };

  const dirIds = chainOf(view.getUint32(0x30, true), 'the directory');
  const entryOffset = (index: number): number => sectorStart(dirIds[Math.floor((index * 128) / sectorSize)]!) + ((index * 128) % sectorSize);
  const entryCount = (dirIds.length * sectorSize) / 128;
  const readEntry = (index: number): DirectoryEntry => {
    if (index >= entryCount) throw fail('the directory tree is broken');
    const base = entryOffset(index);
    const nameBytes = view.getUint16(base + 0x40, true);
    if (nameBytes > 64 || nameBytes % 2 !== 0) throw fail(`directory entry ${index} has a bad name length`);
    let name = '';
    for (let c = 0; c < Math.max(0, nameBytes / 2 - 1); c++) name += String.fromCharCode(view.getUint16(base + 2 * c, true));
    return { index, name, type: bytes[base + 0x42]!, start: view.getUint32(base + 0x74, true), size: view.getUint32(base + 0x78, true) };
  };
  const root = readEntry(0);
  if (root.type !== 5) throw fail('the first directory entry is not the root storage');
  const children: DirectoryEntry[] = [];
  const stack = [view.getUint32(entryOffset(0) + 0x4c, true)];
  const visited = new Set<number>();
  while (stack.length > 0) {
    const index = stack.pop()!;
    if (index === NOSTREAM) continue;
    if (index === 0 || visited.has(index)) throw fail('the directory tree is broken');
    visited.add(index);
    children.push(readEntry(index));
    const base = entryOffset(index);
    stack.push(view.getUint32(base + 0x48, true), view.getUint32(base + 0x44, true));
  }

  const targets = [...replacements].map(([name, replacement]) => {
    const entry = children.find((child) => child.type === 2 && child.name === name);
    if (entry === undefined) throw fail(`it has no stream ${JSON.stringify(name)} to replace`);
    return { entry, replacement };
  });
  const inMini = (size: number): boolean => size < miniCutoff;
  const miniGrows = (entry: DirectoryEntry, replacement: Uint8Array): boolean =>
    Math.ceil(replacement.length / MINI_SECTOR) > Math.ceil(entry.size / MINI_SECTOR) || replacement.length === 0 || entry.size === 0;
  const inPlace = targets.every(({ entry, replacement }) =>
    inMini(entry.size) === inMini(replacement.length) && !(inMini(entry.size) && miniGrows(entry, replacement)));
  if (!inPlace) return rebuild(bytes, children, replacements, source, fail);

  // Working copy; new sectors go at the end.
  let nextSector = fileSectors;
  const newSectors: number[] = [];
  const allocate = (): number => {
    const id = nextSector++;
    newSectors.push(id);
    // The FAT must describe every sector, including the FAT and DIFAT sectors this adds.
    while (fat.length < nextSector) {
      const fatId = nextSector++;
      for (let k = 0; k < perSector; k++) fat.push(FREESECT);
      fatSectorIds.push(fatId);
      fat[fatId] = FATSECT;
      if (fatSectorIds.length > HEADER_DIFAT_SLOTS + difatIds.length * (perSector - 1)) {
        const difatId = nextSector++;
        difatIds.push(difatId);
        while (fat.length < nextSector) {
          // Practically never: one FAT sector describes 128 sectors, so the one just added covers these.
          const extra = nextSector++;
          for (let k = 0; k < perSector; k++) fat.push(FREESECT);
          fatSectorIds.push(extra);
          fat[extra] = FATSECT;
        }
        fat[difatId] = DIFSECT;
      }
    }
    return id;
  };

  interface Write {
    offset: number;
    data: Uint8Array;
  }
  const writes: Write[] = [];
  const entryUpdates: { index: number; start: number; size: number }[] = [];
  let miniFat: number[] | undefined;
  let miniFatIds: number[] = [];
  let miniStreamIds: number[] = [];
  for (const { entry, replacement } of targets) {
    if (inMini(entry.size)) {
      if (miniFat === undefined) {
        miniFatIds = chainOf(view.getUint32(0x3c, true), 'the mini FAT');
        miniFat = [];
        for (const id of miniFatIds) for (let k = 0; k < perSector; k++) miniFat.push(u32(sectorStart(id) + 4 * k));
        miniStreamIds = root.start === ENDOFCHAIN ? [] : chainOf(root.start, 'the mini stream');
      }
      const ids = chainOf(entry.start, `stream ${JSON.stringify(entry.name)}`, miniFat, Math.ceil(entry.size / MINI_SECTOR));
      const count = Math.ceil(replacement.length / MINI_SECTOR);
      ids.forEach((id, k) => {
        if (k >= count) {
          miniFat![id] = FREESECT;
          return;
        }
        miniFat![id] = k === count - 1 ? ENDOFCHAIN : ids[k + 1]!;
        const chunk = new Uint8Array(MINI_SECTOR);
        chunk.set(replacement.subarray(k * MINI_SECTOR, Math.min(replacement.length, (k + 1) * MINI_SECTOR)));
        const at = id * MINI_SECTOR;
        const sector = miniStreamIds[Math.floor(at / sectorSize)];
        if (sector === undefined) throw fail(`stream ${JSON.stringify(entry.name)} lies beyond the mini stream`);
        writes.push({ offset: sectorStart(sector) + (at % sectorSize), data: chunk });
      });
      entryUpdates.push({ index: entry.index, start: entry.start, size: replacement.length });
    } else {
      const ids = chainOf(entry.start, `stream ${JSON.stringify(entry.name)}`, fat, Math.ceil(entry.size / sectorSize));
      const count = Math.ceil(replacement.length / sectorSize);
      for (let k = count; k < ids.length; k++) fat[ids[k]!] = FREESECT;
      const used = ids.slice(0, count);
      while (used.length < count) used.push(allocate());
      used.forEach((id, k) => {
        fat[id] = k === count - 1 ? ENDOFCHAIN : used[k + 1]!;
        const chunk = new Uint8Array(sectorSize);
        chunk.set(replacement.subarray(k * sectorSize, Math.min(replacement.length, (k + 1) * sectorSize)));
        writes.push({ offset: sectorStart(id), data: chunk });
      });
      entryUpdates.push({ index: entry.index, start: used[0]!, size: replacement.length });
    }
  }

  const out = new Uint8Array((nextSector + 1) * sectorSize);
  out.set(bytes.subarray(0, Math.min(bytes.length, out.length)));
  const outView = new DataView(out.buffer);
  for (const write of writes) out.set(write.data, write.offset);
  for (const update of entryUpdates) {
    const base = entryOffset(update.index);
    outView.setUint32(base + 0x74, update.start, true);
    outView.setUint32(base + 0x78, update.size, true);
  }
  if (miniFat !== undefined) {
    miniFatIds.forEach((id, s) => {
      for (let k = 0; k < perSector; k++) outView.setUint32(sectorStart(id) + 4 * k, miniFat![s * perSector + k] ?? FREESECT, true);
    });
  }
  if (newSectors.length > 0 || fatSectorIds.length !== fatCount) {
    // Sectors the FAT or DIFAT added are described below; stream sectors were written above.
    outView.setUint32(0x2c, fatSectorIds.length, true);
    for (let k = 0; k < HEADER_DIFAT_SLOTS; k++) outView.setUint32(0x4c + 4 * k, fatSectorIds[k] ?? FREESECT, true);
    outView.setUint32(0x44, difatIds[0] ?? ENDOFCHAIN, true);
    outView.setUint32(0x48, difatIds.length, true);
    difatIds.forEach((id, d) => {
      for (let k = 0; k < perSector - 1; k++) outView.setUint32(sectorStart(id) + 4 * k, fatSectorIds[HEADER_DIFAT_SLOTS + d * (perSector - 1) + k] ?? FREESECT, true);
      outView.setUint32(sectorStart(id) + sectorSize - 4, difatIds[d + 1] ?? ENDOFCHAIN, true);
    });
  }
  fatSectorIds.forEach((id, s) => {
    for (let k = 0; k < perSector; k++) outView.setUint32(sectorStart(id) + 4 * k, fat[s * perSector + k] ?? FREESECT, true);
  });
  return out;
}

/** The fallback: every root stream copied verbatim into a new compound file (with the root's CLSID). */
function rebuild(
  bytes: Uint8Array,
  children: DirectoryEntry[],
  replacements: ReadonlyMap<string, Uint8Array>,
  source: string,
  fail: (problem: string) => BtsBackupError,
): Uint8Array {
  if (children.some((child) => child.type !== 2)) {
    throw new BtsBackupError('E_UNSUPPORTED', `${source}: a stream would have to move within a package that holds storages (embedded transforms); it cannot be patched.`, {
      target: source,
      hint: 'BizTalk exports hold no storages; this is not a package BizTalk wrote.',
    });
  }
  const file = readCompoundFile(bytes, source);
  const streams = children
    .slice()
    .sort((a, b) => compareCfbNames(a.name, b.name))
    .map((child) => {
      const data = replacements.get(child.name) ?? file.read(child.name);
      if (data === undefined) throw fail(`stream ${JSON.stringify(child.name)} cannot be read`);
      return { name: child.name, bytes: data };
    });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rootBase = (view.getUint32(0x30, true) + 1) * (1 << view.getUint16(0x1e, true));
  const clsid = bytes.subarray(rootBase + 0x50, rootBase + 0x60);
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = Array.from(clsid.subarray(from, to));
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  const rootClsid = `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`.toUpperCase();
  return writeCompoundFile(streams, rootClsid);
}
