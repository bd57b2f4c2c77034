import test from 'ava';
import { buildBindingInfo } from '../../../src/adapters/simulator/binding-builder.js';
import { redactSecrets } from '../../../src/formats/bindings/redact-secrets.js';

const CANARY = 'canary-0d5e7b';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

const cases: { title: string; text: string; kinds: string[] }[] = [
  { title: 'a connection string in a config file', text: `<add name="db" connectionString="Server=sql;Database=x;User Id=u;Password=${CANARY};" />`, kinds: ['ConnectionStringPassword'] },
  { title: 'Pwd= at the end of a line', text: `Data Source=x;Pwd=${CANARY}\r\nnext`, kinds: ['ConnectionStringPassword'] },
  { title: 'a quoted password', text: `Password="${CANARY};still"`, kinds: ['ConnectionStringPassword'] },
  { title: 'an escaped connection string in binding data', text: `&lt;connectionString&gt;Server=x;password=${CANARY}&lt;/connectionString&gt;`, kinds: ['ConnectionStringPassword'] },
  {
    title: 'an added binding file with a clear FTP password',
    text: buildBindingInfo({ application: 'A', modules: [], receivePorts: [], sendPorts: [{ name: 'P', transport: { adapter: 'FTP', address: 'ftp://x', props: { userName: 'u', password: CANARY }, host: 'H', hostTrusted: false } }] }),
    kinds: ['BindingPassword'],
  },
];

for (const c of cases) {
  test(`redacts ${c.title}`, (t) => {
    const result = redactSecrets(enc(c.text), 'file.xml');
    t.truthy(result);
    t.false(dec(result!.bytes).includes(CANARY));
    t.deepEqual([...new Set(result!.redactions.map((r) => r.kind))], c.kinds);
    t.false(JSON.stringify(result!.redactions).includes(CANARY));
  });
}

test('files without secrets, already masked values and binary files are left alone', (t) => {
  t.is(redactSecrets(enc('<configuration><add key="a" value="b" /></configuration>'), 'a.config'), undefined);
  t.is(redactSecrets(enc('Server=x;Password=******;'), 'a.config'), undefined);
  t.is(redactSecrets(new Uint8Array([0x4d, 0x5a, 0, 0, 80, 97, 115, 115, 119, 111, 114, 100, 61, 120]), 'a.dll'), undefined);
});
