// Seeded, reproducible mutation fuzzing of every reader that takes hostile bytes: MSIs (through inspect, which reads
// the package, its ADF, its cabinets and its binding files), cabinets, DLLs, binding files and secrets files.
// A case passes when the reader succeeds or throws a BtsBackupError other than E_INTERNAL, within the time limit.
// Used by tests/fuzz/hostile-inputs-fuzz.test.ts (CI size) and `npm run fuzz` (tests/fuzz/run-fuzz.ts, any size).
import { createSampleGroupState } from '../../src/adapters/simulator/sample-group.js';
import { decryptSecrets, encryptSecrets } from '../../src/adapters/secrets/secrets-file.js';
import { BtsBackupError } from '../../src/errors/index.js';
import { findClearPasswords, findMaskedPasswords, maskBindingPasswords } from '../../src/formats/bindings/binding-secrets.js';
import { normalizeBindings } from '../../src/formats/bindings/normalize-bindings.js';
import { decodeText } from '../../src/formats/bindings/parse-xml.js';
import { redactSecrets } from '../../src/formats/bindings/redact-secrets.js';
import { readCabinet } from '../../src/formats/cab/cab-reader.js';
import { buildCabinet } from '../../src/formats/cab/cab-writer.js';
import { readAssembly } from '../../src/formats/dotnet/assembly-reader.js';
import { makePublicKey, writeAssembly } from '../../src/formats/dotnet/assembly-writer.js';
import { buildApplicationPackage } from '../../src/formats/msi/application-package.js';
import { inspectFile } from '../../src/usecases/inspect-file.js';
import { adfFor, rawPackage, zeroCabinet } from './hostile-packages.js';

export const FUZZ_KINDS = ['msi', 'cabinet', 'dll', 'bindings', 'secrets'] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/** The CI-size share of each kind in a run of `total` cases. */
export const FUZZ_SHARES: Record<FuzzKind, number> = { msi: 0.24, cabinet: 0.24, dll: 0.2, bindings: 0.22, secrets: 0.1 };

export interface FuzzFailure {
  kind: FuzzKind;
  label: string;
  problem: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  byKind: Record<FuzzKind, { cases: number; read: number; refused: number; slowestMs: number }>;
  codes: Record<string, number>;
  failures: FuzzFailure[];
}

export interface FuzzOptions {
  seed: number;
  counts: Partial<Record<FuzzKind, number>>;
  /** A case slower than this fails (default 2,000 ms). */
  slowMs?: number;
  /** Called before each case runs (a watchdog can name the case that hangs). */
  onCase?: (kind: FuzzKind, label: string) => void;
}

const PASSPHRASE = 'fuzz passphrase';
/**
 * A secrets file encrypted once (N=1024, r=8, p=1) with PASSPHRASE: a fixed base keeps the cases reproducible, as
 * encryption draws a fresh salt and IV. Should the format change so that it no longer opens, a fresh one is used.
 */
const SECRETS_BASE =
  '{"format":"BizTalkBackup.Secrets","version":1,"kdf":{"name":"scrypt","N":1024,"r":8,"p":1,"salt":"aUIuiNdJy4zlZ/IARh9M/w=="},"cipher":{"name":"aes-256-gcm","iv":"D46qtmtaIHW5FXi3","tag":"uA295Gbmqf9eE7HN94V6iQ=="},"ciphertext":"ryqdJ8O64TdeerKqWXxWqQA4UBcOYDfJEx7uNb/8IdxhJa7nrGZLpjLo2en3puJGKk2niK8sCgiK21/pdgIqn+aASyz3CC8V0aozQVxMsA5N/ywyGeiTwg=="}';

