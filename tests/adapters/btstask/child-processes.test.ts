import test from 'ava';
import { descendantsOf, parsePsTable } from '../../../src/adapters/btstask/child-processes.js';

test('descendantsOf walks children and grandchildren, never loops, ignores other trees', (t) => {
  const table: [number, number][] = [
    [10, 1],
    [11, 10],
    [12, 11],
    [13, 10],
    [20, 1],
    [21, 20],
    [30, 30],
  ];
  t.deepEqual(descendantsOf(10, table), [11, 13, 12]);
  t.deepEqual(descendantsOf(12, table), []);
  t.deepEqual(descendantsOf(30, table), []);
});

test('parsePsTable reads `ps -A -o pid= -o ppid=` output', (t) => {
  t.deepEqual(parsePsTable('    1     0\n  812     1\n  813   812\ngarbage\n'), [
    [1, 0],
    [812, 1],
    [813, 812],
  ]);
});
