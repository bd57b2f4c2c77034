import test from 'ava';
import { writeAssembly } from '../../src/formats/dotnet/assembly-writer.js';
import { buildApplicationPackage, type ApplicationPackageInput } from '../../src/formats/msi/application-package.js';
import { escapeXml } from '../../src/formats/bindings/parse-xml.js';
import { BtsBackupError } from '../../src/errors/index.js';
import { inspectFile } from '../../src/usecases/inspect-file.js';

const ftpProps = '<CustomProps><AdapterConfig vt="8">x</AdapterConfig><Password vt="1">******</Password><UserName vt="8">ftpuser</UserName></CustomProps>';
const sftpProps = '<CustomProps><ClientPassword vt="8">******</ClientPassword><Host vt="8">sftp.contoso.com</Host></CustomProps>';
const cleartext = '<CustomProps><Password vt="8">secret123</Password></CustomProps>';

const bindingXml = `<?xml version="1.0" encoding="utf-8"?>
<BindingInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema" Assembly="Microsoft.BizTalk.Deployment" Version="3.5.1.0" BindingStatus="FullyBound" BoundEndpoints="4" TotalEndpoints="4">
  <Timestamp>2024-05-06T12:30:00</Timestamp>
  <ModuleRefCollection><ModuleRef Name="[Application:Orders]" /></ModuleRefCollection>
  <SendPortCollection>
    <SendPort Name="SP_Orders_FTP" IsStatic="true">
      <PrimaryTransport><Address>ftp://ftp.contoso.com/in</Address><TransportTypeData>${escapeXml(ftpProps)}</TransportTypeData></PrimaryTransport>
    </SendPort>
    <SendPort Name="SP_Orders_Double">
      <PrimaryTransport><TransportTypeData>${escapeXml(escapeXml(ftpProps))}</TransportTypeData></PrimaryTransport>
    </SendPort>
    <SendPort Name="SP_Cleartext">
      <PrimaryTransport><TransportTypeData>${escapeXml(cleartext)}</TransportTypeData></PrimaryTransport>
    </SendPort>
  </SendPortCollection>
  <DistributionListCollection><DistributionList Name="SPG_All" /></DistributionListCollection>
  <ReceivePortCollection>
    <ReceivePort Name="RP_Orders">
      <ReceiveLocations>
        <ReceiveLocation Name="RL_Orders_SFTP"><ReceiveLocationTransportTypeData>${escapeXml(sftpProps)}</ReceiveLocationTransportTypeData></ReceiveLocation>
        <ReceiveLocation Name="RL_Orders_File" />
      </ReceiveLocations>
    </ReceivePort>
  </ReceivePortCollection>
  <PartyCollection />
</BindingInfo>`;

function input(): ApplicationPackageInput {
  return {
    application: 'Orders',
    description: 'Order handling',
    author: 'CONTOSO\\btsadmin',
    revision: '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}',
    productCode: '{9C1E55A2-0B7A-4E0B-8C44-6B2F1D2A7E11}',
    createdAt: new Date(Date.UTC(2024, 4, 6, 12, 30, 0)),
    references: ['Common'],
    resources: [
      {
        type: 'System.BizTalk:BizTalkAssembly',
        luid: 'Orders, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35',
        properties: {},
        files: [{ name: 'Orders.dll', bytes: new Uint8Array(1234) }],
      },
      { type: 'System.BizTalk:BizTalkBinding', luid: 'Application/Orders', properties: {}, files: [{ name: 'BindingInfo.xml', bytes: new TextEncoder().encode(bindingXml) }] },
      { type: 'System.BizTalk:BizTalkBinding', luid: 'Broken/Binding', properties: {}, files: [{ name: 'Broken.xml', bytes: new TextEncoder().encode('<BindingInfo><oops></BindingInfo>') }] },
    ],
  };
}

