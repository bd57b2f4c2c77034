// Reads the identity and AssemblyRefs of a .NET assembly (ECMA-335 partition II) in pure TypeScript.
// Every read is bounds-checked: bad input throws E_INVALID_DATA, never a RangeError, and every loop is bounded by the
// size of the input.
import { createHash } from 'node:crypto';
import { BtsBackupError } from '../../errors/index.js';
import type { AssemblyIdentity } from '../../core/model.js';

export interface AssemblyInfo {
  identity: AssemblyIdentity;
  /** AssemblyRef rows in table order. */
  references: AssemblyIdentity[];
  /** The assembly's TargetFrameworkAttribute, e.g. ".NETFramework,Version=v4.8", when it has one. */
  targetFramework?: string;
  /**
   * True when the assembly references Microsoft.XLANGs.BaseTypes or any Microsoft.BizTalk.* assembly: every schema,
   * map, orchestration and pipeline assembly BizTalk deploys does, ordinary helper libraries do not.
   */
  isBizTalkAssembly: boolean;
}

const HINT = 'The file is not a valid .NET assembly (PE image with CLI metadata); it may be truncated or corrupt.';

class Bytes {
  constructor(
    readonly data: Uint8Array,
    readonly source: string,
  ) {}

  fail(message: string): never {
    throw new BtsBackupError('E_INVALID_DATA', `${this.source}: ${message}`, { target: this.source, hint: HINT });
  }

  check(offset: number, length: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.data.length) {
      this.fail(`${what} lies outside the file (offset ${offset}, length ${length}, file ${this.data.length} bytes).`);
    }
  }

  u8(offset: number, what: string): number {
    this.check(offset, 1, what);
    return this.data[offset] as number;
  }

  u16(offset: number, what: string): number {
    this.check(offset, 2, what);
    return (this.data[offset] as number) | ((this.data[offset + 1] as number) << 8);
  }

  u32(offset: number, what: string): number {
    this.check(offset, 4, what);
    return (
      ((this.data[offset] as number) |
        ((this.data[offset + 1] as number) << 8) |
        ((this.data[offset + 2] as number) << 16) |
        ((this.data[offset + 3] as number) << 24)) >>>
      0
    );
  }

  slice(offset: number, length: number, what: string): Uint8Array {
    this.check(offset, length, what);
    return this.data.subarray(offset, offset + length);
  }
}

interface Section {
  virtualAddress: number;
  virtualSize: number;
  rawPointer: number;
  rawSize: number;
}

/** Maps an RVA range to a file offset through the section table; the whole range must lie in one section's raw data. */
function rvaToOffset(bytes: Bytes, sections: Section[], rva: number, size: number, what: string): number {
  for (const section of sections) {
    const span = Math.max(section.virtualSize, section.rawSize);
    if (rva >= section.virtualAddress && rva < section.virtualAddress + span) {
      const delta = rva - section.virtualAddress;
      if (delta + size > section.rawSize) bytes.fail(`${what} extends past the raw data of its section.`);
      const offset = section.rawPointer + delta;
      bytes.check(offset, size, what);
      return offset;
    }
  }
  return bytes.fail(`${what} (RVA 0x${rva.toString(16)}) is in no section.`);
}

// ---- ECMA-335 II.22 table schema --------------------------------------------------------------------------------

/** Column kinds: fixed sizes, heap indexes, simple indexes into a table, coded indexes. */
type Column =
  | { kind: 'u16' }
  | { kind: 'u32' }
  | { kind: 'string' }
  | { kind: 'guid' }
  | { kind: 'blob' }
  | { kind: 'table'; table: number }
  | { kind: 'coded'; coded: CodedIndex };

