import test from 'ava';
import { safeFileName } from '../../src/core/safe-file-name.js';

const cases: { name: string; check: (safe: string) => boolean }[] = [
  { name: 'Contoso.Orders', check: (s) => s === 'Contoso.Orders' },
  { name: 'Zahlungsverkehr Süd', check: (s) => s === 'Zahlungsverkehr Süd' },
  { name: 'a<b>c:d"e/f\\g|h?i*j', check: (s) => !/[<>:"/\\|?*]/.test(s) },
  { name: 'Trailing.', check: (s) => !s.endsWith('.') },
  { name: 'Trailing ', check: (s) => !s.endsWith(' ') },
  { name: 'CON', check: (s) => s.toUpperCase() !== 'CON' && !/^con(\.|$)/i.test(s) },
  { name: 'nul.txt', check: (s) => !/^nul(\.|$)/i.test(s) },
  { name: 'x'.repeat(300), check: (s) => s.length <= 120 },
];

for (const c of cases) {
  test(`safeFileName(${JSON.stringify(c.name.slice(0, 30))}) is a valid file name`, (t) => {
    const safe = safeFileName(c.name);
    t.true(c.check(safe), safe);
    t.is(safeFileName(c.name), safe, 'deterministic');
  });
}

test('names that sanitise alike stay distinct', (t) => {
  t.not(safeFileName('a<b'), safeFileName('a>b'));
  t.not(safeFileName('x'.repeat(300)), safeFileName(`${'x'.repeat(299)}y`));
});
