// Synthesizes a minimal, valid .NET assembly (ECMA-335 partition II) from an identity and its references: a PE32,
// IL-only, AnyCPU DLL with one .text section holding the CLI header and the metadata (#~, #Strings, #US, #GUID,
// #Blob) with the tables Module, TypeDef (<Module>), Assembly and AssemblyRef. It has no code, no import table and
// no entry point stub: the runtime loader and System.Reflection.Metadata accept IL-only images without them.
//
// The public key token of the assembly itself. A strong-named assembly's Assembly row holds the full public key;
// readers derive the token by hashing it (SHA-1, last 8 bytes reversed), so no key can be made for an arbitrary token.
// - `spec.publicKey` given (a real .snk's public key, or one from `makePublicKey`): the row holds that full key with
//   the PublicKey flag (0x0001), exactly as a compiler writes it, and the key's token must equal the identity's.
//   Everyone agrees on the whole identity: readAssembly, System.Reflection.Metadata and the runtime loader.
// - a token without a key: the row holds the 8-byte token itself with the PublicKey flag clear, the way an AssemblyRef
//   holds a token. readAssembly reads it back as the token, so the product round-trips any identity; but this breaks
//   ECMA-335 (the column is meant to be a full key): System.Reflection.Metadata still reads name, version, culture and
//   references, yet AssemblyName.GetPublicKeyToken() and the runtime loader reject the "key". Use makePublicKey for
//   identities that must also satisfy .NET itself.
// AssemblyRef rows always hold the bare 8-byte token, as compilers write them, so references are exact either way.
// No strong-name signature is written: .NET Core never verifies one, and BizTalk never loads these files.
import { createHash } from 'node:crypto';
import { BtsBackupError } from '../../errors/index.js';
import type { AssemblyIdentity } from '../../core/model.js';
import { computePublicKeyToken } from './assembly-reader.js';

export interface AssemblySpec {
  identity: AssemblyIdentity;
  references: AssemblyIdentity[];
  /** Changes the bytes (module MVID) without changing the identity: a hot fix of the same version. */
  build?: number;
  /** The full public key (a .snk's public part) to store instead of the bare token; see the file comment. */
  publicKey?: Uint8Array;
}

const FILE_ALIGNMENT = 0x200;
const SECTION_ALIGNMENT = 0x2000;
const TEXT_RVA = 0x2000;
const IMAGE_BASE = 0x10000000;
const CLI_HEADER_SIZE = 72;
const METADATA_VERSION = 'v4.0.30319';
const HASH_ALGORITHM_SHA1 = 0x8004;
const FLAG_PUBLIC_KEY = 0x0001;
const TABLE_MODULE = 0x00;
const TABLE_TYPEDEF = 0x02;
const TABLE_ASSEMBLY = 0x20;
const TABLE_ASSEMBLYREF = 0x23;
/** The sorted-tables mask every compiler writes (ECMA-335 II.24.2.6 lists which tables are sorted). */
const SORTED_TABLES = 0x000016003301fa00n;

function invalid(spec: AssemblySpec, message: string, hint: string): never {
  throw new BtsBackupError('E_INVALID_DATA', message, { target: spec.identity.name, hint });
}

