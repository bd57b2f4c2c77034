// Seeded, bounded mutations and truncations of valid assemblies: each one either reads or throws BtsBackupError
// E_INVALID_DATA, quickly; never a RangeError, TypeError or a hang.
import test from 'ava';
import path from 'node:path';
import { readAssembly } from '../../../src/formats/dotnet/assembly-reader.js';
import { makePublicKey, writeAssembly } from '../../../src/formats/dotnet/assembly-writer.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { dotnetFixtures, readBytes, sharedRuntimeDir } from '../../support/dotnet-oracle.js';

/** mulberry32: a small seeded PRNG, so a failure names the case that reproduces it. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The file range holding what the reader looks at (headers and CLI metadata), where mutations matter. */
function interestingRange(bytes: Uint8Array): { start: number; end: number } {
  const text = Buffer.from(bytes);
  const bsjb = text.indexOf(Buffer.from('BSJB'));
  if (bsjb < 0) return { start: 0, end: bytes.length };
  return { start: bsjb, end: Math.min(bytes.length, bsjb + 0x4000) };
}

interface Case {
  label: string;
  bytes: Uint8Array;
}

function mutations(base: Uint8Array, name: string, seed: number, count: number): Case[] {
  const next = random(seed);
  const pick = (limit: number): number => Math.floor(next() * limit);
  const range = interestingRange(base);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = base.slice();
    const kind = pick(5);
    let label: string;
    if (kind === 0) {
      const length = pick(base.length);
      cases.push({ label: `${name} seed ${seed} #${i}: truncated to ${length}`, bytes: base.slice(0, length) });
      continue;
    } else if (kind === 1) {
      // Flip bytes anywhere in the headers (first 1 KiB).
      const flips = 1 + pick(4);
      for (let f = 0; f < flips; f++) bytes[pick(Math.min(1024, bytes.length))] = pick(256);
      label = `${flips} header bytes`;
    } else if (kind === 2 || kind === 3) {
      // Flip bytes in the metadata root, stream headers, tables and heaps.
      const flips = 1 + pick(8);
      for (let f = 0; f < flips; f++) bytes[range.start + pick(range.end - range.start)] = pick(256);
      label = `${flips} metadata bytes`;
    } else {
      // Write an extreme 32-bit value (0, 0xffffffff, 0x7fffffff, 0x10000) at a random metadata offset.
      const at = range.start + pick(Math.max(1, range.end - range.start - 4));
      const value = [0, 0xffffffff, 0x7fffffff, 0x10000][pick(4)] ?? 0;
      new DataView(bytes.buffer).setUint32(Math.min(at, bytes.length - 4), value, true);
      label = `u32 0x${value.toString(16)} at ${at}`;
    }
    cases.push({ label: `${name} seed ${seed} #${i}: ${label}`, bytes });
  }
  return cases;
}

test('mutated and truncated assemblies either read or throw E_INVALID_DATA, quickly', (t) => {
  const { libraries } = dotnetFixtures();
  const key = makePublicKey('fuzz');
  const bases: [string, Uint8Array][] = [
    [
      'written',
      writeAssembly({
        identity: { name: 'Fuzz.Target', version: '1.2.3.4', culture: 'neutral', publicKeyToken: key.publicKeyToken },
        publicKey: key.publicKey,
        references: [
          { name: 'Microsoft.XLANGs.BaseTypes', version: '3.0.1.0', culture: 'neutral', publicKeyToken: '31bf3856ad364e35' },
          { name: 'Fuzz.Satellite', version: '1.0.0.0', culture: 'de-DE', publicKeyToken: null },
        ],
      }),
    ],
    ['Fixture.Core.dll', readBytes(libraries.get('Fixture.Core.dll') ?? '')],
    ['Fixture.Tools.dll (PE32+)', readBytes(libraries.get('Fixture.Tools.dll') ?? '')],
    ['System.Runtime.dll', readBytes(path.join(sharedRuntimeDir(), 'System.Runtime.dll'))],
  ];
  let read = 0;
  let refused = 0;
  let slowest = 0n;
  for (const [index, [name, base]] of bases.entries()) {
    t.notThrows(() => readAssembly(base, name), `${name} must read before it is mutated`);
    for (const { label, bytes } of mutations(base, name, 0x5eed + index, 150)) {
      const began = process.hrtime.bigint();
      try {
        readAssembly(bytes, label);
        read++;
      } catch (error) {
        if (!(error instanceof BtsBackupError) || error.code !== 'E_INVALID_DATA') {
          t.fail(`${label}: threw ${String(error)}`);
          return;
        }
        refused++;
      }
      const elapsed = process.hrtime.bigint() - began;
      if (elapsed > slowest) slowest = elapsed;
    }
  }
  t.is(read + refused, 600);
  // Both outcomes must occur, or the mutations are not reaching what the reader looks at.
  t.true(refused > 100, `refused ${refused}`);
  t.true(read > 10, `read ${read}`);
  t.true(slowest < 500_000_000n, `slowest case took ${Number(slowest / 1_000_000n)} ms`);
});
