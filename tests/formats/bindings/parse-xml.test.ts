import test from 'ava';
import { decodeText, parseXml } from '../../../src/formats/bindings/parse-xml.js';

const bad: { title: string; xml: string }[] = [
  { title: 'a DTD with an internal entity (billion laughs)', xml: '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>' },
  { title: 'an external entity', xml: '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>' },
  { title: 'a bare DOCTYPE', xml: '<!DOCTYPE BindingInfo><BindingInfo/>' },
  { title: 'an unclosed element', xml: '<BindingInfo><SendPortCollection></BindingInfo>' },
  { title: 'text that is not XML', xml: 'Command failed with 1 errors' },
  { title: 'an empty document', xml: '' },
  { title: 'an undefined entity', xml: '<a>&nope;</a>' },
];

for (const c of bad) {
  test(`parseXml refuses ${c.title} with E_INVALID_DATA naming the source`, (t) => {
    const error = t.throws(() => parseXml(c.xml, 'bindings.xml')) as { code?: string; target?: string };
    t.is(error.code, 'E_INVALID_DATA');
    t.is(error.target, 'bindings.xml');
  });
}

test('parseXml reads a well-formed document, BOM or not', (t) => {
  t.is(parseXml('\ufeff<a><b>x</b></a>', 'x').documentElement?.localName, 'a');
});

test('decodeText reads UTF-16 LE and BE and UTF-8 by BOM', (t) => {
  const text = '<ResourceSpec>Zahlungsverkehr Süd</ResourceSpec>';
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16();
  be[0] = 0xfe;
  be[1] = 0xff;
  t.is(decodeText(le), text);
  t.is(decodeText(be), text);
  t.is(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])), text);
  t.is(decodeText(Buffer.from(text, 'utf8')), text);
});
