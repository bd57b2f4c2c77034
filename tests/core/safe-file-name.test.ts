import test from 'ava';
import { caseCollisions, isReservedDeviceName, relativePathProblem, RESERVED_DEVICE_NAMES, segmentProblem } from '../../src/core/path-safety.js';
import { safeFileName } from '../../src/core/safe-file-name.js';

// One rule, one table: every name export makes from an application name must pass the check verify and restore make.
const awkward: string[] = [
  'Contoso.Orders',
  'Zahlungsverkehr Süd',
  'a<b>c:d"e/f\\g|h?i*j',
  'Trailing.',
  'Trailing ',
  'Trailing. .',
  'nul.txt',
  'Con .xml',
  'Orders.msi:Zone.Identifier',
  'x'.repeat(300),
  `${'é'.repeat(109)}😀tail`,
  '',
  '.',
  '..',
  ...RESERVED_DEVICE_NAMES,
  ...RESERVED_DEVICE_NAMES.map((n) => n.toLowerCase()),
  ...RESERVED_DEVICE_NAMES.map((n) => `${n}.msi`),
  ...RESERVED_DEVICE_NAMES.map((n) => `${n} `),
];

for (const name of awkward) {
  test(`safeFileName(${JSON.stringify(name.slice(0, 30))}) passes verify's path rule, with any extension`, (t) => {
    const safe = safeFileName(name);
    t.is(segmentProblem(safe), undefined, safe);
    for (const extension of ['.msi', '.bindings.xml', '.Production.bindings.xml']) t.is(relativePathProblem(`${safe}${extension}`), undefined, `${safe}${extension}`);
    t.true(safe.length <= 120, safe);
    t.false(/[\ud800-\udbff](?![\udc00-\udfff])/.test(safe), 'no split surrogate pair');
    t.is(safeFileName(name), safe, 'deterministic');
  });
}

const reserved: [string, boolean][] = [
  ['CONIN$', true],
  ['conout$.xml', true],
  ['CLOCK$', true],
  ['COM¹', true],
  ['com².msi', true],
  ['COM³ ', true],
  ['LPT¹', true],
  ['lpt²', true],
  ['LPT³.bindings.xml', true],
  ['COM0', true],
  ['LPT9.', true],
  ['Con .xml', true],
  ['AUX', true],
  ['COM10', false],
  ['COM', false],
  ['CONSOLE', false],
  ['_CON~1a2b3c4d', false],
  ['CONIN', false],
  ['COM⁴', false],
];
for (const [name, expected] of reserved) {
  test(`reserved device name table: ${JSON.stringify(name)} is ${expected ? '' : 'not '}reserved`, (t) => {
    t.is(isReservedDeviceName(name), expected);
    if (expected) t.regex(relativePathProblem(`apps/${name}`) ?? '(safe)', /reserved device|trailing dot or space/);
  });
}

test('names that sanitise alike stay distinct, also without case', (t) => {
  const names = ['a<b', 'a>b', 'a_b', 'CON', '_CON', 'CONIN$', 'conin$', 'x'.repeat(300), `${'x'.repeat(299)}y`];
  const safe = names.map(safeFileName);
  t.is(new Set(safe).size, names.length);
  // Different names that only differ by case stay different file names, and those are what caseCollisions reports.
  t.deepEqual(caseCollisions([safeFileName('App'), safeFileName('app')]), [['App', 'app']]);
  t.deepEqual(caseCollisions([safeFileName('CONIN$'), safeFileName('conin$')]), [], 'sanitised names carry a hash of the original, which tells them apart');
});