/** mulberry32: small, seeded, the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = (random: Random, n: number): number => Math.floor(random() * n);
const choose = <T>(random: Random, items: readonly T[]): T => items[pick(random, items.length)]!;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

interface Mutation {
  bytes: Uint8Array;
  what: string;
}

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** Generic byte mutations: bit flips, truncation, random runs, interesting integers, chunk duplication and removal. */
export function mutateBytes(base: Uint8Array, random: Random, focus?: { start: number; end: number }): Mutation {
  const at = (): number => (focus !== undefined && random() < 0.6 ? focus.start + pick(random, Math.max(1, focus.end - focus.start)) : pick(random, Math.max(1, base.length)));
  switch (pick(random, 7)) {
    case 0: {
      const bytes = base.slice();
      const flips = 1 + pick(random, 8);
      for (let i = 0; i < flips; i++) bytes[Math.min(at(), bytes.length - 1)]! ^= 1 << pick(random, 8);
      return { bytes, what: `${flips} bit flip(s)` };
    }
    case 1: {
      const length = pick(random, base.length);
      return { bytes: base.slice(0, length), what: `truncated to ${length}` };
    }
    case 2: {
      const bytes = base.slice();
      const start = at();
      const count = 1 + pick(random, 64);
      for (let i = start; i < Math.min(bytes.length, start + count); i++) bytes[i] = pick(random, 256);
      return { bytes, what: `${count} random bytes at ${start}` };
    }
    case 3: {
      const bytes = base.slice();
      const width = choose(random, [1, 2, 4] as const);
      const offset = Math.min(at(), Math.max(0, bytes.length - width));
      const value = choose(random, INTERESTING) % 2 ** (8 * width);
      const view = new DataView(bytes.buffer);
      if (bytes.length >= width) {
        if (width === 1) view.setUint8(offset, value);
        else if (width === 2) view.setUint16(offset, value, true);
        else view.setUint32(offset, value, true);
      }
      return { bytes, what: `u${8 * width} ${value} at ${offset}` };
    }
    case 4: {
      const start = at();
      const length = 1 + pick(random, 512);
      const chunk = base.subarray(start, start + length);
      const times = 1 + pick(random, 8);
      const parts = [base.subarray(0, start), ...Array.from({ length: times }, () => chunk), base.subarray(start)];
      return { bytes: concat(parts), what: `${chunk.length} bytes at ${start} repeated ${times} times` };
    }
    case 5: {
      const start = at();
      const length = 1 + pick(random, 512);
      return { bytes: concat([base.subarray(0, start), base.subarray(start + length)]), what: `${length} bytes removed at ${start}` };
    }
    default: {
      const bytes = base.slice();
      const offset = at();
      const swapWith = at();
      const length = Math.min(1 + pick(random, 32), bytes.length - Math.max(offset, swapWith));
      if (length > 0) bytes.copyWithin(offset, swapWith, swapWith + length);
      return { bytes, what: `${Math.max(0, length)} bytes copied from ${swapWith} to ${offset}` };
    }
  }
}

/** Text-aware mutations of XML (deep nesting, broken markup, entities, a DOCTYPE, other encodings) or plain byte ones. */
function mutateXml(base: string, random: Random): Mutation {
  const at = pick(random, base.length);
  const insert = (text: string, what: string): Mutation => ({ bytes: utf8(base.slice(0, at) + text + base.slice(at)), what: `${what} at ${at}` });
  switch (pick(random, 10)) {
    case 0: {
      const depth = choose(random, [10, 255, 257, 2_000, 20_000]);
      return insert(`${'<d>'.repeat(depth)}${'</d>'.repeat(depth)}`, `${depth} nested elements`);
    }
    case 1: {
      const depth = choose(random, [10, 300, 2_000]);
      return insert(`${'&lt;d&gt;'.repeat(depth)}${'&lt;/d&gt;'.repeat(depth)}`, `${depth} escaped nested elements`);
    }
    case 2:
      return insert(choose(random, ['<', '>', '&', '"', '&amp;lt;', ']]>', '<![CDATA[', '<?x?>', '<!-- ', '&#0;', '&#xD800;', '\u0000', '\uFFFF']), 'markup character');
    case 3:
      return { bytes: utf8(`<!DOCTYPE x [<!ENTITY e "${'e'.repeat(10)}">]>${base}`), what: 'DOCTYPE' };
    case 4: {
      const le = Buffer.from(`\ufeff${base}`, 'utf16le');
      if (random() < 0.5) return { bytes: le, what: 'UTF-16 LE with BOM' };
      const be = Buffer.from(le);
      be.swap16();
      return { bytes: be, what: 'UTF-16 BE with BOM' };
    }
    case 5: {
      const start = at;
      const end = Math.min(base.length, start + pick(random, 400));
      return { bytes: utf8(base.slice(0, start) + base.slice(end)), what: `text ${start}..${end} removed` };
    }
    case 6: {
      const start = at;
      const piece = base.slice(start, start + pick(random, 400));
      return { bytes: utf8(base.slice(0, start) + piece.repeat(1 + pick(random, 20)) + base.slice(start)), what: `text at ${start} repeated` };
    }
    case 7:
      return insert(` a${pick(random, 1000)}="${'x'.repeat(pick(random, 5_000))}"`, 'attribute');
    default:
      return mutateBytes(utf8(base), random);
  }
}

