// Writes a Windows Installer database: tables (column-major rows of string indexes and offset integers),
// the string pool, _Tables/_Columns, extra streams and the summary information, in a compound file.
import { writeCompoundFile, type CompoundStream } from './compound-file.js';
import { SUMMARY_INFORMATION_STREAM, encodeStreamName } from './msi-stream-names.js';
import { chooseCodepage, encodeStringPool } from './msi-string-pool.js';
import { encodeSummaryInformation, type SummaryInformation } from './summary-information.js';

// _Columns.Type bits
export const COLUMN_SIZE_MASK = 0x00ff;
export const COLUMN_VALID = 0x0100;
export const COLUMN_LOCALIZABLE = 0x0200;
export const COLUMN_NONBINARY = 0x0400;
export const COLUMN_STRING = 0x0800;
export const COLUMN_NULLABLE = 0x1000;
export const COLUMN_KEY = 0x2000;

/** `binary`: a stream column (`v0`); a non-null cell means the row has a stream named `<Table>.<primary key>`. */
export type ColumnKind = 'i2' | 'i4' | 'string' | 'binary';

export interface ColumnDefinition {
  name: string;
  kind: ColumnKind;
  /** Maximum string length (0 = unlimited); ignored for integers. */
  size?: number;
  key?: boolean;
  nullable?: boolean;
  localizable?: boolean;
}

export type CellValue = string | number | null;

export interface TableDefinition {
  name: string;
  columns: ColumnDefinition[];
  rows: CellValue[][];
}

export interface MsiDatabaseInput {
  tables: TableDefinition[];
  /** Extra streams by decoded name (e.g. an embedded cabinet). */
  streams: { name: string; bytes: Uint8Array }[];
  summary: Omit<SummaryInformation, 'codepage'>;
  /** The database codepage; by default 1252 when every string fits in it, else 65001. */
  codepage?: number;
}

export function columnTypeBits(column: ColumnDefinition): number {
  let bits = COLUMN_VALID;
  if (column.kind === 'string') bits |= COLUMN_STRING | COLUMN_NONBINARY | ((column.size ?? 0) & COLUMN_SIZE_MASK);
  else if (column.kind === 'binary') bits |= COLUMN_STRING;
  else if (column.kind === 'i2') bits |= COLUMN_NONBINARY | 2;
  else bits |= 4;
  if (column.nullable === true) bits |= COLUMN_NULLABLE;
  if (column.key === true) bits |= COLUMN_KEY;
  if (column.localizable === true) bits |= COLUMN_LOCALIZABLE;
  return bits;
}

const TABLES_COLUMNS: ColumnDefinition[] = [{ name: 'Name', kind: 'string', size: 64, key: true }];
const COLUMNS_COLUMNS: ColumnDefinition[] = [
  { name: 'Table', kind: 'string', size: 64, key: true },
  { name: 'Number', kind: 'i2', key: true },
  { name: 'Name', kind: 'string', size: 64 },
  { name: 'Type', kind: 'i2' },
];

export function buildMsiDatabase(input: MsiDatabaseInput): Uint8Array {
  const tables = [...input.tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const allTables: TableDefinition[] = [
    { name: '_Tables', columns: TABLES_COLUMNS, rows: tables.map((t) => [t.name]) },
    {
      name: '_Columns',
      columns: COLUMNS_COLUMNS,
      rows: tables.flatMap((t) => t.columns.map((c, index) => [t.name, index + 1, c.name, columnTypeBits(c)])),
    },
    ...tables,
  ];

  // String pool: indexes in order of first use, walking tables in a fixed order.
  const index = new Map<string, number>();
  const strings: string[] = [];
  const refcounts: number[] = [];
  const intern = (text: string): number => {
    let id = index.get(text);
    if (id === undefined) {
      strings.push(text);
      refcounts.push(0);
      id = strings.length;
      index.set(text, id);
    }
    refcounts[id - 1]! += 1;
    return id;
  };
  for (const table of allTables) {
    for (const row of table.rows) {
      if (row.length !== table.columns.length) throw new RangeError(`${table.name}: a row has ${row.length} cells for ${table.columns.length} columns`);
      table.columns.forEach((column, c) => {
        const value = row[c] ?? null;
        if (column.kind === 'string' && typeof value === 'string' && value !== '') intern(value);
      });
    }
  }
  const longRefs = strings.length > 0xffff;
  const codepage = input.codepage ?? chooseCodepage([...strings, ...Object.values(input.summary).filter((v): v is string => typeof v === 'string')]);
  const encodedPool = encodeStringPool(strings, refcounts, codepage, longRefs);

  const streams: CompoundStream[] = [
    { name: encodeStreamName('_StringPool', true), bytes: encodedPool.pool },
    { name: encodeStreamName('_StringData', true), bytes: encodedPool.data },
  ];
  for (const table of allTables) {
    streams.push({ name: encodeStreamName(table.name, true), bytes: encodeTable(table, index, longRefs) });
  }
  for (const stream of input.streams) streams.push({ name: encodeStreamName(stream.name, false), bytes: stream.bytes });
  streams.push({ name: SUMMARY_INFORMATION_STREAM, bytes: encodeSummaryInformation({ ...input.summary, codepage }) });
  return writeCompoundFile(streams);
}

function encodeTable(table: TableDefinition, index: Map<string, number>, longRefs: boolean): Uint8Array {
  const stored = table.rows.map((row) =>
    table.columns.map((column, c) => {
      const value = row[c] ?? null;
      if (value === null || value === '') {
        if (column.nullable !== true) throw new RangeError(`${table.name}.${column.name} is not nullable`);
        return 0;
      }
      if (column.kind === 'string') {
        if (typeof value !== 'string') throw new RangeError(`${table.name}.${column.name} holds strings`);
        return index.get(value)!;
      }
      // A stream column holds 1 when the row's stream exists (Windows Installer finds it by the row's key).
      if (column.kind === 'binary') return 1;
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new RangeError(`${table.name}.${column.name} holds integers`);
      return column.kind === 'i2' ? (value + 0x8000) & 0xffff : (value + 0x80000000) >>> 0;
    }),
  );
  // Rows sorted by their stored primary key values, as Windows Installer keeps them.
  const keyColumns = table.columns.map((c, i) => (c.key === true ? i : -1)).filter((i) => i >= 0);
  stored.sort((a, b) => {
    for (const k of keyColumns) {
      const diff = a[k]! - b[k]!;
      if (diff !== 0) return diff;
    }
    return 0;
  });
  const widths = table.columns.map((c) => (c.kind === 'string' ? (longRefs ? 3 : 2) : c.kind === 'i2' || c.kind === 'binary' ? 2 : 4));
  const rowSize = widths.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(rowSize * stored.length);
  let offset = 0;
  table.columns.forEach((_, c) => {
    const width = widths[c]!;
    for (const row of stored) {
      const value = row[c]!;
      for (let b = 0; b < width; b++) out[offset + b] = (value >>> (8 * b)) & 0xff;
      offset += width;
    }
  });
  return out;
}
