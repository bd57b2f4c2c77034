// "An MSI whose cabinet holds an entry that no File row names is refused with a message saying the cabinet lacks it":
// the refusal now says what is wrong (the File table does not name the entry), and a file truly absent from the
// cabinet is still reported as absent.
import test from 'ava';
import { createHash } from 'node:crypto';
import { BtsBackupError } from '../../../src/errors/index.js';
import { buildCabinet } from '../../../src/formats/cab/cab-writer.js';
import { readApplicationPackage } from '../../../src/formats/msi/application-package.js';
import { rawPackage } from '../../support/hostile-packages.js';

const itemCabinet = (file: string): Uint8Array => buildCabinet([{ name: `File\\R\\${file}`, bytes: new TextEncoder().encode(`content of ${file}`) }]);
const resources = [
  { luid: 'R0', cabinet: 'ITEM~0.CAB', file: 'a.txt' },
  { luid: 'R1', cabinet: 'ITEM~1.CAB', file: 'b.txt' },
];
const cabinets = [
  { name: 'ITEM~0.CAB', bytes: itemCabinet('a.txt') },
  { name: 'ITEM~1.CAB', bytes: itemCabinet('b.txt') },
];
const fileKey = (name: string): string => `_${createHash('md5').update(name).digest('hex').toUpperCase()}`;

function refusal(t: import('ava').ExecutionContext, bytes: Uint8Array): BtsBackupError {
  const error = t.throws(() => readApplicationPackage(bytes, 'x.msi'));
  t.true(error instanceof BtsBackupError, String(error));
  t.is((error as BtsBackupError).code, 'E_INVALID_DATA');
  t.is((error as BtsBackupError).target, 'x.msi');
  return error as BtsBackupError;
}

test('a package whose entries are named by File keys, with every File row, reads', (t) => {
  const pkg = readApplicationPackage(rawPackage({ resources, innerCabinets: cabinets }), 'x.msi');
  t.deepEqual(pkg.resources.map((r) => r.files[0]!.path), ['File\\R\\a.txt', 'File\\R\\b.txt']);
});

test('a cabinet entry no File row names: the error says the File table lacks it and names the entry, not "the cabinet does not hold"', (t) => {
  const error = refusal(t, rawPackage({ resources, innerCabinets: cabinets, withoutFileRows: ['ITEM~1.CAB'] }));
  t.like(error.details, { check: 'file-table', missing: 'ITEM~1.CAB', unnamedEntries: [fileKey('ITEM~1.CAB')] });
});

test('the ADF itself without a File row is reported the same way', (t) => {
  const error = refusal(t, rawPackage({ resources, innerCabinets: cabinets, withoutFileRows: ['ApplicationDefinition.adf'] }));
  t.like(error.details, { check: 'file-table', missing: 'ApplicationDefinition.adf', unnamedEntries: [fileKey('ApplicationDefinition.adf')] });
});

test('a cabinet that really lacks the named ITEM cabinet is still "does not hold"', (t) => {
  const error = refusal(t, rawPackage({ resources: [...resources, { luid: 'R2', cabinet: 'ITEM~2.CAB', file: 'c.txt' }], innerCabinets: cabinets }));
  t.like(error.details, { check: 'cabinet-entry', missing: 'ITEM~2.CAB' });
});
