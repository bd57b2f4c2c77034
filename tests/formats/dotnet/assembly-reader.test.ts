import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computePublicKeyToken, readAssembly } from '../../../src/formats/dotnet/assembly-reader.js';
import { writeAssembly } from '../../../src/formats/dotnet/assembly-writer.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import {
  dotnetFixtures,
  ildasmIdentity,
  publicKeyFromSnk,
  runIldasm,
  readBytes,
  runOracle,
  sharedRuntimeDir,
  toIdentity,
  type OracleResult,
} from '../../support/dotnet-oracle.js';

function expectInvalid(t: import('ava').ExecutionContext, bytes: Uint8Array): void {
  const error = t.throws(() => readAssembly(bytes, 'test.dll'));
  t.true(error instanceof BtsBackupError, String(error));
  t.is((error as BtsBackupError).code, 'E_INVALID_DATA');
}

function assertMatchesOracle(t: import('ava').ExecutionContext, file: string, oracle: OracleResult): void {
  t.true(oracle.ok, `oracle failed on ${file}: ${oracle.error ?? ''}`);
  const info = readAssembly(readBytes(file), file);
  t.truthy(oracle.identity);
  if (oracle.identity === undefined) return;
  t.deepEqual(info.identity, toIdentity(oracle.identity), file);
  t.deepEqual(info.references, (oracle.references ?? []).map(toIdentity), file);
  t.is(info.targetFramework, oracle.targetFramework ?? undefined, file);
}

test('the .NET fixtures and oracle are built (bash tests/setup.sh)', (t) => {
  const fixtures = dotnetFixtures();
  t.is(fixtures.libraries.size, 4);
});

test('reads the dotnet-built fixture libraries exactly as System.Reflection.Metadata does', (t) => {
  const { libraries } = dotnetFixtures();
  const files = [...libraries.values()];
  const oracle = runOracle(files);
  files.forEach((file, i) => assertMatchesOracle(t, file, oracle[i] as OracleResult));
  // The fixtures cover what they are meant to: a PE32+ image, a culture, signed and unsigned, references between them.
  const byName = new Map(files.map((file, i) => [path.basename(file), oracle[i] as OracleResult]));
  t.true(byName.get('Fixture.Tools.dll')?.pe32Plus);
  t.false(byName.get('Fixture.Core.dll')?.pe32Plus);
  const tools = readAssembly(readBytes(libraries.get('Fixture.Tools.dll') ?? ''));
  t.is(tools.identity.version, '65534.65533.12345.0');
  t.deepEqual(
    tools.references.filter((reference) => reference.name.startsWith('Fixture.')).map((reference) => reference.name).sort(),
    ['Fixture.Core', 'Fixture.Localized', 'Fixture.Orders.Schemas'],
  );
  t.is(tools.references.find((reference) => reference.name === 'Fixture.Localized')?.culture, 'de-DE');
  t.is(readAssembly(readBytes(libraries.get('Fixture.Localized.dll') ?? '')).identity.culture, 'de-DE');
  t.false(tools.isBizTalkAssembly);
});

test('reads fixtures and framework facades as CoreCLR\'s native ildasm does (a second, independent oracle)', (t) => {
  const { libraries } = dotnetFixtures();
  const dir = sharedRuntimeDir();
  const files = [
    ...libraries.values(),
    ...['System.Runtime.dll', 'netstandard.dll', 'mscorlib.dll', 'System.Xml.dll'].map((name) => path.join(dir, name)),
  ];
  for (const file of files) {
    const manifest = runIldasm(file);
    const info = readAssembly(readBytes(file), file);
    t.truthy(manifest.assembly, file);
    if (manifest.assembly === undefined) continue;
    t.deepEqual(info.identity, ildasmIdentity(manifest.assembly), file);
    t.deepEqual(info.references, manifest.externs.map(ildasmIdentity), file);
  }
});

test('the token of a signed fixture is the SHA-1 token of the public key in the setup-made .snk', (t) => {
  const { libraries, snkPath } = dotnetFixtures();
  const expected = computePublicKeyToken(publicKeyFromSnk(new Uint8Array(readFileSync(snkPath))));
  t.regex(expected, /^[0-9a-f]{16}$/);
  const core = readAssembly(readBytes(libraries.get('Fixture.Core.dll') ?? ''));
  const orders = readAssembly(readBytes(libraries.get('Fixture.Orders.Schemas.dll') ?? ''));
  t.is(core.identity.publicKeyToken, expected);
  t.is(orders.identity.publicKeyToken, expected);
  t.is(orders.references.find((reference) => reference.name === 'Fixture.Core')?.publicKeyToken, expected);
  t.is(readAssembly(readBytes(libraries.get('Fixture.Localized.dll') ?? '')).identity.publicKeyToken, null);
});

test('reads every managed assembly of the installed shared runtime as System.Reflection.Metadata does', (t) => {
  dotnetFixtures();
  const dir = sharedRuntimeDir();
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.dll'))
    .map((name) => path.join(dir, name));
  const oracle = runOracle(files);
  let compared = 0;
  const seen = new Set<string>();
  files.forEach((file, i) => {
    const result = oracle[i] as OracleResult;
    if (!result.ok) {
      // Native DLLs (if any) must be refused by both.
      expectInvalid(t, readBytes(file));
      return;
    }
    assertMatchesOracle(t, file, result);
    compared++;
    seen.add(path.basename(file));
    if (result.pe32Plus === true) seen.add('<pe32+>');
  });
  t.true(compared > 50, `compared ${compared} framework assemblies`);
  for (const must of ['System.Runtime.dll', 'System.Private.CoreLib.dll', 'netstandard.dll', 'mscorlib.dll']) t.true(seen.has(must), must);
  const coreLib = readAssembly(readBytes(path.join(dir, 'System.Private.CoreLib.dll')));
  t.is(coreLib.identity.publicKeyToken, '7cec85d7bea7798e');
  t.is(readAssembly(readBytes(path.join(dir, 'mscorlib.dll'))).identity.publicKeyToken, 'b77a5c561934e089');
});

