import test from 'ava';
import { orderByReferences } from '../../src/core/order-applications.js';

const order = (nodes: { name: string; references: string[] }[]): string[] => orderByReferences(nodes).map((n) => n.name);

test('referenced applications come first', (t) => {
  t.deepEqual(
    order([
      { name: 'Portal', references: ['Billing'] },
      { name: 'Billing', references: ['Orders', 'Shared'] },
      { name: 'Orders', references: ['Shared'] },
      { name: 'Shared', references: [] },
    ]),
    ['Shared', 'Orders', 'Billing', 'Portal'],
  );
});

test('the order is stable: independent applications by name, whatever the input order', (t) => {
  const a = order([{ name: 'b', references: [] }, { name: 'a', references: [] }, { name: 'c', references: ['a'] }]);
  const b = order([{ name: 'c', references: ['a'] }, { name: 'a', references: [] }, { name: 'b', references: [] }]);
  t.deepEqual(a, b);
  t.deepEqual(a, ['a', 'b', 'c']);
});

test('references are matched without regard to case; unknown references are ignored', (t) => {
  t.deepEqual(order([{ name: 'B', references: ['a', 'Elsewhere'] }, { name: 'A', references: [] }]), ['A', 'B']);
});

test('a cycle is an error naming its members', (t) => {
  const error = t.throws(() => order([{ name: 'A', references: ['B'] }, { name: 'B', references: ['C'] }, { name: 'C', references: ['A'] }]));
  t.is((error as { code?: string }).code, 'E_REFERENCE_CYCLE');
  t.deepEqual(((error as { details?: { cycle: string[] } }).details?.cycle ?? []).slice().sort(), ['A', 'A', 'B', 'C']);
});

test('a reference chain 100,000 applications long is ordered without recursion (no stack overflow)', (t) => {
  const count = 100_000;
  const name = (i: number): string => `App${String(i).padStart(6, '0')}`;
  // App000000 references App000001, which references App000002 ...: the last one is imported first.
  const nodes = Array.from({ length: count }, (_, i) => ({ name: name(i), references: i + 1 < count ? [name(i + 1)] : [] }));
  const ordered = order(nodes);
  t.is(ordered.length, count);
  t.is(ordered[0], name(count - 1));
  t.is(ordered[count - 1], name(0));
  // ... and a cycle through the whole chain still names every member.
  nodes[count - 1]!.references = [name(0)];
  const error = t.throws(() => order(nodes));
  t.is((error as { code?: string }).code, 'E_REFERENCE_CYCLE');
  t.is((error as { details?: { cycle: string[] } }).details?.cycle.length, count + 1);
});