const T = {
  Module: 0x00,
  TypeRef: 0x01,
  TypeDef: 0x02,
  FieldPtr: 0x03,
  Field: 0x04,
  MethodPtr: 0x05,
  MethodDef: 0x06,
  ParamPtr: 0x07,
  Param: 0x08,
  InterfaceImpl: 0x09,
  MemberRef: 0x0a,
  Constant: 0x0b,
  CustomAttribute: 0x0c,
  FieldMarshal: 0x0d,
  DeclSecurity: 0x0e,
  ClassLayout: 0x0f,
  FieldLayout: 0x10,
  StandAloneSig: 0x11,
  EventMap: 0x12,
  EventPtr: 0x13,
  Event: 0x14,
  PropertyMap: 0x15,
  PropertyPtr: 0x16,
  Property: 0x17,
  MethodSemantics: 0x18,
  MethodImpl: 0x19,
  ModuleRef: 0x1a,
  TypeSpec: 0x1b,
  ImplMap: 0x1c,
  FieldRVA: 0x1d,
  EncLog: 0x1e,
  EncMap: 0x1f,
  Assembly: 0x20,
  AssemblyProcessor: 0x21,
  AssemblyOS: 0x22,
  AssemblyRef: 0x23,
  AssemblyRefProcessor: 0x24,
  AssemblyRefOS: 0x25,
  File: 0x26,
  ExportedType: 0x27,
  ManifestResource: 0x28,
  NestedClass: 0x29,
  GenericParam: 0x2a,
  MethodSpec: 0x2b,
  GenericParamConstraint: 0x2c,
} as const;

/** A coded index (II.24.2.6): the tables it can point to, in tag order; -1 marks an unused tag. */
interface CodedIndex {
  tables: readonly number[];
}

const Coded = {
  TypeDefOrRef: { tables: [T.TypeDef, T.TypeRef, T.TypeSpec] },
  HasConstant: { tables: [T.Field, T.Param, T.Property] },
  HasCustomAttribute: {
    tables: [
      T.MethodDef, T.Field, T.TypeRef, T.TypeDef, T.Param, T.InterfaceImpl, T.MemberRef, T.Module, T.DeclSecurity,
      T.Property, T.Event, T.StandAloneSig, T.ModuleRef, T.TypeSpec, T.Assembly, T.AssemblyRef, T.File, T.ExportedType,
      T.ManifestResource, T.GenericParam, T.GenericParamConstraint, T.MethodSpec,
    ],
  },
  HasFieldMarshal: { tables: [T.Field, T.Param] },
  HasDeclSecurity: { tables: [T.TypeDef, T.MethodDef, T.Assembly] },
  MemberRefParent: { tables: [T.TypeDef, T.TypeRef, T.ModuleRef, T.MethodDef, T.TypeSpec] },
  HasSemantics: { tables: [T.Event, T.Property] },
  MethodDefOrRef: { tables: [T.MethodDef, T.MemberRef] },
  MemberForwarded: { tables: [T.Field, T.MethodDef] },
  Implementation: { tables: [T.File, T.AssemblyRef, T.ExportedType] },
  CustomAttributeType: { tables: [-1, -1, T.MethodDef, T.MemberRef, -1] },
  ResolutionScope: { tables: [T.Module, T.ModuleRef, T.AssemblyRef, T.TypeRef] },
  TypeOrMethodDef: { tables: [T.TypeDef, T.MethodDef] },
} as const satisfies Record<string, CodedIndex>;

const u16: Column = { kind: 'u16' };
const u32: Column = { kind: 'u32' };
const str: Column = { kind: 'string' };
const guid: Column = { kind: 'guid' };
const blob: Column = { kind: 'blob' };
const idx = (table: number): Column => ({ kind: 'table', table });
const coded = (c: CodedIndex): Column => ({ kind: 'coded', coded: c });

