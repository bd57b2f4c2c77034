import test from 'ava';
import { isSetId, newSetId, setIdTime } from '../../src/core/set-id.js';

test('newSetId formats UTC time and 6 hex digits, and round-trips', (t) => {
  const id = newSetId(new Date('2026-11-25T09:15:00.789Z'), () => 'A1B2C3D4');
  t.is(id, '20261125T091500Z-a1b2c3');
  t.true(isSetId(id));
  t.is(setIdTime(id)?.toISOString(), '2026-11-25T09:15:00.000Z');
});

test('newSetId refuses a random part that is not hex, and invalid dates', (t) => {
  t.throws(() => newSetId(new Date('2026-11-25T09:15:00Z'), () => 'xyz123'), { code: 'E_INVALID_NAME' });
  t.throws(() => newSetId(new Date('2026-11-25T09:15:00Z'), () => 'abc'), { code: 'E_INVALID_NAME' });
  t.throws(() => newSetId(new Date(Number.NaN), () => 'abcdef'), { code: 'E_INVALID_NAME' });
});

for (const bad of ['', 'latest', '20261125T091500Z', '20261125T091500Z-a1b2c', '20261125T091500Z-A1B2C3', '20261131T091500Z-a1b2c3', '20261125T250000Z-a1b2c3', '../20261125T091500Z-a1b2c3', '20261125T091500Z-a1b2c3.json']) {
  test(`isSetId rejects ${JSON.stringify(bad)}`, (t) => {
    t.false(isSetId(bad));
  });
}

test('set ids sort by time', (t) => {
  const ids = ['2026-12-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-11-30T23:59:59Z'].map((time) => newSetId(new Date(time), () => 'ffffff'));
  t.deepEqual([...ids].sort(), [ids[1], ids[2], ids[0]]);
});
