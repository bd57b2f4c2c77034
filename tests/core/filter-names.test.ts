import test from 'ava';
import { filterNames, unmatchedLiterals, wildcardToRegExp } from '../../src/core/filter-names.js';

const names = ['Contoso.Orders', 'Contoso.Billing', 'Contoso.Shared', 'Zahlungsverkehr Süd', 'BizTalk Application 1', 'App[1]'];

const cases: { title: string; include: string[]; exclude: string[]; expected: string[] }[] = [
  { title: 'no patterns keeps everything', include: [], exclude: [], expected: names },
  { title: 'star prefix', include: ['Contoso*'], exclude: [], expected: ['Contoso.Orders', 'Contoso.Billing', 'Contoso.Shared'] },
  { title: 'case-insensitive literal', include: ['contoso.orders'], exclude: [], expected: ['Contoso.Orders'] },
  { title: 'exclude wins over include', include: ['Contoso*'], exclude: ['*Shared'], expected: ['Contoso.Orders', 'Contoso.Billing'] },
  { title: 'question mark is one character', include: ['Contoso.?rders'], exclude: [], expected: ['Contoso.Orders'] },
  { title: 'character class', include: ['Contoso.[BO]*'], exclude: [], expected: ['Contoso.Orders', 'Contoso.Billing'] },
  { title: 'non-ASCII letters and spaces', include: ['*süd'], exclude: [], expected: ['Zahlungsverkehr Süd'] },
  { title: 'dot is literal', include: ['Contoso?Orders', 'ContosoXOrders'], exclude: [], expected: ['Contoso.Orders'] },
  { title: 'backtick escapes a bracket', include: ['App`[1`]'], exclude: [], expected: ['App[1]'] },
];

for (const c of cases) {
  test(`filterNames: ${c.title}`, (t) => {
    t.deepEqual(filterNames(names, (n) => n, c.include, c.exclude), c.expected);
  });
}

test('a literal name that matches nothing is reported; wildcards never are', (t) => {
  t.deepEqual(unmatchedLiterals(names, ['Contoso.Orders', 'Contoso.Ordres', 'Nothing*']), ['Contoso.Ordres']);
});

test('regular-expression characters in names are not special', (t) => {
  t.true(wildcardToRegExp('a+b(c)').test('a+b(c)'));
  t.false(wildcardToRegExp('a+b').test('aab'));
});

test('names compare in one Unicode normalisation form: decomposed input matches the precomposed name and back', (t) => {
  const precomposed = 'Zahlungsverkehr S\u00fcd';
  const decomposed = 'Zahlungsverkehr Su\u0308d';
  t.deepEqual(filterNames([precomposed, 'Contoso.Orders'], (n) => n, [decomposed]), [precomposed]);
  t.deepEqual(filterNames([decomposed], (n) => n, [precomposed]), [decomposed]);
  t.deepEqual(filterNames([precomposed], (n) => n, ['*Su\u0308d']), [precomposed]);
  t.deepEqual(filterNames([precomposed, 'Contoso.Orders'], (n) => n, [], [decomposed]), ['Contoso.Orders']);
  t.deepEqual(unmatchedLiterals([precomposed], [decomposed]), []);
});