/** Every table of ECMA-335 II.22 (plus the ENC pointer and log tables of the uncompressed #- stream), by number. */
const SCHEMA: ReadonlyMap<number, readonly Column[]> = new Map<number, readonly Column[]>([
  [T.Module, [u16, str, guid, guid, guid]],
  [T.TypeRef, [coded(Coded.ResolutionScope), str, str]],
  [T.TypeDef, [u32, str, str, coded(Coded.TypeDefOrRef), idx(T.Field), idx(T.MethodDef)]],
  [T.FieldPtr, [idx(T.Field)]],
  [T.Field, [u16, str, blob]],
  [T.MethodPtr, [idx(T.MethodDef)]],
  [T.MethodDef, [u32, u16, u16, str, blob, idx(T.Param)]],
  [T.ParamPtr, [idx(T.Param)]],
  [T.Param, [u16, u16, str]],
  [T.InterfaceImpl, [idx(T.TypeDef), coded(Coded.TypeDefOrRef)]],
  [T.MemberRef, [coded(Coded.MemberRefParent), str, blob]],
  [T.Constant, [u16, coded(Coded.HasConstant), blob]],
  [T.CustomAttribute, [coded(Coded.HasCustomAttribute), coded(Coded.CustomAttributeType), blob]],
  [T.FieldMarshal, [coded(Coded.HasFieldMarshal), blob]],
  [T.DeclSecurity, [u16, coded(Coded.HasDeclSecurity), blob]],
  [T.ClassLayout, [u16, u32, idx(T.TypeDef)]],
  [T.FieldLayout, [u32, idx(T.Field)]],
  [T.StandAloneSig, [blob]],
  [T.EventMap, [idx(T.TypeDef), idx(T.Event)]],
  [T.EventPtr, [idx(T.Event)]],
  [T.Event, [u16, str, coded(Coded.TypeDefOrRef)]],
  [T.PropertyMap, [idx(T.TypeDef), idx(T.Property)]],
  [T.PropertyPtr, [idx(T.Property)]],
  [T.Property, [u16, str, blob]],
  [T.MethodSemantics, [u16, idx(T.MethodDef), coded(Coded.HasSemantics)]],
  [T.MethodImpl, [idx(T.TypeDef), coded(Coded.MethodDefOrRef), coded(Coded.MethodDefOrRef)]],
  [T.ModuleRef, [str]],
  [T.TypeSpec, [blob]],
  [T.ImplMap, [u16, coded(Coded.MemberForwarded), str, idx(T.ModuleRef)]],
  [T.FieldRVA, [u32, idx(T.Field)]],
  [T.EncLog, [u32, u32]],
  [T.EncMap, [u32]],
  [T.Assembly, [u32, u16, u16, u16, u16, u32, blob, str, str]],
  [T.AssemblyProcessor, [u32]],
  [T.AssemblyOS, [u32, u32, u32]],
  [T.AssemblyRef, [u16, u16, u16, u16, u32, blob, str, str, blob]],
  [T.AssemblyRefProcessor, [u32, idx(T.AssemblyRef)]],
  [T.AssemblyRefOS, [u32, u32, u32, idx(T.AssemblyRef)]],
  [T.File, [u32, str, blob]],
  [T.ExportedType, [u32, u32, str, str, coded(Coded.Implementation)]],
  [T.ManifestResource, [u32, u32, str, coded(Coded.Implementation)]],
  [T.NestedClass, [idx(T.TypeDef), idx(T.TypeDef)]],
  [T.GenericParam, [u16, u16, coded(Coded.TypeOrMethodDef), str]],
  [T.MethodSpec, [coded(Coded.MethodDefOrRef), blob]],
  [T.GenericParamConstraint, [idx(T.GenericParam), coded(Coded.TypeDefOrRef)]],
]);

const HEAP_STRINGS_WIDE = 0x01;
const HEAP_GUID_WIDE = 0x02;
const HEAP_BLOB_WIDE = 0x04;
const HEAP_EXTRA_DATA = 0x40;

const ASSEMBLY_FLAG_PUBLIC_KEY = 0x0001;

interface Heap {
  offset: number;
  size: number;
}

