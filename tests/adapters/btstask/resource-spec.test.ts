import test from 'ava';
import { buildResourceSpec, readResourceSpec, restrictResourceSpec, RESOURCE_SPEC_NAMESPACE, writeResourceSpec } from '../../../src/adapters/btstask/resource-spec.js';
import { decodeText } from '../../../src/formats/bindings/parse-xml.js';

const asm = 'Contoso.Orders.Maps, Version=1.2.0.0, Culture=neutral, PublicKeyToken=f1e2d3c4b5a69788';
const xml = (rootAttributes = '') =>
  `<?xml version="1.0" encoding="utf-16"?>\r\n<ResourceSpec xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Name="Zahlungsverkehr Süd" Version="1.0"${rootAttributes} xmlns="${RESOURCE_SPEC_NAMESPACE}">\r\n  <Resources>\r\n    <Resource Type="System.BizTalk:BizTalkAssembly" Luid="${asm}" />\r\n    <Resource Type="System.BizTalk:WebDirectory" Luid="http://localhost/Portal" />\r\n    <Resource Type="System.BizTalk:BizTalkBinding" Luid="Application/Zahlungsverkehr Süd" />\r\n  </Resources>\r\n</ResourceSpec>\r\n`;

const encodings: [string, (text: string) => Uint8Array][] = [
  ['UTF-16 LE with BOM', (text) => new Uint8Array([0xff, 0xfe, ...Buffer.from(text, 'utf16le')])],
  ['UTF-16 BE with BOM', (text) => new Uint8Array([0xfe, 0xff, ...Buffer.from(text, 'utf16le').swap16()])],
  ['UTF-8 with BOM', (text) => new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(text, 'utf8')])],
  ['UTF-8 without BOM', (text) => new Uint8Array(Buffer.from(text.replace('utf-16', 'utf-8'), 'utf8'))],
];
for (const [name, encode] of encodings) {
  test(`reads a ResourceSpec in ${name}`, (t) => {
    const spec = readResourceSpec(encode(xml()), 'spec.xml');
    t.deepEqual(spec.resources, [
      { type: 'System.BizTalk:BizTalkAssembly', luid: asm },
      { type: 'System.BizTalk:WebDirectory', luid: 'http://localhost/Portal' },
      { type: 'System.BizTalk:BizTalkBinding', luid: 'Application/Zahlungsverkehr Süd' },
    ]);
  });
}

test('restricting removes Resource nodes only, keeps unknown root attributes, and writes UTF-16 LE with a BOM', (t) => {
  const spec = readResourceSpec(encodings[0]![1](xml(' Custom="kept" Build="42"')), 'spec.xml');
  const restricted = restrictResourceSpec(spec, [{ type: 'system.biztalk:bizTalkAssembly', luid: asm.toUpperCase() }]);
  const bytes = writeResourceSpec(restricted);
  t.deepEqual([bytes[0], bytes[1]], [0xff, 0xfe]);
  const text = decodeText(bytes);
  t.regex(text, /^<\?xml version="1.0" encoding="utf-16"\?>/);
  for (const attribute of ['Custom="kept"', 'Build="42"', 'Name="Zahlungsverkehr Süd"', 'Version="1.0"', 'xmlns:xsi=']) t.true(text.includes(attribute), attribute);
  const reread = readResourceSpec(bytes, 'restricted.xml');
  t.deepEqual(reread.resources, [{ type: 'System.BizTalk:BizTalkAssembly', luid: asm }]);
  t.false(text.includes('WebDirectory'));
  // The original document is untouched.
  t.is(spec.resources.length, 3);
  t.is(readResourceSpec(writeResourceSpec(spec), 'again').resources.length, 3);
});

test('a wanted resource the spec lacks is appended (BTSTask then reports it), not silently dropped', (t) => {
  const spec = readResourceSpec(buildResourceSpec('Orders', [{ type: 'System.BizTalk:File', luid: 'a.config' }]), 'spec.xml');
  const restricted = restrictResourceSpec(spec, [{ type: 'System.BizTalk:File', luid: 'missing.config' }]);
  t.deepEqual(restricted.resources, [{ type: 'System.BizTalk:File', luid: 'missing.config' }]);
  const reread = readResourceSpec(writeResourceSpec(restricted), 'x');
  t.deepEqual(reread.resources, restricted.resources);
  t.is(reread.document.documentElement?.namespaceURI, RESOURCE_SPEC_NAMESPACE);
});

const invalid: [string, string][] = [
  ['a DTD', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ResourceSpec xmlns="${RESOURCE_SPEC_NAMESPACE}"><Resources/></ResourceSpec>`],
  ['malformed XML', `<ResourceSpec xmlns="${RESOURCE_SPEC_NAMESPACE}"><Resources>`],
  ['another root', '<BindingInfo><Resources/></BindingInfo>'],
  ['another namespace', '<ResourceSpec xmlns="urn:other"><Resources/></ResourceSpec>'],
  ['no Resources element', `<ResourceSpec xmlns="${RESOURCE_SPEC_NAMESPACE}"/>`],
  ['a Resource without a Luid', `<ResourceSpec xmlns="${RESOURCE_SPEC_NAMESPACE}"><Resources><Resource Type="System.BizTalk:File"/></Resources></ResourceSpec>`],
];
for (const [name, text] of invalid) {
  test(`rejects ${name} with E_INVALID_DATA`, (t) => {
    const error = t.throws(() => readResourceSpec(new Uint8Array(Buffer.from(text, 'utf8')), 'bad.xml'));
    t.is((error as { code?: string }).code, 'E_INVALID_DATA');
  });
}
