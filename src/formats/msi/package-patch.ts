// Changes files inside a BizTalk application package (.msi) and nothing else. Only what holds the files changes:
// each inner cabinet concerned (ITEM~n.CAB, compressed again the way it came), the embedded outer cabinet
// stream that holds it (the same, its other entries untouched), the inner cabinet's File.FileSize (and its
// MsiFileHash row, if it has one), and the summary Revision Number (the PackageCode), because a package whose
// content changed must not keep its code.
// Every other table, row, stream and summary property stays byte for byte; the compound file is patched in
// place (see compound-file-patch.ts), not rewritten.
import { createHash } from 'node:crypto';
import { BtsBackupError } from '../../errors/index.js';
import { replaceCabinetFiles } from '../cab/cab-rewrite.js';
import { readCabinet } from '../cab/cab-reader.js';
import { readCompoundFile } from './compound-file.js';
import { replaceCompoundStreams } from './compound-file-patch.js';
import { openMsiDatabase, readEmbeddedCabinet } from './msi-reader.js';
import { SUMMARY_INFORMATION_STREAM, encodeStreamName } from './msi-stream-names.js';
import { replaceSummaryRevision } from './summary-information.js';

export interface PackageFileChange {
  /** The resource's inner cabinet, as its ShortCabinetName says (`ITEM~2.CAB`). */
  cabinet: string;
  /** The file's name inside that cabinet, as read (`BizTalkBinding\<folder>\BindingInfo.xml`). */
  path: string;
  bytes: Uint8Array;
}

/** What the patch changed, for the record: the package codes and the inner cabinets rewritten. */
export interface PackagePatchResult {
  bytes: Uint8Array;
  previousPackageCode: string;
  packageCode: string;
  cabinets: { cabinet: string; fileKey: string | undefined; size: number }[];
}