test('isBizTalkAssembly: a reference to Microsoft.XLANGs.BaseTypes or Microsoft.BizTalk.* makes it one', (t) => {
  const base = { identity: { name: 'Contoso.Orders', version: '1.0.0.0', culture: 'neutral', publicKeyToken: null }, build: 0 };
  const ref = (name: string) => ({ name, version: '3.0.1.0', culture: 'neutral', publicKeyToken: '31bf3856ad364e35' });
  const cases: [string[], boolean][] = [
    [[], false],
    [['System.Xml'], false],
    [['Microsoft.XLANGs.BaseTypes'], true],
    [['microsoft.xlangs.basetypes'], true],
    [['System.Xml', 'Microsoft.BizTalk.Pipeline'], true],
    [['Microsoft.BizTalkX'], false],
    [['Microsoft.XLANGs.Engine'], false],
  ];
  for (const [names, expected] of cases) {
    t.is(readAssembly(writeAssembly({ ...base, references: names.map(ref) })).isBizTalkAssembly, expected, names.join(','));
  }
});

test('refuses what is not a .NET assembly with E_INVALID_DATA', (t) => {
  const { libraries } = dotnetFixtures();
  const core = readBytes(libraries.get('Fixture.Core.dll') ?? '');
  expectInvalid(t, new Uint8Array(0));
  expectInvalid(t, Uint8Array.from([0x4d, 0x5a]));
  expectInvalid(t, new TextEncoder().encode('MZ this is a text file, not a PE image at all................................'));
  expectInvalid(t, new Uint8Array(readFileSync(path.join(sharedRuntimeDir(), 'libcoreclr.so')).subarray(0, 65536)));
  // A PE image without a CLI header: zero the COM descriptor directory.
  const native = core.slice();
  const view = new DataView(native.buffer);
  const optional = view.getUint32(0x3c, true) + 24;
  const directories = optional + (view.getUint16(optional, true) === 0x20b ? 112 : 96);
  view.setUint32(directories + 14 * 8, 0, true);
  view.setUint32(directories + 14 * 8 + 4, 0, true);
  expectInvalid(t, native);
  // Truncations at every interesting place: headers, section table, metadata.
  for (const length of [0x3c, 0x80, 0x100, 0x180, 0x200, 0x280, core.length >> 1, core.length - 1]) {
    const truncated = core.subarray(0, length);
    const error = (() => {
      try {
        readAssembly(truncated);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    // A cut in the trailing padding or in IL may still read; a cut in what the reader needs must be E_INVALID_DATA.
    if (error !== undefined) t.is((error as BtsBackupError).code, 'E_INVALID_DATA', `cut at ${length}`);
  }
  expectInvalid(t, core.subarray(0, 0x200));
});

/** Where the writer's #~ stream starts: its metadata root follows the 72-byte CLI header at file offset 0x200. */
function tablesStreamOffset(bytes: Uint8Array): number {
  const root = 0x200 + 72;
  const header = Buffer.from(bytes).indexOf(Buffer.from('#~\0'), root);
  if (header <= root) throw new Error('no #~ stream header');
  return root + new DataView(bytes.buffer, bytes.byteOffset).getUint32(header - 8, true);
}

test('an AssemblyRef with the PublicKey flag holds a full key, hashed to its token as ildasm\'s importer sees it', (t) => {
  dotnetFixtures();
  const bytes = writeAssembly({
    identity: { name: 'Holder', version: '1.0.0.0', culture: 'neutral', publicKeyToken: null },
    references: [{ name: 'Keyed', version: '2.0.0.0', culture: 'neutral', publicKeyToken: '0011223344556677' }],
  });
  // Header 24 + four row counts; rows Module 10, TypeDef 14, Assembly 22 bytes; the AssemblyRef flags follow its version.
  const flagsAt = tablesStreamOffset(bytes) + 24 + 16 + 10 + 14 + 22 + 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  t.is(view.getUint32(flagsAt, true), 0);
  view.setUint32(flagsAt, 1, true);
  const reference = readAssembly(bytes).references[0];
  t.is(reference?.publicKeyToken, computePublicKeyToken(Buffer.from('0011223344556677', 'hex')));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bts-asm-reader-'));
  try {
    const file = path.join(dir, 'holder.dll');
    writeFileSync(file, bytes);
    const extern = runIldasm(file).externs[0];
    t.is(extern?.publicKey, '0011223344556677');
    t.deepEqual(reference, extern === undefined ? undefined : ildasmIdentity(extern));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a huge row count fails fast instead of looping', (t) => {
  const bytes = writeAssembly({
    identity: { name: 'Huge', version: '1.0.0.0', culture: 'neutral', publicKeyToken: null },
    references: [{ name: 'Other', version: '1.0.0.0', culture: 'neutral', publicKeyToken: null }],
  });
  const start = tablesStreamOffset(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  // Row counts follow the 24-byte header: Module, TypeDef, Assembly, AssemblyRef.
  for (const slot of [0, 1, 2, 3]) {
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint32(start + 24 + slot * 4, 0xffffffff, true);
    const began = process.hrtime.bigint();
    expectInvalid(t, copy);
    t.true(process.hrtime.bigint() - began < 1_000_000_000n);
  }
  t.is(view.getUint32(start + 24 + 3 * 4, true), 1);
});
