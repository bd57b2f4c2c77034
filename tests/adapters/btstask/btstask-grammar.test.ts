import test from 'ava';
import { parseBtsTaskArguments, resolveName, splitWindowsCommandLine } from '../../../src/adapters/simulator/btstask-grammar.js';

type Expected = { command: string; values: Record<string, string | true> } | { errors: number };

// As users type them at cmd.exe: split by .NET's argv rules first, then parsed.
const table: [string, Expected][] = [
  ['ListApps', { command: 'ListApps', values: {} }],
  ['listapps', { command: 'ListApps', values: {} }],
  ['LISTAPP /ApplicationName:Orders', { command: 'ListApp', values: { ApplicationName: 'Orders' } }],
  ['ListApp /A:Orders /R:C:\\x.xml', { command: 'ListApp', values: { ApplicationName: 'Orders', ResourceSpec: 'C:\\x.xml' } }],
  ['ListApp -a:Orders -resourcespec:C:\\x.xml', { command: 'ListApp', values: { ApplicationName: 'Orders', ResourceSpec: 'C:\\x.xml' } }],
  ['ListP /P:x.msi', { command: 'ListPackage', values: { Package: 'x.msi' } }],
  ['ExportA /Appl:"Zahlungsverkehr Süd" /Pack:"C:\\My MSI Files\\Süd.msi"', { command: 'ExportApp', values: { ApplicationName: 'Zahlungsverkehr Süd', Package: 'C:\\My MSI Files\\Süd.msi' } }],
  ['ExportApp "/ApplicationName:My App" /P:a.msi /G', { command: 'ExportApp', values: { ApplicationName: 'My App', Package: 'a.msi', GlobalParties: true } }],
  ['ExportApp /A:x /P:a.msi /Se:SQL01\\BTS,1533 /D:BizTalkMgmtDb', { command: 'ExportApp', values: { ApplicationName: 'x', Package: 'a.msi', Server: 'SQL01\\BTS,1533', Database: 'BizTalkMgmtDb' } }],
  ['ExportBindings /De:b.xml /Ap:Orders', { command: 'ExportBindings', values: { Destination: 'b.xml', ApplicationName: 'Orders' } }],
  ['ExportBindings /Destination:b.xml /Gr', { command: 'ExportBindings', values: { Destination: 'b.xml', GroupLevel: true } }],
  // Ambiguous: /A is ApplicationName or AssemblyName, /D is Destination or Database (the documented /Ap, /De).
  ['ExportBindings /De:b.xml /A:Orders', { errors: 1 }],
  ['ExportBindings /D:b.xml /Ap:Orders', { errors: 2 }],
  // Ambiguous and unknown commands.
  ['Ex /A:x', { errors: 1 }],
  ['List', { errors: 1 }],
  ['Frobnicate', { errors: 1 }],
  ['', { errors: 1 }],
  // Unknown parameter, missing value, missing required, duplicate, flag with a value, bare token.
  ['ExportApp /A:x /P:a.msi /Bogus:1', { errors: 1 }],
  ['ExportApp /A:x /P:', { errors: 2 }],
  ['ExportApp /A:x', { errors: 1 }],
  ['ExportApp /A:x /P:a.msi /App:y', { errors: 1 }],
  ['ExportApp /A:x /P:a.msi /GlobalParties:yes', { errors: 1 }],
  ['ExportApp Orders /P:a.msi', { errors: 1 }],
];

for (const [line, expected] of table) {
  test(`grammar: BTSTask ${line === '' ? '(nothing)' : line}`, (t) => {
    const outcome = parseBtsTaskArguments(splitWindowsCommandLine(line));
    if ('errors' in expected) {
      t.false(outcome.ok);
      if (!outcome.ok) t.is(outcome.problem.errors.length, expected.errors, outcome.problem.errors.join(' | '));
      return;
    }
    t.true(outcome.ok, outcome.ok ? '' : outcome.problem.errors.join(' | '));
    if (!outcome.ok) return;
    t.is(outcome.invocation.command.name, expected.command);
    t.deepEqual(Object.fromEntries(outcome.invocation.values), expected.values);
  });
}

test('an exact name beats a longer one it prefixes (ListApp vs ListApps)', (t) => {
  t.deepEqual(resolveName('listapp', ['ListApps', 'ListApp']), { kind: 'match', name: 'ListApp' });
  t.deepEqual(resolveName('ListA', ['ListApps', 'ListApp']), { kind: 'ambiguous', candidates: ['ListApps', 'ListApp'] });
  t.deepEqual(resolveName('x', ['ListApps']), { kind: 'unknown' });
});

const splits: [string, string[]][] = [
  ['a b  c', ['a', 'b', 'c']],
  ['/A:"My App" /P:x', ['/A:My App', '/P:x']],
  ['"/P:C:\\My Files\\"', ['/P:C:\\My Files"']],
  ['"/P:C:\\My Files\\\\"', ['/P:C:\\My Files\\']],
  ['/P:C:\\dir\\x.msi', ['/P:C:\\dir\\x.msi']],
  ['a\\"b', ['a"b']],
  ['""', ['']],
];
for (const [line, argv] of splits) {
  test(`command line split: ${line}`, (t) => {
    t.deepEqual(splitWindowsCommandLine(line), argv);
  });
}

test('a value still wrapped in quotes keeps them, as in real BTSTask (.NET already removed the quotes a user typed)', (t) => {
  const outcome = parseBtsTaskArguments(['ListApp', '/A:"Zahlungsverkehr Süd"']);
  t.true(outcome.ok);
  if (outcome.ok) t.is(outcome.invocation.values.get('ApplicationName'), '"Zahlungsverkehr Süd"');
  // What the user typed at cmd.exe reaches BTSTask without them.
  const typed = parseBtsTaskArguments(splitWindowsCommandLine('ListApp /A:"Zahlungsverkehr Süd"'));
  t.true(typed.ok);
  if (typed.ok) t.is(typed.invocation.values.get('ApplicationName'), 'Zahlungsverkehr Süd');
});