export function patchPackageFiles(msi: Uint8Array, changes: PackageFileChange[], packageCode: string, source: string): PackagePatchResult {
  const fail = (problem: string): BtsBackupError =>
    new BtsBackupError('E_INVALID_DATA', `${source} cannot be patched: ${problem}.`, {
      target: source,
      hint: 'The MSI is damaged or not a BizTalk export; export the application again.',
    });
  if (!/^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/.test(packageCode)) {
    throw new RangeError(`a package code is an upper-case braced GUID, not ${JSON.stringify(packageCode)}`);
  }
  const database = openMsiDatabase(msi, source);
  const previousPackageCode = database.summary.revision ?? '';
  if (previousPackageCode.toUpperCase() === packageCode) throw new RangeError('the new package code equals the old one');
  const { cabinetName, bytes: outerBytes } = readEmbeddedCabinet(database);
  const outerSource = `${source}${cabinetName}`;
  const outer = readCabinet(outerBytes, { source: outerSource });
  const outerEntries = new Set(outer.map((entry) => entry.name));

  // The File table: key and installed (long) name of every file; outer cabinet entries are named by File key.
  const fileTable = database.tableNames.includes('File') ? database.readTable('File') : undefined;
  const column = (name: string): number => fileTable?.columns.findIndex((c) => c.name === name) ?? -1;
  const keyColumn = column('File');
  const nameColumn = column('FileName');
  const sizeColumn = column('FileSize');
  const rowOf = (cabinet: string): number =>
    fileTable === undefined || keyColumn < 0 || nameColumn < 0
      ? -1
      : fileTable.rows.findIndex((row) => {
          const fileName = row[nameColumn];
          return typeof fileName === 'string' && fileName.slice(fileName.indexOf('|') + 1).toUpperCase() === cabinet.toUpperCase() && outerEntries.has(String(row[keyColumn]));
        });

  const byCabinet = new Map<string, PackageFileChange[]>();
  for (const change of changes) byCabinet.set(change.cabinet.toUpperCase(), [...(byCabinet.get(change.cabinet.toUpperCase()) ?? []), change]);
  const outerReplacements = new Map<string, Uint8Array>();
  const sizes: { row: number; size: number }[] = [];
  const cabinets: PackagePatchResult['cabinets'] = [];
  for (const [, group] of byCabinet) {
    const cabinet = group[0]!.cabinet;
    const row = rowOf(cabinet);
    const fileKey = row >= 0 ? String(fileTable!.rows[row]![keyColumn]) : undefined;
    const entryName = fileKey ?? outer.find((entry) => entry.name.toUpperCase() === cabinet.toUpperCase())?.name;
    const inner = outer.find((entry) => entry.name === entryName);
    if (entryName === undefined || inner === undefined) throw fail(`its cabinet holds no ${cabinet}`);
    const rewritten = replaceCabinetFiles(inner.bytes, new Map(group.map((change) => [change.path, change.bytes])), `${source}#${cabinet}`);
    outerReplacements.set(entryName, rewritten);
    if (row >= 0) sizes.push({ row, size: rewritten.length });
    cabinets.push({ cabinet, fileKey, size: rewritten.length });
  }
  if (outerReplacements.size === 0) throw new RangeError('no change to make');

  const file = readCompoundFile(msi, source);
  const replacements = new Map<string, Uint8Array>();
  replacements.set(encodeStreamName(cabinetName.slice(1), false), replaceCabinetFiles(outerBytes, outerReplacements, outerSource));

  if (sizes.length > 0) {
    if (sizeColumn < 0 || fileTable!.columns[sizeColumn]!.kind !== 'i4') throw fail('its File table has no i4 FileSize column');
    const tableName = encodeStreamName('File', true);
    const raw = file.read(tableName);
    if (raw === undefined) throw fail('its File table stream is missing');
    const patched = raw.slice();
    const refWidth = database.stringPool.longRefs ? 3 : 2;
    const rowCount = fileTable!.rows.length;
    let columnStart = 0;
    for (const c of fileTable!.columns.slice(0, sizeColumn)) columnStart += rowCount * (c.kind === 'i2' ? 2 : c.kind === 'i4' ? 4 : refWidth);
    const view = new DataView(patched.buffer);
    for (const { row, size } of sizes) view.setUint32(columnStart + row * 4, (size + 0x80000000) >>> 0, true);
    replacements.set(tableName, patched);
  }

  // MsiFileHash (MD5 of unversioned files, as four i4 parts), when it has a row for a rewritten inner cabinet.
  const rewrittenByKey = new Map(cabinets.filter((c) => c.fileKey !== undefined).map((c) => [c.fileKey!, outerReplacements.get(c.fileKey!)!]));
  if (rewrittenByKey.size > 0 && database.tableNames.includes('MsiFileHash')) {
    const hashes = database.readTable('MsiFileHash');
    const keyAt = hashes.columns.findIndex((c) => c.name === 'File_');
    const parts = [1, 2, 3, 4].map((n) => hashes.columns.findIndex((c) => c.name === `HashPart${n}`));
    const rows = hashes.rows.map((row, index) => ({ index, bytes: rewrittenByKey.get(String(row[keyAt])) })).filter((row) => row.bytes !== undefined);
    if (rows.length > 0) {
      if (keyAt < 0 || parts.some((c) => c < 0 || hashes.columns[c]!.kind !== 'i4')) throw fail('its MsiFileHash table has unexpected columns');
      const tableName = encodeStreamName('MsiFileHash', true);
      const raw = file.read(tableName);
      if (raw === undefined) throw fail('its MsiFileHash table stream is missing');
      const patched = raw.slice();
      const view = new DataView(patched.buffer);
      const refWidth = database.stringPool.longRefs ? 3 : 2;
      const width = (kind: string): number => (kind === 'i2' ? 2 : kind === 'i4' ? 4 : refWidth);
      for (const row of rows) {
        const digest = createHash('md5').update(row.bytes!).digest();
        parts.forEach((column, n) => {
          let start = 0;
          for (const c of hashes.columns.slice(0, column)) start += hashes.rows.length * width(c.kind);
          view.setUint32(start + row.index * 4, (digest.readUInt32LE(4 * n) ^ 0x80000000) >>> 0, true);
        });
      }
      replacements.set(tableName, patched);
    }
  }

  const summary = file.read(SUMMARY_INFORMATION_STREAM);
  if (summary === undefined) throw fail('it has no summary information');
  replacements.set(SUMMARY_INFORMATION_STREAM, replaceSummaryRevision(summary, packageCode, source));
  return { bytes: replaceCompoundStreams(msi, replacements, source), previousPackageCode, packageCode, cabinets };
}
