import test from 'ava';
import { parseSetHeader, parseStoredSet, serializeRoot, setHeader, sha256Hex, type SetRoot } from '../../src/core/manifest-tree.js';

function root(names: string[]): SetRoot {
  return {
    schemaVersion: 2,
    setId: '20261130T010000Z-000001',
    createdAt: '2026-11-30T01:00:00.000Z',
    createdBy: { user: 'CONTOSO\\svc', host: 'BTS01' },
    tool: { name: 'BizTalkBackup', version: 'test' },
    group: { server: 'SQL01', database: 'BizTalkMgmtDb', source: 'simulator' },
    parent: '20261129T010000Z-000001',
    parentRoot: sha256Hex('parent'),
    full: false,
    summary: { applications: names.length, exported: 1, unchanged: names.length - 1, failed: 0, warnings: 2 },
    warnings: [],
    failures: [],
    redactions: [],
    extras: [],
    applications: names.map((name, i) => ({ name, record: sha256Hex(name), ...(i === 0 ? { backupStatus: 'Exported' as const, reasons: ['resources changed'] } : {}) })),
  };
}

test('list reads a root fast (header and names only) and gets what the full parse gets, whatever the names hold', (t) => {
  const awkward = ['Orders', 'a","record":"b', 'Zahlungsverkehr Süd', 'quote " and \\ backslash', 'line\nbreak', '<>:"/\\|?*', 'x'.repeat(300)];
  const bytes = serializeRoot(root(awkward));
  const fast = parseSetHeader(bytes, 'set');
  t.deepEqual(fast, setHeader(parseStoredSet(bytes, 'set')));
  t.deepEqual(fast.importOrder, awkward);
  t.is(fast.summary.warnings, 2);
  t.is(fast.parentRoot, sha256Hex('parent'));
});

test('a root not laid out as serializeRoot writes it (or a flat manifest) takes the full parse, and a malformed one is E_MANIFEST_CORRUPT either way', (t) => {
  const value = root(['A', 'B']);
  const compact = new TextEncoder().encode(JSON.stringify(value));
  t.deepEqual(parseSetHeader(compact, 'set').importOrder, ['A', 'B']);
  const broken = new TextDecoder().decode(serializeRoot(value)).replace(`"record":"${sha256Hex('B')}"`, '"record":"nothex"');
  t.throws(() => parseStoredSet(new TextEncoder().encode(broken), 'set'), { code: 'E_MANIFEST_CORRUPT' });
  const noSummary = new TextDecoder().decode(serializeRoot(value)).replace(/"summary":\{[^}]*\},/, '');
  t.throws(() => parseSetHeader(new TextEncoder().encode(noSummary), 'set'), { code: 'E_MANIFEST_CORRUPT' });
  t.throws(() => parseSetHeader(new TextEncoder().encode('{"schemaVersion":3}'), 'set'), { code: 'E_MANIFEST_UNSUPPORTED' });
});

test('the group-level bindings cut is per set: slices ride on the root lines and the residue in the header, never in the records', (t) => {
  const value = { ...root(['A', 'B']), groupBindingsResidue: sha256Hex('residue') };
  value.applications = value.applications.map((entry) => ({ ...entry, bindingsSlice: sha256Hex(`slice of ${entry.name}`) }));
  const bytes = serializeRoot(value);
  const stored = parseStoredSet(bytes, 'set');
  t.is(stored.schemaVersion, 2);
  if (stored.schemaVersion !== 2) return;
  t.is(stored.root.groupBindingsResidue, sha256Hex('residue'));
  t.deepEqual(stored.root.applications.map((a) => a.bindingsSlice), [sha256Hex('slice of A'), sha256Hex('slice of B')]);
  t.deepEqual(parseSetHeader(bytes, 'set').importOrder, ['A', 'B']);
  const text = new TextDecoder().decode(bytes);
  for (const [from, to] of [
    [`"groupBindingsResidue":"${sha256Hex('residue')}"`, '"groupBindingsResidue":"not a hash"'],
    [`"bindingsSlice":"${sha256Hex('slice of B')}"`, '"bindingsSlice":42'],
  ] as const) {
    t.throws(() => parseStoredSet(new TextEncoder().encode(text.replace(from, to)), 'set'), { code: 'E_MANIFEST_CORRUPT' }, to);
  }
});

test('a set without who made it, with what, or for which group is E_MANIFEST_CORRUPT when read (show and report printed it as E_INTERNAL)', (t) => {
  const text = new TextDecoder().decode(serializeRoot(root(['A'])));
  for (const [from, to] of [
    ['"createdBy":{"user":"CONTOSO\\\\svc","host":"BTS01"},', ''],
    ['"user":"CONTOSO\\\\svc",', ''],
    ['"server":"SQL01",', ''],
    ['"tool":{"name":"BizTalkBackup","version":"test"},', '"tool":"BizTalkBackup",'],
  ] as const) {
    const damaged = text.replace(from, to);
    t.not(damaged, text, from);
    t.throws(() => parseStoredSet(new TextEncoder().encode(damaged), 'set'), { code: 'E_MANIFEST_CORRUPT' }, from);
    t.throws(() => parseSetHeader(new TextEncoder().encode(damaged), 'set'), { code: 'E_MANIFEST_CORRUPT' }, from);
  }
});
