// RELIABILITY case 27: XML nested thousands of levels deep is a typed error, never a stack overflow. No parser or walker
// recurses on the input's depth.
import test from 'ava';
import { DOMParser } from '@xmldom/xmldom';
import { BtsBackupError } from '../../../src/errors/index.js';
import { parseAdf } from '../../../src/formats/adf/adf.js';
import { findClearPasswords, maskBindingPasswords } from '../../../src/formats/bindings/binding-secrets.js';
import { normalizeBindings } from '../../../src/formats/bindings/normalize-bindings.js';
import { descendantElements, descendants, isXmlTooDeep, MAX_XML_DEPTH, parseXml, serializeXml } from '../../../src/formats/bindings/parse-xml.js';
import { redactSecrets } from '../../../src/formats/bindings/redact-secrets.js';
import { findMaskedPasswords } from '../../../src/usecases/inspect-file.js';

const nested = (depth: number, name = 'D', inner = 'x'): string => `<${name}>`.repeat(depth) + inner + `</${name}>`.repeat(depth);
const escape = (xml: string): string => xml.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function bindingInfo(extra = '', customProps = '<CustomProps><Password vt="8">p</Password></CustomProps>'): string {
  return `<?xml version="1.0" encoding="utf-8"?><BindingInfo><Timestamp>2026-01-01T00:00:00</Timestamp><SendPortCollection><SendPort Name="S"><PrimaryTransport><Address>C:\\out</Address><TransportType Name="FILE" /><TransportTypeData>${escape(customProps)}</TransportTypeData><SendHandler Name="SendHost" HostTrusted="false" /></PrimaryTransport></SendPort></SendPortCollection>${extra}</BindingInfo>`;
}

/** `source` names the file; the escaped parts of a binding file are named `<file> (TransportTypeData)` and the like. */
function assertTooDeep(t: import('ava').ExecutionContext, run: () => unknown, source: string, part?: 'any'): void {
  const error = t.throws(run);
  t.true(error instanceof BtsBackupError, `not a BtsBackupError: ${String(error)}`);
  t.is((error as BtsBackupError).code, 'E_INVALID_DATA');
  if (part === 'any') t.true(((error as BtsBackupError).target ?? '').startsWith(source));
  else t.is((error as BtsBackupError).target, source);
  t.true(isXmlTooDeep(error));
}

test('parseXml accepts MAX_XML_DEPTH levels and refuses one more with E_INVALID_DATA naming the source', (t) => {
  t.is(parseXml(nested(MAX_XML_DEPTH), 'ok.xml').documentElement?.localName, 'D');
  assertTooDeep(t, () => parseXml(nested(MAX_XML_DEPTH + 1), 'deep.xml'), 'deep.xml');
});

test('parseXml refuses 2,000 and 1,000,000 nested elements with a typed error, not a stack overflow', (t) => {
  assertTooDeep(t, () => parseXml(nested(2_000), 'deep.xml'), 'deep.xml');
  assertTooDeep(t, () => parseXml(nested(1_000_000), 'deeper.xml'), 'deeper.xml');
});

test('the walkers keep their own stack: descendants, descendantElements, findMaskedPasswords and serializeXml on a 20,000-deep tree', (t) => {
  // Built with xmldom directly (parseXml would refuse it): proves the walkers themselves never recurse on depth.
  const depth = 20_000;
  const document = new DOMParser().parseFromString(`<BindingInfo><SendPort Name="S">${nested(depth, 'D', '******')}</SendPort></BindingInfo>`, 'text/xml');
  const all = descendantElements(document);
  t.is(all.length, depth + 2);
  t.is(all[0]?.localName, 'BindingInfo');
  t.is(all[1]?.localName, 'SendPort');
  t.is(descendants(document, 'D').length, depth);
  const masked = findMaskedPasswords(document.documentElement!, 'Application/X');
  t.is(masked.length, 1);
  t.like(masked[0], { portKind: 'SendPort', port: 'S', field: 'D' });
  t.is(serializeXml(document).length, `<BindingInfo><SendPort Name="S"></SendPort></BindingInfo>`.length + depth * '<D></D>'.length + 6);
});

test('descendantElements keeps document order', (t) => {
  const document = parseXml('<r><a><b/><c><d/></c></a><e/></r>', 'x');
  t.deepEqual(descendantElements(document).map((e) => e.localName), ['r', 'a', 'b', 'c', 'd', 'e']);
  t.deepEqual(descendantElements(document.documentElement!).map((e) => e.localName), ['a', 'b', 'c', 'd', 'e']);
});

test('normalizeBindings: 2,000 nested elements in the bindings, or in escaped CustomProps, are E_INVALID_DATA', (t) => {
  assertTooDeep(t, () => normalizeBindings(bindingInfo(nested(2_000)), 'bindings of App'), 'bindings of App');
  assertTooDeep(t, () => normalizeBindings(bindingInfo('', `<CustomProps>${nested(2_000)}</CustomProps>`), 'bindings of App'), 'bindings of App', 'any');
  // The fingerprint of ordinary bindings does not depend on the walker: nested escaped XML still canonicalises.
  const a = normalizeBindings(bindingInfo('', '<CustomProps><B vt="8">1</B><A vt="8">2</A></CustomProps>'), 'x');
  const b = normalizeBindings(bindingInfo('', '<CustomProps><A vt="8">2</A><B vt="8">1</B></CustomProps>'), 'x');
  t.is(a.fingerprint, b.fingerprint);
});

test('binding secrets and redaction: deep escaped CustomProps and AdapterConfig are E_INVALID_DATA, not a stack overflow', (t) => {
  const deepProps = bindingInfo('', `<CustomProps>${nested(2_000)}</CustomProps>`);
  assertTooDeep(t, () => maskBindingPasswords(deepProps, 'added.xml'), 'added.xml (TransportTypeData)');
  assertTooDeep(t, () => findClearPasswords(deepProps, 'added.xml'), 'added.xml (TransportTypeData)');
  const deepConfig = bindingInfo('', `<CustomProps><AdapterConfig vt="8">${escape(`<Config>${nested(2_000)}</Config>`)}</AdapterConfig></CustomProps>`);
  assertTooDeep(t, () => findClearPasswords(deepConfig, 'added.xml'), 'added.xml (AdapterConfig)');
  const error = t.throws(() => redactSecrets(new TextEncoder().encode(bindingInfo(nested(2_000))), 'BindingInfo.xml'));
  t.true(isXmlTooDeep(error));
});

test('parseAdf: an ADF nested 2,000 levels deep is E_INVALID_DATA', (t) => {
  const adf = `<ApplicationDefinition xmlns="http://Microsoft.BizTalk.ApplicationDeployment/ApplicationDefinition.xsd"><Properties>${nested(2_000, 'Property')}</Properties></ApplicationDefinition>`;
  assertTooDeep(t, () => parseAdf(adf, 'x.msi#ApplicationDefinition.adf'), 'x.msi#ApplicationDefinition.adf');
});