interface Table {
  rows: number;
  rowSize: number;
  offset: number;
  /** Byte offset of each column within a row, and its width. */
  columns: { offset: number; width: number }[];
}

class Metadata {
  readonly tables = new Map<number, Table>();
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    readonly bytes: Bytes,
    readonly strings: Heap,
    readonly blobs: Heap,
  ) {}

  rowCount(table: number): number {
    return this.tables.get(table)?.rows ?? 0;
  }

  /** Reads column `column` of row `row` (1-based) of `table` as an unsigned integer. */
  cell(table: number, row: number, column: number): number {
    const t = this.tables.get(table);
    const col = t?.columns[column];
    if (t === undefined || col === undefined || row < 1 || row > t.rows) {
      return this.bytes.fail(`row ${row} of table 0x${table.toString(16)} does not exist.`);
    }
    const at = t.offset + (row - 1) * t.rowSize + col.offset;
    return col.width === 2 ? this.bytes.u16(at, 'a metadata table cell') : this.bytes.u32(at, 'a metadata table cell');
  }

  string(index: number): string {
    if (index === 0) return '';
    if (index >= this.strings.size) this.bytes.fail(`string heap index 0x${index.toString(16)} is out of range.`);
    const start = this.strings.offset + index;
    const end = this.strings.offset + this.strings.size;
    const data = this.bytes.data;
    let stop = start;
    while (stop < end && data[stop] !== 0) stop++;
    if (stop >= end) this.bytes.fail('a string in the #Strings heap is not terminated.');
    try {
      return this.utf8.decode(data.subarray(start, stop));
    } catch {
      return this.bytes.fail('a string in the #Strings heap is not valid UTF-8.');
    }
  }

  blob(index: number): Uint8Array {
    if (index === 0) return new Uint8Array(0);
    if (index >= this.blobs.size) this.bytes.fail(`blob heap index 0x${index.toString(16)} is out of range.`);
    const heapEnd = this.blobs.offset + this.blobs.size;
    const { value: length, next } = readCompressed(this.bytes, this.blobs.offset + index, heapEnd);
    if (next + length > heapEnd) this.bytes.fail('a blob extends past the end of the #Blob heap.');
    return this.bytes.slice(next, length, 'a blob');
  }
}

/** ECMA-335 II.23.2 compressed unsigned integer, read before `end`. */
function readCompressed(bytes: Bytes, offset: number, end: number): { value: number; next: number } {
  const need = (n: number): void => {
    if (offset + n > end) bytes.fail('a compressed length runs past the end of its heap.');
  };
  need(1);
  const b0 = bytes.u8(offset, 'a compressed length');
  if ((b0 & 0x80) === 0) return { value: b0, next: offset + 1 };
  if ((b0 & 0xc0) === 0x80) {
    need(2);
    return { value: ((b0 & 0x3f) << 8) | bytes.u8(offset + 1, 'a compressed length'), next: offset + 2 };
  }
  if ((b0 & 0xe0) === 0xc0) {
    need(4);
    const value =
      (b0 & 0x1f) * 0x1000000 +
      (bytes.u8(offset + 1, 'a compressed length') << 16) +
      (bytes.u8(offset + 2, 'a compressed length') << 8) +
      bytes.u8(offset + 3, 'a compressed length');
    return { value, next: offset + 4 };
  }
  return bytes.fail('a compressed length has an invalid first byte.');
}

function codedWidth(c: CodedIndex, rows: (table: number) => number): number {
  const tagBits = Math.ceil(Math.log2(c.tables.length));
  const max = Math.max(0, ...c.tables.map((table) => (table < 0 ? 0 : rows(table))));
  return max < 2 ** (16 - tagBits) ? 2 : 4;
}