test('an MSI: application, resources, references, bindings and masked passwords', (t) => {
  const result = inspectFile(buildApplicationPackage(input()), 'Orders.msi');
  if (result.kind !== 'msi') return t.fail('not read as an MSI');
  t.is(result.application, 'Orders');
  t.is(result.description, 'Order handling');
  t.is(result.revision, '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}');
  t.is(result.created, '2024-05-06T12:30:00.000Z');
  t.deepEqual(result.references, ['BizTalk.System', 'Common']);
  t.is(result.resources.length, 3);
  t.is(result.resources[0]!.cabinet, 'ITEM~0.CAB');
  t.deepEqual(result.resources[0]!.files.map((f) => f.size), [1234]);
  t.regex(result.resources[0]!.files[0]!.path, /^BizTalkAssembly\\[0-9a-f]{32}\\Orders\.dll$/);
  t.deepEqual(result.bindings[0], {
    luid: 'Application/Orders',
    file: 'BizTalkBinding\\Application-Orders\\BindingInfo.xml',
    sendPorts: 3,
    receivePorts: 1,
    receiveLocations: 2,
    sendPortGroups: 1,
  });
  t.is(result.bindings[1]!.luid, 'Broken/Binding');
  t.truthy(result.bindings[1]!.problem);
  t.deepEqual(
    result.maskedPasswords.map((m) => `${m.portKind}:${m.port}:${m.field}@${m.location}`).sort(),
    [
      'ReceiveLocation:RL_Orders_SFTP:ClientPassword@ReceiveLocationTransportTypeData/CustomProps',
      'SendPort:SP_Orders_Double:Password@PrimaryTransport/TransportTypeData/CustomProps',
      'SendPort:SP_Orders_FTP:Password@PrimaryTransport/TransportTypeData/CustomProps',
    ],
  );
  const json = JSON.stringify(result);
  t.false(json.includes('secret123'), 'no password value');
  t.false(json.includes('******'), 'not even the mask');
  t.deepEqual(JSON.parse(json), result, 'plain JSON-able data');
});

test('a DLL: identity and references', (t) => {
  const identity = { name: 'Orders', version: '1.0.0.0', culture: 'neutral', publicKeyToken: '31bf3856ad364e35' };
  const reference = { name: 'Microsoft.XLANGs.BaseTypes', version: '3.0.1.0', culture: 'neutral', publicKeyToken: '31bf3856ad364e35' };
  const result = inspectFile(writeAssembly({ identity, references: [reference] }), 'Orders.dll');
  if (result.kind !== 'assembly') return t.fail('not read as an assembly');
  t.deepEqual(result.identity, identity);
  t.deepEqual(result.references, [reference]);
  t.true(result.isBizTalkAssembly);
});

test('anything else, or a damaged MSI, is E_INVALID_DATA', (t) => {
  for (const [bytes, name] of [
    [new TextEncoder().encode('hello'), 'notes.txt'],
    [new Uint8Array(0), 'empty.msi'],
    [buildApplicationPackage(input()).subarray(0, 3000), 'cut.msi'],
    [new Uint8Array([0x4d, 0x5a, 0, 0]), 'cut.dll'],
  ] as const) {
    const error = t.throws(() => inspectFile(bytes, name));
    t.true(error instanceof BtsBackupError, name);
    t.is((error as BtsBackupError).code, 'E_INVALID_DATA', name);
  }
});

test('an MSI: clear-text secrets are reported by where they are (file, rule, secrets key), never by value', (t) => {
  const base = input();
  base.resources.push({ type: 'System.BizTalk:File', luid: 'Orders.config', properties: {}, files: [{ name: 'Orders.config', bytes: new TextEncoder().encode('<configuration><connectionStrings><add name="db" connectionString="Server=x;Password=secret456;" /></connectionStrings></configuration>') }] });
  const result = inspectFile(buildApplicationPackage(base), 'Orders.msi');
  if (result.kind !== 'msi') return t.fail('not read as an MSI');
  t.deepEqual(
    result.clearSecrets.map((c) => `${c.resource}|${c.rule}|${c.key.replace(/^file:.*\\/, 'file:')}`).sort(),
    ['Application/Orders|password-field|SP_Cleartext||Password', 'Orders.config|connection-string|file:Orders.config||password'],
  );
  const json = JSON.stringify(result);
  t.false(json.includes('secret123'));
  t.false(json.includes('secret456'));
});
