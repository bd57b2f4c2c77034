import test from 'ava';
import { buildBindingInfo } from '../../../src/adapters/simulator/binding-builder.js';
import { decodeTextFile, encodeTextFile, redactSecrets } from '../../../src/formats/bindings/redact-secrets.js';

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

const encodeAs = (text: string, encoding: 'utf-8' | 'utf-16le' | 'utf-16be', bom: boolean): Uint8Array => encodeTextFile(text, encoding, bom);
const everyDecoding = (bytes: Uint8Array): string[] => ['utf-8', 'utf-16le', 'utf-16be', 'latin1'].map((e) => (e === 'latin1' ? Buffer.from(bytes).toString('latin1') : new TextDecoder(e).decode(bytes)));

for (const [encoding, bom] of [['utf-16be', true], ['utf-16le', true], ['utf-16be', false], ['utf-16le', false], ['utf-8', true], ['utf-8', false]] as const) {
  test(`a binding file in ${encoding}${bom ? ' with BOM' : ' without BOM'} is scanned in its encoding and written back in it`, (t) => {
    const xml = buildBindingInfo({ application: 'A', modules: [], receivePorts: [], sendPorts: [{ name: 'P', transport: { adapter: 'FTP', address: `ftp://u:${CANARY}@h/x`, props: { userName: 'u', password: CANARY }, host: 'H', hostTrusted: false } }] }).replace(/encoding="[^"]*"/, `encoding="${encoding.startsWith('utf-16') ? 'utf-16' : 'utf-8'}"`);
    const bytes = encodeAs(xml, encoding, bom);
    const result = redactSecrets(bytes, 'B.xml');
    t.truthy(result);
    for (const text of everyDecoding(result!.bytes)) t.false(text.includes(CANARY));
    t.deepEqual(result!.redactions.map((r) => r.location?.field).sort(), ['Address/userinfo', 'password']);
    const decoded = decodeTextFile(result!.bytes)!;
    t.like(decoded, { encoding, bom });
    t.deepEqual([...result!.bytes.subarray(0, 2)], [...bytes.subarray(0, 2)], 'same BOM / first character bytes');
    t.true(decoded.text.includes('ftp://u:******@h/x'));
  });
}

test('a config file in UTF-16 BE keeps every byte except the secret', (t) => {
  const text = `<configuration><connectionStrings><add name="db" connectionString="Server=x;Password=${CANARY};" /></connectionStrings></configuration>`;
  const bytes = encodeAs(text, 'utf-16be', true);
  const result = redactSecrets(bytes, 'W.config')!;
  t.deepEqual(result.bytes, encodeAs(text.replace(CANARY, '******'), 'utf-16be', true));
});

test('binary files, and text in a legacy code page, keep every byte that is not a secret', (t) => {
  t.is(decodeTextFile(new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0])), undefined);
  const latin = new Uint8Array([...Buffer.from('Stra\xdfe=1;Password=', 'latin1'), ...Buffer.from(CANARY, 'latin1'), ...Buffer.from(';', 'latin1')]);
  const result = redactSecrets(latin, 'x.ini')!;
  t.deepEqual(Buffer.from(result.bytes).toString('latin1'), 'Stra\xdfe=1;Password=******;');
});