/** JSON-aware mutations of a secrets file (fields set to odd values, base64 cut or flipped) or plain byte ones. */
function mutateSecrets(base: string, random: Random): Mutation {
  const envelope = JSON.parse(base) as Record<string, unknown> & { kdf: Record<string, unknown>; cipher: Record<string, unknown> };
  const odd = (): unknown => choose(random, [null, 0, -1, 1.5, '', 'x', [], {}, true, 2 ** 53, '1024', 'AAAA', 'A'.repeat(10_000)]);
  switch (pick(random, 6)) {
    case 0: {
      const field = choose(random, ['N', 'r', 'p', 'salt', 'name'] as const);
      // Cheap key derivations only: the cost bound is the secrets file reader's, tested by its own suite.
      const value = field === 'N' ? choose(random, [0, 1, 3, 512, 1000, 1024, 2048, null, '1024', -1024]) : field === 'r' ? choose(random, [0, 1, 7, 9, 33, null, '8']) : field === 'p' ? choose(random, [0, 1, 2, 17, null]) : odd();
      envelope.kdf[field] = value;
      return { bytes: utf8(JSON.stringify(envelope)), what: `kdf.${field} = ${JSON.stringify(value)?.slice(0, 20)}` };
    }
    case 1: {
      const field = choose(random, ['iv', 'tag', 'name'] as const);
      const text = String(envelope.cipher[field] ?? '');
      const value = random() < 0.5 ? text.slice(0, pick(random, text.length + 1)) : text + choose(random, ['A', 'AAAA', '==', '!!']);
      envelope.cipher[field] = value;
      return { bytes: utf8(JSON.stringify(envelope)), what: `cipher.${field} cut or extended to ${value.length}` };
    }
    case 2: {
      const text = String(envelope['ciphertext']);
      const i = pick(random, Math.max(1, text.length));
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
      envelope['ciphertext'] = text.slice(0, i) + choose(random, [...alphabet]) + text.slice(i + 1);
      return { bytes: utf8(JSON.stringify(envelope)), what: `ciphertext char ${i} changed` };
    }
    case 3: {
      const field = choose(random, ['format', 'version', 'kdf', 'cipher', 'ciphertext'] as const);
      (envelope as Record<string, unknown>)[field] = odd();
      return { bytes: utf8(JSON.stringify(envelope)), what: `${field} = odd value` };
    }
    default:
      return mutateBytes(utf8(base), random);
  }
}

interface Bases {
  msiParts: { resources: { type: string; luid: string; cabinet: string; file: string }[]; adf: string; inner: { name: string; bytes: Uint8Array }[] };
  msis: Uint8Array[];
  cabinets: Uint8Array[];
  dlls: Uint8Array[];
  bindings: string[];
  secrets: string;
}

let bases: Promise<Bases> | undefined;

function sampleBindings(): string[] {
  const state = createSampleGroupState();
  return state.applications.map((a) => a.bindings).filter((b): b is string => b !== undefined && b.includes('TransportTypeData')).slice(0, 3);
}

