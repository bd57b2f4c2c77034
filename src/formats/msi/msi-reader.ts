// Reads a Windows Installer database offline: streams with decoded names, summary information, the string
// pool and any table through _Columns, and the embedded cabinet named by Media.Cabinet.
import { BtsBackupError } from '../../errors/index.js';
import { readCompoundFile, type CompoundFile } from './compound-file.js';
import { SUMMARY_INFORMATION_STREAM, decodeStreamName, encodeStreamName } from './msi-stream-names.js';
import { decodeStringPool, type StringPool } from './msi-string-pool.js';
import { decodeSummaryInformation, type SummaryInformation } from './summary-information.js';
import { COLUMN_KEY, COLUMN_LOCALIZABLE, COLUMN_NULLABLE, COLUMN_SIZE_MASK, COLUMN_STRING } from './msi-writer.js';

export interface MsiStreamInfo {
  /** Decoded name: `_Columns`, `Binary.Icon`, `_B98EE...`, `\u0005SummaryInformation`. */
  name: string;
  isTable: boolean;
  size: number;
}

export interface MsiColumn {
  name: string;
  number: number;
  type: number;
  kind: 'i2' | 'i4' | 'string' | 'binary';
  size: number;
  nullable: boolean;
  key: boolean;
  localizable: boolean;
}

export type MsiValue = string | number | null;

export interface MsiTable {
  name: string;
  columns: MsiColumn[];
  /** Cells in column order; strings decoded, integers without the storage offset, null for null. */
  rows: MsiValue[][];
}

export interface MsiDatabase {
  source: string;
  codepage: number;
  streams: MsiStreamInfo[];
  summary: SummaryInformation;
  stringPool: StringPool;
  tableNames: string[];
  readStream(name: string): Uint8Array | undefined;
  readTable(name: string): MsiTable;
  /** Table rows as objects keyed by column name. */
  readRecords(name: string): Record<string, MsiValue>[];
}

/**
 * Most rows one table may have. BizTalk's tables hold tens of rows, the biggest installers tens of thousands; a row
 * costs far more as a JavaScript array than its 4 to 12 bytes on disk, so without a bound a small MSI could exhaust memory.
 */
export const MAX_TABLE_ROWS = 100_000;

