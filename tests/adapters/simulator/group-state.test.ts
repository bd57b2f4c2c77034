import test from 'ava';
import { parseGroupState } from '../../../src/adapters/simulator/group-state.js';
import { createSampleGroupState } from '../../../src/adapters/simulator/sample-group.js';

test('the sample group is a valid state and round-trips through JSON', (t) => {
  const state = createSampleGroupState();
  t.deepEqual(parseGroupState(JSON.stringify(state), 'sample'), state);
});

test('the sample group has what the backup must cope with', (t) => {
  const state = createSampleGroupState();
  const names = state.applications.map((a) => a.name);
  t.true(state.applications.some((a) => a.isSystem && a.name === 'BizTalk.System'));
  t.true(state.applications.some((a) => a.isDefault && a.resources.length === 0));
  t.true(names.some((n) => n.includes(' ') && /[^\x00-\x7f]/.test(n)), 'a name with a space and a non-ASCII letter');
  t.true(state.applications.some((a) => a.resources.some((r) => r.type.endsWith(':Rules'))), 'a BRE policy');
  t.true(state.applications.some((a) => a.resources.some((r) => r.type.endsWith(':WebDirectory'))), 'a web directory');
  t.true(state.applications.some((a) => (a.bindings ?? '').includes('SFTP')), 'an SFTP send port');
  const byName = new Map(state.applications.map((a) => [a.name, a]));
  t.deepEqual(byName.get('Contoso.Portal')?.references, ['Contoso.Billing']);
  t.true(byName.get('Contoso.Billing')?.references.includes('Contoso.Orders'));
  t.deepEqual(byName.get('Contoso.Orders')?.references, ['Contoso.Shared']);
  const resourceAssemblies = new Set(state.applications.flatMap((a) => a.resources.map((r) => r.luid)));
  t.true(state.gac.some((g) => !resourceAssemblies.has(g.assembly.fullName)), 'a GAC-only helper DLL');
});

const corrupt: { title: string; text: string }[] = [
  { title: 'not JSON', text: '{ "schemaVersion": 1, ' },
  { title: 'an array', text: '[]' },
  { title: 'a wrong schemaVersion', text: JSON.stringify({ ...createSampleGroupState(), schemaVersion: 7 }) },
  { title: 'an application without a name', text: JSON.stringify({ ...createSampleGroupState(), applications: [{ description: '' }] }) },
  { title: 'a duplicate application', text: JSON.stringify({ ...createSampleGroupState(), applications: [createSampleGroupState().applications[2], createSampleGroupState().applications[2]] }) },
  {
    title: 'a file with two contents',
    text: JSON.stringify({ ...createSampleGroupState(), applications: [{ name: 'A', description: '', isSystem: false, isDefault: false, status: 'Started', references: [], resources: [{ type: 't', luid: 'l', properties: {}, files: [{ name: 'f', text: 'a', base64: 'YQ==' }] }] }] }),
  },
];

for (const c of corrupt) {
  test(`a state file with ${c.title} is E_STATE_CORRUPT naming the file`, (t) => {
    const error = t.throws(() => parseGroupState(c.text, '/tmp/state.json')) as { code?: string; target?: string };
    t.is(error.code, 'E_STATE_CORRUPT');
    t.is(error.target, '/tmp/state.json');
  });
}