function parseTablesStream(md: Metadata, stream: Heap): void {
  const { bytes } = md;
  const at = stream.offset;
  if (stream.size < 24) bytes.fail('the metadata tables stream is too short.');
  const heapSizes = bytes.u8(at + 6, 'the heap size flags');
  const validLow = bytes.u32(at + 8, 'the valid tables mask');
  const validHigh = bytes.u32(at + 12, 'the valid tables mask');
  let cursor = at + 24;
  const present: number[] = [];
  for (let table = 0; table < 64; table++) {
    const bit = table < 32 ? (validLow >>> table) & 1 : (validHigh >>> (table - 32)) & 1;
    if (bit === 0) continue;
    if (!SCHEMA.has(table)) bytes.fail(`the metadata has table 0x${table.toString(16)}, which ECMA-335 does not define.`);
    const rows = bytes.u32(cursor, 'a table row count');
    cursor += 4;
    present.push(table);
    md.tables.set(table, { rows, rowSize: 0, offset: 0, columns: [] });
  }
  if ((heapSizes & HEAP_EXTRA_DATA) !== 0) cursor += 4;
  const rows = (table: number): number => md.rowCount(table);
  const stringWidth = (heapSizes & HEAP_STRINGS_WIDE) !== 0 ? 4 : 2;
  const guidWidth = (heapSizes & HEAP_GUID_WIDE) !== 0 ? 4 : 2;
  const blobWidth = (heapSizes & HEAP_BLOB_WIDE) !== 0 ? 4 : 2;
  const streamEnd = stream.offset + stream.size;
  for (const table of present) {
    const t = md.tables.get(table) as Table;
    let rowSize = 0;
    for (const column of SCHEMA.get(table) ?? []) {
      let width: number;
      switch (column.kind) {
        case 'u16':
          width = 2;
          break;
        case 'u32':
          width = 4;
          break;
        case 'string':
          width = stringWidth;
          break;
        case 'guid':
          width = guidWidth;
          break;
        case 'blob':
          width = blobWidth;
          break;
        case 'table':
          width = rows(column.table) < 0x10000 ? 2 : 4;
          break;
        case 'coded':
          width = codedWidth(column.coded, rows);
          break;
      }
      t.columns.push({ offset: rowSize, width });
      rowSize += width;
    }
    t.rowSize = rowSize;
    t.offset = cursor;
    cursor += rowSize * t.rows;
    if (cursor > streamEnd) bytes.fail(`metadata table 0x${table.toString(16)} extends past the end of the tables stream.`);
  }
}

/** SHA-1 of the full public key; the token is its last 8 bytes in reverse order (II.6.2.1.3). */
export function computePublicKeyToken(publicKey: Uint8Array): string {
  const hash = createHash('sha1').update(publicKey).digest();
  return Buffer.from(hash.subarray(hash.length - 8)).reverse().toString('hex');
}

function tokenOf(md: Metadata, blobBytes: Uint8Array, flags: number, isDefinition: boolean): string | null {
  if (blobBytes.length === 0) return null;
  if ((flags & ASSEMBLY_FLAG_PUBLIC_KEY) !== 0) return computePublicKeyToken(blobBytes);
  if (blobBytes.length === 8) return Buffer.from(blobBytes).toString('hex');
  // A definition's column is meant to hold a full key even when a compiler forgot the flag.
  if (isDefinition) return computePublicKeyToken(blobBytes);
  return md.bytes.fail(`an AssemblyRef public key token is ${blobBytes.length} bytes long instead of 8.`);
}

function identityOf(md: Metadata, table: number, row: number): AssemblyIdentity {
  const isDefinition = table === T.Assembly;
  const first = isDefinition ? 1 : 0; // the Assembly row starts with HashAlgId
  const version = [0, 1, 2, 3].map((i) => md.cell(table, row, first + i)).join('.');
  const flags = md.cell(table, row, first + 4);
  const key = md.blob(md.cell(table, row, first + 5));
  const name = md.string(md.cell(table, row, first + 6));
  const culture = md.string(md.cell(table, row, first + 7));
  if (name === '') md.bytes.fail(`${isDefinition ? 'the Assembly' : `AssemblyRef ${row}`} row has no name.`);
  return { name, version, culture: culture === '' ? 'neutral' : culture, publicKeyToken: tokenOf(md, key, flags, isDefinition) };
}