class Buffer8 {
  private bytes: number[] = [];
  get length(): number {
    return this.bytes.length;
  }
  u8(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }
  u16(value: number): this {
    return this.u8(value).u8(value >>> 8);
  }
  u32(value: number): this {
    return this.u16(value & 0xffff).u16(value >>> 16);
  }
  u64(value: bigint): this {
    return this.u32(Number(value & 0xffffffffn)).u32(Number(value >> 32n));
  }
  /** A heap or table index of 2 or 4 bytes. */
  index(value: number, width: number): this {
    return width === 2 ? this.u16(value) : this.u32(value);
  }
  raw(data: ArrayLike<number>): this {
    for (let i = 0; i < data.length; i++) this.bytes.push((data[i] as number) & 0xff);
    return this;
  }
  zeros(count: number): this {
    for (let i = 0; i < count; i++) this.bytes.push(0);
    return this;
  }
  align(to: number): this {
    return this.zeros((to - (this.bytes.length % to)) % to);
  }
  toUint8Array(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** ECMA-335 II.23.2 compressed unsigned integer. */
function compressed(value: number): number[] {
  if (value < 0x80) return [value];
  if (value < 0x4000) return [0x80 | (value >>> 8), value & 0xff];
  return [0xc0 | ((value >>> 24) & 0x1f), (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

class StringHeap {
  private readonly data = new Buffer8().u8(0);
  private readonly seen = new Map<string, number>();
  add(value: string): number {
    if (value === '') return 0;
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    const at = this.data.length;
    this.data.raw(new TextEncoder().encode(value)).u8(0);
    this.seen.set(value, at);
    return at;
  }
  bytes(): Uint8Array {
    return this.data.align(4).toUint8Array();
  }
}

class BlobHeap {
  private readonly data = new Buffer8().u8(0);
  private readonly seen = new Map<string, number>();
  add(value: Uint8Array): number {
    if (value.length === 0) return 0;
    const key = Buffer.from(value).toString('hex');
    const known = this.seen.get(key);
    if (known !== undefined) return known;
    const at = this.data.length;
    this.data.raw(compressed(value.length)).raw(value);
    this.seen.set(key, at);
    return at;
  }
  bytes(): Uint8Array {
    return this.data.align(4).toUint8Array();
  }
}

interface ParsedIdentity {
  name: string;
  version: [number, number, number, number];
  culture: string;
  token: Uint8Array;
}

function parseIdentity(spec: AssemblySpec, identity: AssemblyIdentity, what: string): ParsedIdentity {
  // 65535 is refused as compilers refuse it: the runtime's binder reads a 65535 part as "no version given".
  const hint = 'An assembly identity needs a name, a version a.b.c.d (each part 0-65534), a culture and a 16-hex-digit token or null.';
  if (identity.name.trim() === '' || identity.name.includes('\0')) invalid(spec, `${what} has an empty or invalid name.`, hint);
  const parts = identity.version.split('.');
  if (parts.length < 2 || parts.length > 4 || parts.some((part) => !/^\d{1,5}$/.test(part) || Number(part) > 65534)) {
    invalid(spec, `${what} has the invalid version "${identity.version}".`, hint);
  }
  const numbers = [0, 1, 2, 3].map((i) => Number(parts[i] ?? '0')) as [number, number, number, number];
  const culture = identity.culture.toLowerCase() === 'neutral' ? '' : identity.culture;
  if (culture.includes('\0')) invalid(spec, `${what} has an invalid culture.`, hint);
  let token = new Uint8Array(0);
  if (identity.publicKeyToken !== null) {
    if (!/^[0-9a-f]{16}$/.test(identity.publicKeyToken)) {
      invalid(spec, `${what} has the invalid public key token "${identity.publicKeyToken}".`, hint);
    }
    token = Uint8Array.from(Buffer.from(identity.publicKeyToken, 'hex'));
  }
  return { name: identity.name, version: numbers, culture, token };
}

/**
 * A deterministic, structurally valid 1024-bit RSA strong-name public key (the 160-byte layout of a .snk's public
 * part) made from `seed`, and its token. Nobody holds the private key: it can name an identity, not sign code.
 */
export function makePublicKey(seed: string): { publicKey: Uint8Array; publicKeyToken: string } {
  const modulus = new Buffer8();
  for (let counter = 0; modulus.length < 128; counter++) {
    modulus.raw(createHash('sha256').update(`BizTalkBackup public key ${counter}:${seed}`).digest());
  }
  const modulusBytes = modulus.toUint8Array().subarray(0, 128);
  modulusBytes[0] = (modulusBytes[0] as number) | 0x01; // little-endian: odd
  modulusBytes[127] = (modulusBytes[127] as number) | 0x80; // full 1024 bits
  const publicKey = new Buffer8()
    .u32(0x2400) // SigAlgID CALG_RSA_SIGN
    .u32(0x8004) // HashAlgID CALG_SHA1
    .u32(20 + 128) // cbPublicKey
    .u8(0x06).u8(0x02).u16(0).u32(0x2400) // PUBLICKEYBLOB header
    .u32(0x31415352).u32(1024).u32(65537) // RSAPUBKEY "RSA1", bit length, public exponent
    .raw(modulusBytes)
    .toUint8Array();
  return { publicKey, publicKeyToken: computePublicKeyToken(publicKey) };
}

/** A name-based, deterministic MVID (a version 4 / RFC 4122 variant GUID, as compilers make in deterministic mode). */
function moduleVersionId(spec: AssemblySpec): Uint8Array {
  const fields = (identity: AssemblyIdentity): (string | null)[] => [identity.name, identity.version, identity.culture, identity.publicKeyToken];
  const canonical = JSON.stringify([
    fields(spec.identity),
    spec.references.map(fields),
    spec.build ?? 0,
    spec.publicKey === undefined ? null : Buffer.from(spec.publicKey).toString('hex'),
  ]);
  const mvid = Uint8Array.from(createHash('sha256').update(canonical).digest().subarray(0, 16));
  mvid[7] = ((mvid[7] as number) & 0x0f) | 0x40;
  mvid[8] = ((mvid[8] as number) & 0x3f) | 0x80;
  return mvid;
}

function buildMetadata(spec: AssemblySpec): Uint8Array {
  const self = parseIdentity(spec, spec.identity, 'The assembly');
  const refs = spec.references.map((reference, i) => parseIdentity(spec, reference, `Reference ${i + 1} (${reference.name})`));
  if (spec.build !== undefined && (!Number.isSafeInteger(spec.build) || spec.build < 0)) {
    invalid(spec, `The build number ${spec.build} is not a non-negative integer.`, 'Use 0, 1, 2 ... for successive builds.');
  }

  let assemblyFlags = 0;
  let assemblyKey = self.token;
  if (spec.publicKey !== undefined) {
    const token = computePublicKeyToken(spec.publicKey);
    if (spec.identity.publicKeyToken !== token) {
      invalid(spec, `The public key's token is ${token}, not ${spec.identity.publicKeyToken ?? 'null'}.`, 'Give the key whose token the identity names.');
    }
    assemblyFlags = FLAG_PUBLIC_KEY;
    assemblyKey = spec.publicKey;
  }

  const strings = new StringHeap();
  const blobs = new BlobHeap();
  const moduleName = strings.add(`${self.name}.dll`);
  const typeName = strings.add('<Module>');
  const assemblyRow = { key: blobs.add(assemblyKey), name: strings.add(self.name), culture: strings.add(self.culture) };
  const refRows = refs.map((ref) => ({ ref, key: blobs.add(ref.token), name: strings.add(ref.name), culture: strings.add(ref.culture) }));
  const stringBytes = strings.bytes();
  const blobBytes = blobs.bytes();
  const guidBytes = moduleVersionId(spec);
  const userStringBytes = new Buffer8().u8(0).align(4).toUint8Array();

  const stringWidth = stringBytes.length > 0xffff ? 4 : 2;
  const blobWidth = blobBytes.length > 0xffff ? 4 : 2;
  const guidWidth = 2;
  const heapSizes = (stringWidth === 4 ? 0x01 : 0) | (blobWidth === 4 ? 0x04 : 0);

  const counts = new Map<number, number>([
    [TABLE_MODULE, 1],
    [TABLE_TYPEDEF, 1],
    [TABLE_ASSEMBLY, 1],
  ]);
  if (refRows.length > 0) counts.set(TABLE_ASSEMBLYREF, refRows.length);
  let valid = 0n;
  for (const table of counts.keys()) valid |= 1n << BigInt(table);

  const tables = new Buffer8().u32(0).u8(2).u8(0).u8(heapSizes).u8(1).u64(valid).u64(SORTED_TABLES);
  for (const table of [...counts.keys()].sort((a, b) => a - b)) tables.u32(counts.get(table) ?? 0);
  // Module: Generation, Name, Mvid, EncId, EncBaseId
  tables.u16(0).index(moduleName, stringWidth).index(1, guidWidth).index(0, guidWidth).index(0, guidWidth);
  // TypeDef <Module>: Flags, TypeName, TypeNamespace, Extends (TypeDefOrRef, nil), FieldList, MethodList
  tables.u32(0).index(typeName, stringWidth).index(0, stringWidth).u16(0).u16(1).u16(1);
  // Assembly: HashAlgId, version, Flags, PublicKey, Name, Culture
  tables.u32(HASH_ALGORITHM_SHA1);
  for (const part of self.version) tables.u16(part);
  tables.u32(assemblyFlags).index(assemblyRow.key, blobWidth).index(assemblyRow.name, stringWidth).index(assemblyRow.culture, stringWidth);
  // AssemblyRef: version, Flags, PublicKeyOrToken, Name, Culture, HashValue
  for (const row of refRows) {
    for (const part of row.ref.version) tables.u16(part);
    tables.u32(0).index(row.key, blobWidth).index(row.name, stringWidth).index(row.culture, stringWidth).index(0, blobWidth);
  }
  const tableBytes = tables.align(4).toUint8Array();

  const streams: [string, Uint8Array][] = [
    ['#~', tableBytes],
    ['#Strings', stringBytes],
    ['#US', userStringBytes],
    ['#GUID', guidBytes],
    ['#Blob', blobBytes],
  ];
  const versionBytes = new Buffer8().raw(new TextEncoder().encode(METADATA_VERSION)).u8(0).align(4).toUint8Array();
  let headerSize = 16 + versionBytes.length + 4;
  for (const [name] of streams) headerSize += 8 + ((name.length + 4) & ~3);
  const root = new Buffer8().u32(0x424a5342).u16(1).u16(1).u32(0).u32(versionBytes.length).raw(versionBytes);
  root.u16(0).u16(streams.length);
  let offset = headerSize;
  for (const [name, data] of streams) {
    root.u32(offset).u32(data.length).raw(new TextEncoder().encode(name)).u8(0).align(4);
    offset += data.length;
  }
  for (const [, data] of streams) root.raw(data);
  return root.toUint8Array();
}

export function writeAssembly(spec: AssemblySpec): Uint8Array {
  const metadata = buildMetadata(spec);
  const metadataRva = TEXT_RVA + CLI_HEADER_SIZE;
  const textSize = CLI_HEADER_SIZE + metadata.length;
  const textRawSize = Math.ceil(textSize / FILE_ALIGNMENT) * FILE_ALIGNMENT;
  const imageSize = TEXT_RVA + Math.ceil(textSize / SECTION_ALIGNMENT) * SECTION_ALIGNMENT;
  const peOffset = 0x80;

  const out = new Buffer8();
  // DOS header and the customary stub.
  out.u16(0x5a4d).u16(0x90).u16(3).u16(0).u16(4).u16(0).u16(0xffff).u16(0).u16(0xb8).u16(0).u16(0).u16(0).u16(0x40).u16(0);
  out.zeros(0x3c - out.length).u32(peOffset);
  out.raw([0x0e, 0x1f, 0xba, 0x0e, 0x00, 0xb4, 0x09, 0xcd, 0x21, 0xb8, 0x01, 0x4c, 0xcd, 0x21]);
  out.raw(new TextEncoder().encode('This program cannot be run in DOS mode.\r\r\n$'));
  out.zeros(peOffset - out.length);
  // PE signature and COFF header: i386 (AnyCPU), one section, EXECUTABLE_IMAGE | 32BIT_MACHINE | DLL.
  out.u32(0x00004550).u16(0x14c).u16(1).u32(0).u32(0).u32(0).u16(0xe0).u16(0x2102);
  // PE32 optional header.
  out.u16(0x10b).u8(48).u8(0).u32(textRawSize).u32(0).u32(0).u32(0).u32(TEXT_RVA).u32(0);
  out.u32(IMAGE_BASE).u32(SECTION_ALIGNMENT).u32(FILE_ALIGNMENT);
  out.u16(4).u16(0).u16(0).u16(0).u16(4).u16(0).u32(0).u32(imageSize).u32(FILE_ALIGNMENT).u32(0);
  // Subsystem CUI; DYNAMIC_BASE | NX_COMPAT | NO_SEH | TERMINAL_SERVER_AWARE.
  out.u16(3).u16(0x8540).u32(0x100000).u32(0x1000).u32(0x100000).u32(0x1000).u32(0).u32(16);
  for (let directory = 0; directory < 16; directory++) {
    if (directory === 14) out.u32(TEXT_RVA).u32(CLI_HEADER_SIZE);
    else out.u32(0).u32(0);
  }
  // Section table: .text, CODE | EXECUTE | READ.
  out.raw(new TextEncoder().encode('.text')).zeros(3).u32(textSize).u32(TEXT_RVA).u32(textRawSize).u32(FILE_ALIGNMENT);
  out.u32(0).u32(0).u16(0).u16(0).u32(0x60000020);
  out.zeros(FILE_ALIGNMENT - out.length);
  // CLI header: runtime 2.5, metadata, COMIMAGE_FLAGS_ILONLY, no entry point, resources or signature.
  out.u32(CLI_HEADER_SIZE).u16(2).u16(5).u32(metadataRva).u32(metadata.length).u32(0x1).u32(0);
  out.zeros(CLI_HEADER_SIZE - 24);
  out.raw(metadata);
  out.zeros(FILE_ALIGNMENT + textRawSize - out.length);
  return out.toUint8Array();
}
