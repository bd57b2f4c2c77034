import test from 'ava';
import { buildBindingInfo } from '../../../src/adapters/simulator/binding-builder.js';
import { findClearPasswords, findMaskedPasswords, injectSecrets, MASK, maskBindingPasswords, secretKey } from '../../../src/formats/bindings/binding-secrets.js';
import { normalizeBindings } from '../../../src/formats/bindings/normalize-bindings.js';

const CANARY_FTP = 'canary-ftp-7f3a9c';
const CANARY_SFTP = 'canary-sftp-<&>"-2b8e';

const xml = buildBindingInfo({
  application: 'Zahlungsverkehr Süd',
  modules: [],
  receivePorts: [
    { name: 'In', locations: [{ name: 'In.Ftp', enabled: true, transport: { adapter: 'FTP', address: 'ftp://x/in', props: { serverAddress: 'x', userName: 'u', password: CANARY_FTP }, host: 'ReceiveHost', hostTrusted: false } }] },
  ],
  sendPorts: [
    { name: 'Out.Sftp', transport: { adapter: 'SFTP', address: 'sftp://y/out', props: {}, adapterConfig: { serverAddress: 'y', userName: 'v', password: CANARY_SFTP }, host: 'SendHost', hostTrusted: false } },
    { name: 'Out.File', transport: { adapter: 'FILE', address: 'C:\\out', props: { FileMask: '*.xml' }, host: 'SendHost', hostTrusted: false } },
  ],
});

test('masking hides every password, once and twice escaped, like ExportBindings', (t) => {
  const masked = maskBindingPasswords(xml, 'b.xml');
  t.false(masked.includes(CANARY_FTP));
  t.false(masked.includes('canary-sftp'));
  t.deepEqual(findClearPasswords(masked, 'b.xml'), []);
  const found = findMaskedPasswords(masked, 'b.xml').map(secretKey).sort();
  t.deepEqual(found, ['In|In.Ftp|password', 'Out.Sftp||AdapterConfig/password']);
});

test('clear passwords are found where a binding file keeps them', (t) => {
  t.deepEqual(findClearPasswords(xml, 'b.xml').map(secretKey).sort(), ['In|In.Ftp|password', 'Out.Sftp||AdapterConfig/password']);
});

test('injecting secrets restores the original values exactly and reports what is still missing', (t) => {
  const masked = maskBindingPasswords(xml, 'b.xml');
  const all = injectSecrets(masked, 'b.xml', new Map([['In|In.Ftp|password', CANARY_FTP], ['Out.Sftp||AdapterConfig/password', CANARY_SFTP]]));
  t.deepEqual(all.missing, []);
  t.deepEqual(findClearPasswords(all.xml, 'b.xml').length, 2);
  t.is(normalizeBindings(all.xml, 'a').fingerprint, normalizeBindings(xml, 'b').fingerprint);
  const some = injectSecrets(masked, 'b.xml', new Map([['In|In.Ftp|password', CANARY_FTP]]));
  t.deepEqual(some.missing.map(secretKey), ['Out.Sftp||AdapterConfig/password']);
  t.true(some.xml.includes(MASK));
});

test('normalised bindings ignore Timestamp but see addresses, filters and handlers', (t) => {
  const base = normalizeBindings(xml, 'a');
  t.is(normalizeBindings(xml.replace(/<Timestamp>[^<]*<\/Timestamp>/, '<Timestamp>2030-01-01T00:00:00</Timestamp>'), 'b').fingerprint, base.fingerprint);
  t.not(normalizeBindings(xml.replace('C:\\out', 'D:\\out'), 'c').fingerprint, base.fingerprint);
  t.not(normalizeBindings(xml.replace('HostTrusted="false"', 'HostTrusted="true"'), 'd').fingerprint, base.fingerprint);
  t.deepEqual(base.summary.sendPorts.map((p) => [p.name, p.transport, p.host]), [['Out.File', 'FILE', 'SendHost'], ['Out.Sftp', 'SFTP', 'SendHost']]);
  t.deepEqual(base.summary.receiveLocations.map((l) => [l.port, l.name, l.address]), [['In', 'In.Ftp', 'ftp://x/in']]);
});

test('escaped adapter configuration compares canonically: attribute order and whitespace do not matter', (t) => {
  const a = normalizeBindings(xml, 'a').fingerprint;
  const reordered = xml.replace('&lt;FileMask vt="8"&gt;', '&lt;FileMask  vt="8" &gt;');
  t.is(normalizeBindings(reordered, 'b').fingerprint, a);
});