const HCA_ASSEMBLY_TAG = 14;
const CAT_MEMBER_REF_TAG = 3;
const MRP_TYPE_REF_TAG = 1;

function targetFrameworkOf(md: Metadata): string | undefined {
  const rows = md.rowCount(T.CustomAttribute);
  const parentBits = 5;
  for (let row = 1; row <= rows; row++) {
    const parent = md.cell(T.CustomAttribute, row, 0);
    if ((parent & ((1 << parentBits) - 1)) !== HCA_ASSEMBLY_TAG) continue;
    const type = md.cell(T.CustomAttribute, row, 1);
    if ((type & 7) !== CAT_MEMBER_REF_TAG) continue;
    const memberRef = type >>> 3;
    if (memberRef < 1 || memberRef > md.rowCount(T.MemberRef)) continue;
    const owner = md.cell(T.MemberRef, memberRef, 0);
    if ((owner & 7) !== MRP_TYPE_REF_TAG) continue;
    const typeRef = owner >>> 3;
    if (typeRef < 1 || typeRef > md.rowCount(T.TypeRef)) continue;
    if (md.string(md.cell(T.TypeRef, typeRef, 1)) !== 'TargetFrameworkAttribute') continue;
    if (md.string(md.cell(T.TypeRef, typeRef, 2)) !== 'System.Runtime.Versioning') continue;
    const value = md.blob(md.cell(T.CustomAttribute, row, 2));
    const valueBytes = new Bytes(value, md.bytes.source);
    if (value.length < 3 || valueBytes.u16(0, 'a custom attribute prolog') !== 1) return undefined;
    if (value[2] === 0xff) return undefined;
    const { value: length, next } = readCompressed(valueBytes, 2, value.length);
    const text = valueBytes.slice(next, length, 'a custom attribute string');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(text);
    } catch {
      return md.bytes.fail('the TargetFrameworkAttribute value is not valid UTF-8.');
    }
  }
  return undefined;
}

/** The rule behind `AssemblyInfo.isBizTalkAssembly`. */
function referencesBizTalk(references: readonly AssemblyIdentity[]): boolean {
  return references.some((reference) => {
    const name = reference.name.toLowerCase();
    return name === 'microsoft.xlangs.basetypes' || name.startsWith('microsoft.biztalk.');
  });
}

