// A content read stamped in the future (a clock that ran ahead one night, then was corrected) must not stop the
// content recheck for as long as the clock was ahead: a read dated after today counts as unknown (found by an adversarial review).
import test from 'ava';
import { lastContentRead, recheckDue } from '../../src/core/recheck.js';

const DAY = 86_400_000;
const start = Date.UTC(2026, 10, 30, 1, 30);

test('a contentReadAt a year ahead (clock skew on the night of a recheck) still lets the cycle recheck within 14 nights', (t) => {
  const lastRead = lastContentRead({ exportedIn: '20261101T013000Z-a1b2c3', contentReadAt: new Date(start + 365 * DAY).toISOString() });
  const due = Array.from({ length: 14 }, (_, d) => recheckDue('Contoso.Orders', new Date(start + d * DAY), 7, lastRead));
  t.true(due.some(Boolean), 'never rechecked in two 7-day cycles');
});

test('an application exported in a set whose id ran ahead (every later set id is the previous + 1 s) is still rechecked within 14 nights', (t) => {
  // exportBackup gives a set made within the second of the previous one the next second: once a set id is ahead of the
  // clock, so are the set ids after it, and exportedIn of everything exported meanwhile.
  const lastRead = lastContentRead({ exportedIn: '20271130T013001Z-a1b2c3' });
  const due = Array.from({ length: 14 }, (_, d) => recheckDue('Contoso.Orders', new Date(start + d * DAY), 7, lastRead));
  t.true(due.some(Boolean), 'never rechecked in two 7-day cycles');
});
