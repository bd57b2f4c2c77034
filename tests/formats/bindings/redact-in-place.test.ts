import test from 'ava';
import { redactSecretsInPlace } from '../../../src/formats/bindings/redact-in-place.js';
import { redactSecrets } from '../../../src/formats/bindings/redact-secrets.js';

const CANARY = 'p&w<d-canary>9';
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// A send port with a clear password in CustomProps, and a receive location whose AdapterConfig (escaped twice) has one.
const binding = (value: string): string =>
  '<?xml version="1.0" encoding="utf-16"?>\r\n<BindingInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema" Version="3.5.1.0">\r\n' +
  '  <SendPortCollection>\r\n    <SendPort Name="ToFtp" IsStatic="true">\r\n      <PrimaryTransport>\r\n' +
  `        <TransportTypeData>${escape(`<CustomProps><UserName vt="8">u</UserName><Password vt="8">${escape(value)}</Password></CustomProps>`)}</TransportTypeData>\r\n` +
  '      </PrimaryTransport>\r\n    </SendPort>\r\n  </SendPortCollection>\r\n  <ReceivePortCollection>\r\n    <ReceivePort Name="In">\r\n      <ReceiveLocations>\r\n        <ReceiveLocation Name="InWcf">\r\n' +
  `          <ReceiveLocationTransportTypeData>${escape(`<CustomProps><AdapterConfig vt="8">${escape(`<Config><userName>u</userName><password>${escape(value)}</password></Config>`)}</AdapterConfig></CustomProps>`)}</ReceiveLocationTransportTypeData>\r\n` +
  '        </ReceiveLocation>\r\n      </ReceiveLocations>\r\n    </ReceivePort>\r\n  </ReceivePortCollection>\r\n</BindingInfo>\r\n';

const utf16 = (s: string): Uint8Array => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]));

test('a UTF-16 binding file: both passwords masked, every other byte kept (BOM, declaration, escaping, line ends)', (t) => {
  const original = utf16(binding(CANARY));
  const result = redactSecretsInPlace(original, 'BindingInfo.xml');
  t.truthy(result);
  t.deepEqual(result!.redactions.map((r) => r.kind), ['BindingPassword', 'BindingPassword']);
  const expected = utf16(binding('******'));
  t.true(Buffer.from(result!.bytes).equals(Buffer.from(expected)));
  // What redactSecrets alone gives is a different, re-serialised document: the reason for this function.
  t.false(Buffer.from(redactSecrets(original, 'BindingInfo.xml')!.bytes).equals(Buffer.from(expected)));
});

test('a UTF-8 config file with a BOM keeps its BOM; only the connection-string password changes', (t) => {
  const text = (pw: string): string => `\ufeff<configuration>\r\n  <add name="db" connectionString="Server=sql;Password=${pw};" />\r\n</configuration>\r\n`;
  const result = redactSecretsInPlace(new TextEncoder().encode(text('canary-77')), 'web.config');
  t.true(Buffer.from(result!.bytes).equals(Buffer.from(new TextEncoder().encode(text('******')))));
  t.deepEqual(result!.redactions.map((r) => r.kind), ['ConnectionStringPassword']);
});

test('nothing to redact gives undefined; bytes that are not text in their encoding fall back to redactSecrets', (t) => {
  t.is(redactSecretsInPlace(new TextEncoder().encode('<configuration />'), 'a.config'), undefined);
  const latin1 = new Uint8Array(Buffer.from('Server=x;Password=caf\xe9-canary;\r\n', 'latin1'));
  const result = redactSecretsInPlace(latin1, 'a.config');
  t.deepEqual(result, redactSecrets(latin1, 'a.config'));
  t.false(Buffer.from(result!.bytes).includes('canary'));
});
