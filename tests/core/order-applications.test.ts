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
