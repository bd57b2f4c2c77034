// Hostile BizTalk packages for tests, built small in memory: decompression bombs (one inner cabinet of zeros named by
// hundreds of resources, cabinets declaring gigabytes) and packages whose File table does not match their cabinet.
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { buildAdf, type AdfResource } from '../../src/formats/adf/adf.js';
import { buildCabinet } from '../../src/formats/cab/cab-writer.js';
import { buildMsiDatabase, type TableDefinition } from '../../src/formats/msi/msi-writer.js';
import { EMBEDDED_CABINET_STREAM } from '../../src/formats/msi/application-package.js';
import { buildCabinet as buildRawCabinet, type BuilderFile, type BuilderFolder } from './cab-builder.js';

const FRAME = 32768;

/**
 * An MSZIP cabinet of `files` files of `bytesPerFile` zeros each (each file in a folder of its own), built from one
 * compressed block repeated: a few bytes per 32 KiB of output, whatever it declares.
 */
export function zeroCabinet(bytesPerFile: number, files = 1, namePrefix = 'File\\Bomb\\zeros'): Uint8Array {
  const blocksPerFile = Math.ceil(bytesPerFile / FRAME);
  if (blocksPerFile > 0xffff) throw new RangeError('a folder holds at most 65535 blocks');
  const full = { payload: Uint8Array.from([0x43, 0x4b, ...deflateRawSync(new Uint8Array(FRAME))]), uncompressedSize: FRAME };
  const lastSize = bytesPerFile - (blocksPerFile - 1) * FRAME;
  const last = { payload: Uint8Array.from([0x43, 0x4b, ...deflateRawSync(new Uint8Array(lastSize))]), uncompressedSize: lastSize };
  const folders: BuilderFolder[] = [];
  const layout: BuilderFile[] = [];
  for (let f = 0; f < files; f++) {
    folders.push({ compressionType: 1, blocks: [...Array.from({ length: blocksPerFile - 1 }, () => full), last] });
    layout.push({ name: `${namePrefix}${f}.bin`, folder: f, offset: 0, size: bytesPerFile });
  }
  return buildRawCabinet({ folders, files: layout, checksums: false });
}

export interface RawPackageInput {
  resources: { type?: string; luid: string; cabinet: string; file?: string }[];
  innerCabinets: { name: string; bytes: Uint8Array }[];
  /** Name the outer cabinet's entries by `_<md5>` File keys as real BizTalk does (default), or by their file names. */
  keys?: 'hashed' | 'names';
  /** Leave out the File rows of these entries (file names, e.g. `ITEM~1.CAB`). */
  withoutFileRows?: string[];
  /** The ADF's bytes instead of one built from `resources`. */
  adf?: Uint8Array;
  /** Changes the outer cabinet's bytes before they are embedded (fuzzing). */
  outerCabinet?: (bytes: Uint8Array) => Uint8Array;
}

/** The ADF of a package whose resources each hold one file in their own (or a shared) cabinet. */
export function adfFor(resources: RawPackageInput['resources']): Uint8Array {
  const adfResources: AdfResource[] = resources.map((r) => ({
    type: r.type ?? 'System.BizTalk:File',
    luid: r.luid,
    properties: { SourceLocation: `%BTAD_InstallDir%\\${r.file ?? 'zeros0.bin'}`, ShortCabinetName: r.cabinet },
    files: [{ relativePath: r.file ?? 'zeros0.bin', key: 'File' }],
  }));
  return new TextEncoder().encode(buildAdf({ properties: { DisplayName: 'Hostile', Guid: '{00000000-0000-4000-8000-000000000001}' }, resources: adfResources, references: ['BizTalk.System'] }));
}

/** A BizTalk-shaped MSI from parts, without any of buildApplicationPackage's checks: ADF, outer cabinet, File and Media tables. */
export function rawPackage(input: RawPackageInput): Uint8Array {
  const adf = input.adf ?? adfFor(input.resources);
  const named = [{ name: 'ApplicationDefinition.adf', bytes: adf }, ...input.innerCabinets];
  const keyOf = (name: string): string => (input.keys === 'names' ? name : `_${createHash('md5').update(name).digest('hex').toUpperCase()}`);
  const built = buildCabinet(named.map((f) => ({ name: keyOf(f.name), bytes: f.bytes })), { compression: 'mszip' });
  const outer = input.outerCabinet === undefined ? built : input.outerCabinet(built);
  const without = new Set(input.withoutFileRows ?? []);
  const tables: TableDefinition[] = [
    {
      name: 'Property',
      columns: [
        { name: 'Property', kind: 'string', size: 72, key: true },
        { name: 'Value', kind: 'string', size: 0, localizable: true },
      ],
      rows: [['ProductName', 'Hostile'], ['ProductCode', '{00000000-0000-4000-8000-000000000002}']],
    },
    {
      name: 'File',
      columns: [
        { name: 'File', kind: 'string', size: 72, key: true },
        { name: 'Component_', kind: 'string', size: 72 },
        { name: 'FileName', kind: 'string', size: 255, localizable: true },
        { name: 'FileSize', kind: 'i4' },
        { name: 'Sequence', kind: 'i4' },
      ],
      rows: named.filter((f) => !without.has(f.name)).map((f, i) => [keyOf(f.name), 'C', `FILE~${i + 1}|${f.name}`, f.bytes.length, i + 1]),
    },
    {
      name: 'Media',
      columns: [
        { name: 'DiskId', kind: 'i2', key: true },
        { name: 'LastSequence', kind: 'i4' },
        { name: 'Cabinet', kind: 'string', size: 255, nullable: true },
      ],
      rows: [[1, named.length, `#${EMBEDDED_CABINET_STREAM}`]],
    },
  ];
  return buildMsiDatabase({ tables, streams: [{ name: EMBEDDED_CABINET_STREAM, bytes: outer }], summary: { title: 'Hostile', subject: 'Hostile', author: 'test', revision: '{00000000-0000-4000-8000-000000000003}' } });
}

/** The bomb: one inner MSZIP cabinet of `bytes` zeros, named by `resources` resources. */
export function sharedCabinetBomb(resources: number, bytes: number): Uint8Array {
  return rawPackage({
    resources: Array.from({ length: resources }, (_, i) => ({ luid: `Bomb.Resource.${i}`, cabinet: 'ITEM~0.CAB' })),
    innerCabinets: [{ name: 'ITEM~0.CAB', bytes: zeroCabinet(bytes) }],
  });
}