export function openMsiDatabase(bytes: Uint8Array, source = 'package.msi'): MsiDatabase {
  const fail = (problem: string): BtsBackupError =>
    new BtsBackupError('E_INVALID_DATA', `${source} is not a valid Windows Installer database: ${problem}.`, {
      target: source,
      hint: 'The MSI is damaged or not a BizTalk export; export the application again.',
    });
  const file: CompoundFile = readCompoundFile(bytes, source);
  const streams: MsiStreamInfo[] = file.entries
    .filter((e) => e.type === 'stream')
    .map((e) => ({ ...decodeStreamName(e.name), size: e.size }));
  const readStream = (name: string, isTable = false): Uint8Array | undefined =>
    file.read(name === SUMMARY_INFORMATION_STREAM ? name : encodeStreamName(name, isTable));

  const poolBytes = readStream('_StringPool', true);
  const dataBytes = readStream('_StringData', true);
  if (poolBytes === undefined || dataBytes === undefined) throw fail('the _StringPool or _StringData stream is missing');
  const stringPool = decodeStringPool(poolBytes, dataBytes, source);
  const summaryBytes = readStream(SUMMARY_INFORMATION_STREAM);
  const summary = summaryBytes === undefined ? {} : decodeSummaryInformation(summaryBytes, source);

  const stringAt = (index: number, where: string): string | null => {
    if (index === 0) return null;
    const text = stringPool.strings[index];
    if (text === undefined) throw fail(`${where} refers to string ${index}, beyond the string pool`);
    return text;
  };

  const decodeRows = (tableName: string, columns: MsiColumn[], raw: Uint8Array): MsiValue[][] => {
    const refWidth = stringPool.longRefs ? 3 : 2;
    const widths = columns.map((c) => (c.kind === 'string' || c.kind === 'binary' ? refWidth : c.kind === 'i2' ? 2 : 4));
    const rowSize = widths.reduce((a, b) => a + b, 0);
    if (rowSize === 0) throw fail(`table ${tableName} has no columns`);
    if (raw.length % rowSize !== 0) throw fail(`table ${tableName} is ${raw.length} bytes, not a whole number of ${rowSize}-byte rows`);
    const count = raw.length / rowSize;
    if (count > MAX_TABLE_ROWS) throw fail(`table ${tableName} has ${count} rows, more than the ${MAX_TABLE_ROWS} this reader accepts`);
    const rows: MsiValue[][] = Array.from({ length: count }, () => []);
    let offset = 0;
    columns.forEach((column, c) => {
      const width = widths[c]!;
      for (let r = 0; r < count; r++) {
        let value = 0;
        for (let b = 0; b < width; b++) value += raw[offset + b]! * 2 ** (8 * b);
        offset += width;
        let cell: MsiValue;
        if (column.kind === 'string') cell = stringAt(value, `${tableName}.${column.name}`);
        else if (column.kind === 'binary') cell = value === 0 ? null : '[stream]';
        else if (value === 0) cell = null;
        else cell = column.kind === 'i2' ? value - 0x8000 : value - 0x80000000;
        rows[r]!.push(cell);
      }
    });
    return rows;
  };

  const stringColumn = (name: string, number: number, size: number, key: boolean): MsiColumn => ({
    name, number, type: 0, kind: 'string', size, nullable: false, key, localizable: false,
  });
  const tablesRaw = readStream('_Tables', true);
  const columnsRaw = readStream('_Columns', true);
  if (tablesRaw === undefined || columnsRaw === undefined) throw fail('the _Tables or _Columns stream is missing');
  const tableNames = decodeRows('_Tables', [stringColumn('Name', 1, 64, true)], tablesRaw).map((row) => {
    if (typeof row[0] !== 'string') throw fail('_Tables has a null name');
    return row[0];
  });
  const i2 = (name: string, number: number, key: boolean): MsiColumn => ({
    name, number, type: 0, kind: 'i2', size: 2, nullable: false, key, localizable: false,
  });
  const columnRows = decodeRows('_Columns', [stringColumn('Table', 1, 64, true), i2('Number', 2, true), stringColumn('Name', 3, 64, false), i2('Type', 4, false)], columnsRaw);
  const schema = new Map<string, MsiColumn[]>();
  for (const [table, number, name, type] of columnRows) {
    if (typeof table !== 'string' || typeof number !== 'number' || typeof name !== 'string' || typeof type !== 'number') throw fail('_Columns has an incomplete row');
    const bits = type & 0xffff;
    const size = bits & COLUMN_SIZE_MASK;
    let kind: MsiColumn['kind'];
    if ((bits & COLUMN_STRING) !== 0) kind = (bits & ~COLUMN_NULLABLE & 0x0fff) === 0x0900 ? 'binary' : 'string';
    else if (size === 2 || size === 1) kind = 'i2';
    else if (size === 4) kind = 'i4';
    else throw fail(`column ${table}.${name} has type 0x${bits.toString(16)}, an integer of ${size} bytes`);
    const list = schema.get(table) ?? [];
    list.push({
      name, number, type: bits, kind, size,
      nullable: (bits & COLUMN_NULLABLE) !== 0, key: (bits & COLUMN_KEY) !== 0, localizable: (bits & COLUMN_LOCALIZABLE) !== 0,
    });
    schema.set(table, list);
  }
  for (const list of schema.values()) {
    list.sort((a, b) => a.number - b.number);
    if (list.some((c, i) => c.number !== i + 1)) throw fail('_Columns numbers a table\'s columns with gaps');
  }

  schema.set('_Tables', [{ ...stringColumn('Name', 1, 64, true), type: 0x2d40 }]);
  schema.set('_Columns', [
    { ...stringColumn('Table', 1, 64, true), type: 0x2d40 },
    { ...i2('Number', 2, true), type: 0x2502 },
    { ...stringColumn('Name', 3, 64, false), type: 0x0d40 },
    { ...i2('Type', 4, false), type: 0x0502 },
  ]);

  const readTable = (name: string): MsiTable => {
    const columns = schema.get(name);
    if (columns === undefined) throw fail(`it has no ${name} table`);
    const raw = readStream(name, true) ?? new Uint8Array(0);
    return { name, columns, rows: decodeRows(name, columns, raw) };
  };

  return {
    source,
    codepage: stringPool.codepage,
    streams,
    summary,
    stringPool,
    tableNames,
    readStream: (name) => readStream(name, false),
    readTable,
    readRecords(name) {
      const table = readTable(name);
      return table.rows.map((row) => {
        const record: Record<string, MsiValue> = {};
        table.columns.forEach((column, c) => {
          Object.defineProperty(record, column.name, { value: row[c] ?? null, enumerable: true, writable: true, configurable: true });
        });
        return record;
      });
    },
  };
}

/** The embedded cabinet of the first Media row whose Cabinet is `#stream`: its name and bytes. */
export function readEmbeddedCabinet(database: MsiDatabase): { cabinetName: string; bytes: Uint8Array } {
  const fail = (problem: string): BtsBackupError =>
    new BtsBackupError('E_INVALID_DATA', `${database.source} has no readable embedded cabinet: ${problem}.`, {
      target: database.source,
      hint: 'A BizTalk export embeds one cabinet named in the Media table; the MSI is damaged or not a BizTalk export.',
    });
  if (!database.tableNames.includes('Media')) throw fail('it has no Media table');
  const media = database.readRecords('Media').sort((a, b) => Number(a['DiskId'] ?? 0) - Number(b['DiskId'] ?? 0));
  const row = media.find((m) => typeof m['Cabinet'] === 'string' && m['Cabinet'].startsWith('#'));
  if (row === undefined) throw fail('no Media row names an embedded (#) cabinet');
  const cabinetName = row['Cabinet'] as string;
  const bytes = database.readStream(cabinetName.slice(1));
  if (bytes === undefined) throw fail(`the stream ${cabinetName.slice(1)} named by Media.Cabinet is missing`);
  return { cabinetName, bytes };
}
