import test from 'ava';
import { BoundedCapture, joinCapturedText } from '../../../src/adapters/btstask/bounded-capture.js';
import { decodeConsoleText, encodeConsoleText } from '../../../src/adapters/btstask/console-text.js';

test('OEM 850: "Süd" arrives as S\\x81d and is decoded back; UTF-8 would make it S\\ufffdd', (t) => {
  const bytes = Buffer.from([0x53, 0x81, 0x64]);
  t.is(decodeConsoleText(bytes, 850), 'Süd');
  t.is(decodeConsoleText(bytes, undefined), 'S\ufffdd');
  t.deepEqual([...encodeConsoleText('Süd', 850)], [0x53, 0x81, 0x64]);
});

test('other OEM pages (437, 866) decode; characters a page lacks were written as ?', (t) => {
  t.is(decodeConsoleText(encodeConsoleText('Zahlungsverkehr Süd', 437), 437), 'Zahlungsverkehr Süd');
  t.is(decodeConsoleText(encodeConsoleText('Платежи', 866), 866), 'Платежи');
  t.is(decodeConsoleText(encodeConsoleText('支払い', 850), 850), '???');
});

test('well-formed UTF-8 with multi-byte sequences stays UTF-8 whatever the OEM page (chcp 65001, a node stand-in); BOM dropped', (t) => {
  t.is(decodeConsoleText(Buffer.from('Zahlungsverkehr Süd', 'utf8'), 850), 'Zahlungsverkehr Süd');
  t.is(decodeConsoleText(Buffer.from('\uFEFFSüd', 'utf8'), 65001), 'Süd');
  t.is(decodeConsoleText(Buffer.from('plain ASCII'), 850), 'plain ASCII');
  t.is(decodeConsoleText(Buffer.from([0x53, 0x81, 0x64]), 12345), 'S\ufffdd', 'an unknown page falls back to UTF-8');
});

test('bounded capture: everything while small; head + tail + count when large, cut at line ends', (t) => {
  const small = new BoundedCapture(16, 8);
  small.push(Buffer.from('line 1\r\nline 2\r\n'));
  small.push(Buffer.from('end\r\n'));
  t.deepEqual(joinCapturedText(small.bytes(), (b) => b.toString('utf8')), { text: 'line 1\r\nline 2\r\nend\r\n', omitted: 0 });

  const big = new BoundedCapture(64, 32);
  const lines = Array.from({ length: 1000 }, (_, i) => `line ${String(i).padStart(4, '0')}\r\n`);
  for (const line of lines) big.push(Buffer.from(line));
  const captured = big.bytes();
  t.is(captured.total, lines.join('').length);
  t.true(captured.head.length === 64 && captured.tail.length === 32);
  const joined = joinCapturedText(captured, (b) => b.toString('utf8'));
  const kept = joined.text.split('\r\n').filter((l) => l !== '');
  t.deepEqual(kept.slice(0, 5), lines.slice(0, 5).map((l) => l.trim()));
  t.regex(kept[5] ?? '', /^\[\.\.\. \d+ bytes of output omitted \.\.\.\]$/);
  t.deepEqual(kept.slice(-2), ['line 0998', 'line 0999']);
  t.is(joined.omitted + joined.text.length - (kept[5]?.length ?? 0) - 2, captured.total);
});

test('bounded capture: one huge chunk is split into head and tail too', (t) => {
  const capture = new BoundedCapture(10, 10);
  capture.push(Buffer.alloc(1_000_000, 0x41));
  const bytes = capture.bytes();
  t.is(bytes.head.length, 10);
  t.is(bytes.tail.length, 10);
  t.is(bytes.omitted, 1_000_000 - 20);
});