function openMetadata(bytes: Bytes): Metadata {
  if (bytes.u16(0, 'the DOS header') !== 0x5a4d) bytes.fail('it does not start with "MZ".');
  const peOffset = bytes.u32(0x3c, 'the PE header offset');
  if (bytes.u32(peOffset, 'the PE signature') !== 0x00004550) bytes.fail('it has no "PE" signature.');
  const coff = peOffset + 4;
  const sectionCount = bytes.u16(coff + 2, 'the COFF header');
  const optionalSize = bytes.u16(coff + 16, 'the COFF header');
  const optional = coff + 20;
  const magic = bytes.u16(optional, 'the optional header magic');
  let directories: number;
  let directoryCount: number;
  if (magic === 0x10b) {
    directoryCount = bytes.u32(optional + 92, 'the optional header');
    directories = optional + 96;
  } else if (magic === 0x20b) {
    directoryCount = bytes.u32(optional + 108, 'the optional header');
    directories = optional + 112;
  } else {
    return bytes.fail(`the optional header magic 0x${magic.toString(16)} is neither PE32 nor PE32+.`);
  }
  const CLI_DIRECTORY = 14;
  if (directoryCount <= CLI_DIRECTORY || directories + (CLI_DIRECTORY + 1) * 8 > optional + optionalSize) {
    bytes.fail('it has no CLI header directory: it is a native image, not a .NET assembly.');
  }
  const sectionTable = optional + optionalSize;
  const sections: Section[] = [];
  for (let i = 0; i < sectionCount; i++) {
    const at = sectionTable + i * 40;
    sections.push({
      virtualSize: bytes.u32(at + 8, 'a section header'),
      virtualAddress: bytes.u32(at + 12, 'a section header'),
      rawSize: bytes.u32(at + 16, 'a section header'),
      rawPointer: bytes.u32(at + 20, 'a section header'),
    });
  }
  const cliRva = bytes.u32(directories + CLI_DIRECTORY * 8, 'the CLI header directory');
  const cliSize = bytes.u32(directories + CLI_DIRECTORY * 8 + 4, 'the CLI header directory');
  if (cliRva === 0 || cliSize === 0) bytes.fail('it has no CLI header: it is a native image, not a .NET assembly.');
  if (cliSize < 72) bytes.fail('its CLI header is too short.');
  const cli = rvaToOffset(bytes, sections, cliRva, 72, 'the CLI header');
  const metadataRva = bytes.u32(cli + 8, 'the CLI header');
  const metadataSize = bytes.u32(cli + 12, 'the CLI header');
  const root = rvaToOffset(bytes, sections, metadataRva, metadataSize, 'the metadata');
  const rootEnd = root + metadataSize;

  if (bytes.u32(root, 'the metadata signature') !== 0x424a5342) bytes.fail('the metadata root has no BSJB signature.');
  const versionLength = bytes.u32(root + 12, 'the metadata root');
  if (versionLength > 255) bytes.fail('the metadata version string is too long.');
  let cursor = root + 16 + ((versionLength + 3) & ~3);
  const streamCount = bytes.u16(cursor + 2, 'the metadata root');
  cursor += 4;
  const streams = new Map<string, Heap>();
  for (let i = 0; i < streamCount; i++) {
    const offset = bytes.u32(cursor, 'a stream header');
    const size = bytes.u32(cursor + 4, 'a stream header');
    cursor += 8;
    let name = '';
    for (let j = 0; j < 32; j++) {
      const c = bytes.u8(cursor + j, 'a stream name');
      if (c === 0) break;
      if (j === 31) bytes.fail('a stream name is not terminated.');
      name += String.fromCharCode(c);
    }
    cursor += (name.length + 4) & ~3;
    if (cursor > rootEnd) bytes.fail('the stream headers run past the end of the metadata.');
    const start = root + offset;
    if (offset > metadataSize || size > metadataSize - offset) bytes.fail(`stream ${name} lies outside the metadata.`);
    if (!streams.has(name)) streams.set(name, { offset: start, size });
  }
  const tables = streams.get('#~') ?? streams.get('#-');
  if (tables === undefined) bytes.fail('the metadata has no tables stream (#~).');
  const md = new Metadata(bytes, streams.get('#Strings') ?? { offset: root, size: 0 }, streams.get('#Blob') ?? { offset: root, size: 0 });
  parseTablesStream(md, tables);
  return md;
}

export function readAssembly(data: Uint8Array, source = '<assembly>'): AssemblyInfo {
  const bytes = new Bytes(data, source);
  const md = openMetadata(bytes);
  if (md.rowCount(T.Assembly) !== 1) {
    bytes.fail(
      md.rowCount(T.Assembly) === 0
        ? 'it has no Assembly row: it is a module (.netmodule), not an assembly.'
        : 'it has more than one Assembly row.',
    );
  }
  const identity = identityOf(md, T.Assembly, 1);
  const references: AssemblyIdentity[] = [];
  const refCount = md.rowCount(T.AssemblyRef);
  for (let row = 1; row <= refCount; row++) references.push(identityOf(md, T.AssemblyRef, row));
  const targetFramework = targetFrameworkOf(md);
  return {
    identity,
    references,
    ...(targetFramework === undefined ? {} : { targetFramework }),
    isBizTalkAssembly: referencesBizTalk(references),
  };
}