async function buildBases(): Promise<Bases> {
  const key = makePublicKey('fuzz');
  const dll = writeAssembly({
    identity: { name: 'Fuzz.Target', version: '1.2.3.4', culture: 'neutral', publicKeyToken: key.publicKeyToken },
    publicKey: key.publicKey,
    references: [
      { name: 'Microsoft.XLANGs.BaseTypes', version: '3.0.1.0', culture: 'neutral', publicKeyToken: '31bf3856ad364e35' },
      { name: 'Fuzz.Satellite', version: '1.0.0.0', culture: 'de-DE', publicKeyToken: null },
    ],
  });
  const plainDll = writeAssembly({ identity: { name: 'Fuzz.Plain', version: '1.0.0.0', culture: 'neutral', publicKeyToken: null }, references: [] });
  const bindings = sampleBindings();
  const binding = bindings[0] ?? '<BindingInfo />';
  const config = '<configuration><connectionStrings><add name="db" connectionString="Server=s;Password=secret;" /></connectionStrings></configuration>';
  const msi = buildApplicationPackage({
    application: 'Fuzz.App',
    description: 'fuzz',
    author: 'CONTOSO\\fuzz',
    revision: '{00000000-0000-4000-8000-000000000001}',
    productCode: '{00000000-0000-4000-8000-000000000002}',
    createdAt: new Date(Date.UTC(2026, 0, 1)),
    references: [],
    resources: [
      { type: 'System.BizTalk:BizTalkAssembly', luid: 'Fuzz.Target, Version=1.2.3.4, Culture=neutral, PublicKeyToken=' + key.publicKeyToken, properties: {}, files: [{ name: 'Fuzz.Target.dll', bytes: dll }] },
      { type: 'System.BizTalk:BizTalkBinding', luid: 'Application/Fuzz.App', properties: {}, files: [{ name: 'BindingInfo.xml', bytes: utf8(binding) }] },
      { type: 'System.BizTalk:File', luid: 'Fuzz.config', properties: {}, files: [{ name: 'Fuzz.config', bytes: utf8(config) }] },
    ],
  });
  const resources = [
    { type: 'System.BizTalk:BizTalkBinding', luid: 'Application/Fuzz.App', cabinet: 'ITEM~0.CAB', file: 'BindingInfo.xml' },
    { type: 'System.BizTalk:File', luid: 'Fuzz.config', cabinet: 'ITEM~1.CAB', file: 'Fuzz.config' },
  ];
  const inner = [
    { name: 'ITEM~0.CAB', bytes: buildCabinet([{ name: 'BizTalkBinding\\Application-Fuzz.App\\BindingInfo.xml', bytes: utf8(binding) }], { compression: 'mszip' }) },
    { name: 'ITEM~1.CAB', bytes: buildCabinet([{ name: 'File\\Fuzz.config\\Fuzz.config', bytes: utf8(config) }], { compression: 'lzx', lzxWindowBits: 18 }) },
  ];
  const adf = decodeText(adfFor(resources));
  const text = utf8(`${binding}\r\n`.repeat(2));
  const cabinets = [
    buildCabinet([{ name: 'ApplicationDefinition.adf', bytes: utf8(adf) }, { name: 'ITEM~0.CAB', bytes: inner[0]!.bytes }], { compression: 'mszip' }),
    buildCabinet([{ name: 'a.txt', bytes: text }, { name: 'b.dll', bytes: dll }], { compression: 'lzx', lzxWindowBits: 16 }),
    buildCabinet([{ name: 'stored.txt', bytes: text.subarray(0, 3000) }], { compression: 'none' }),
    zeroCabinet(100_000, 2),
  ];
  const secrets = await decryptSecrets(SECRETS_BASE, PASSPHRASE, 'base').then(
    () => SECRETS_BASE,
    () => encryptSecrets([{ application: 'Fuzz.App', port: 'Send', field: 'password', value: 'p@ss' }], PASSPHRASE, { N: 1024, r: 8, p: 1 }),
  );
  return { msiParts: { resources, adf, inner }, msis: [msi, rawPackage({ resources, innerCabinets: inner })], cabinets, dlls: [dll, plainDll], bindings: bindings.length > 0 ? bindings : [binding], secrets };
}

/** The CFB header and directory, where most structure of an MSI sits. */
const msiFocus = (bytes: Uint8Array): { start: number; end: number } => ({ start: 0, end: Math.min(bytes.length, 4096) });

function msiCase(b: Bases, random: Random): Mutation {
  const parts = b.msiParts;
  switch (pick(random, 5)) {
    case 0:
    case 1: {
      const base = choose(random, b.msis);
      const m = mutateBytes(base, random, msiFocus(base));
      return { bytes: m.bytes, what: `MSI bytes: ${m.what}` };
    }
    case 2: {
      const m = mutateXml(parts.adf, random);
      return { bytes: rawPackage({ resources: parts.resources, innerCabinets: parts.inner, adf: m.bytes }), what: `ADF: ${m.what}` };
    }
    case 3: {
      const index = pick(random, parts.inner.length);
      const target = parts.inner[index]!;
      const m = random() < 0.5 ? mutateBytes(target.bytes, random, { start: 0, end: 120 }) : { bytes: utf8(''), what: 'empty' };
      const inner = parts.inner.map((c, i) => (i === index ? { name: c.name, bytes: m.bytes } : c));
      return { bytes: rawPackage({ resources: parts.resources, innerCabinets: inner }), what: `${target.name}: ${m.what}` };
    }
    default: {
      let what = '';
      const bytes = rawPackage({
        resources: parts.resources,
        innerCabinets: parts.inner,
        outerCabinet: (outer) => {
          const m = mutateBytes(outer, random, { start: 0, end: 200 });
          what = m.what;
          return m.bytes;
        },
      });
      return { bytes, what: `outer cabinet: ${what}` };
    }
  }
}

async function runOne(kind: FuzzKind, bytes: Uint8Array, label: string): Promise<void> {
  switch (kind) {
    case 'msi':
      inspectFile(bytes, label);
      return;
    case 'cabinet':
      readCabinet(bytes, { source: label });
      readCabinet(bytes, { source: label, verifyChecksums: false });
      return;
    case 'dll':
      readAssembly(bytes, label);
      inspectFile(bytes, label);
      return;
    case 'bindings': {
      // Every reader of binding XML sees the case; the first typed refusal is the case's outcome.
      const text = decodeText(bytes);
      let refusal: BtsBackupError | undefined;
      for (const step of [() => normalizeBindings(text, label), () => findClearPasswords(text, label), () => findMaskedPasswords(text, label), () => maskBindingPasswords(text, label), () => redactSecrets(bytes, label)]) {
        try {
          step();
        } catch (error) {
          if (!isTyped(error)) throw error;
          refusal ??= error;
        }
      }
      if (refusal !== undefined) throw refusal;
      return;
    }
    case 'secrets':
      await decryptSecrets(decodeText(bytes), PASSPHRASE, label);
      return;
  }
}

const isTyped = (error: unknown): error is BtsBackupError => error instanceof BtsBackupError && error.code !== 'E_INTERNAL';

function makeCase(kind: FuzzKind, b: Bases, random: Random): Mutation {
  switch (kind) {
    case 'msi':
      return msiCase(b, random);
    case 'cabinet':
      return mutateBytes(choose(random, b.cabinets), random, { start: 0, end: 200 });
    case 'dll': {
      const base = choose(random, b.dlls);
      return mutateBytes(base, random, { start: 0, end: Math.min(base.length, 1024) });
    }
    case 'bindings':
      return mutateXml(choose(random, b.bindings), random);
    case 'secrets':
      return mutateSecrets(b.secrets, random);
  }
}

/** Runs the cases: each kind has its own seeded stream (seed + kind index), so a case reproduces from (seed, kind, index). */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  bases ??= buildBases();
  const b = await bases;
  const slowMs = options.slowMs ?? 2_000;
  const report: FuzzReport = {
    seed: options.seed,
    cases: 0,
    byKind: Object.fromEntries(FUZZ_KINDS.map((k) => [k, { cases: 0, read: 0, refused: 0, slowestMs: 0 }])) as FuzzReport['byKind'],
    codes: {},
    failures: [],
  };
  for (const [kindIndex, kind] of FUZZ_KINDS.entries()) {
    const random = seededRandom(options.seed * 31 + kindIndex);
    const stats = report.byKind[kind];
    for (let index = 0; index < (options.counts[kind] ?? 0); index++) {
      const mutation = makeCase(kind, b, random);
      const label = `${kind} seed ${options.seed} #${index} (${mutation.what})`;
      options.onCase?.(kind, label);
      const started = performance.now();
      try {
        await runOne(kind, mutation.bytes, label);
        stats.read++;
      } catch (error) {
        if (isTyped(error)) {
          stats.refused++;
          report.codes[error.code] = (report.codes[error.code] ?? 0) + 1;
        } else {
          report.failures.push({ kind, label, problem: `untyped: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`.slice(0, 500) });
        }
      }
      const elapsed = performance.now() - started;
      stats.slowestMs = Math.max(stats.slowestMs, elapsed);
      if (elapsed > slowMs) report.failures.push({ kind, label, problem: `took ${Math.round(elapsed)} ms` });
      stats.cases++;
      report.cases++;
    }
  }
  return report;
}

/** Splits `total` cases over the kinds by FUZZ_SHARES (or over `kinds` evenly when given). */
export function fuzzCounts(total: number, kinds?: readonly FuzzKind[]): Record<FuzzKind, number> {
  const chosen = kinds ?? FUZZ_KINDS;
  const shares = chosen.map((k) => (kinds === undefined ? FUZZ_SHARES[k] : 1 / chosen.length));
  const counts = Object.fromEntries(FUZZ_KINDS.map((k) => [k, 0])) as Record<FuzzKind, number>;
  let given = 0;
  chosen.forEach((kind, i) => {
    counts[kind] = i === chosen.length - 1 ? total - given : Math.round(total * shares[i]!);
    given += counts[kind];
  });
  return counts;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
