import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAssembly } from '../../../src/formats/dotnet/assembly-reader.js';
import { makePublicKey, writeAssembly, type AssemblySpec } from '../../../src/formats/dotnet/assembly-writer.js';
import { formatAssemblyName } from '../../../src/core/assembly-name.js';
import type { AssemblyIdentity } from '../../../src/core/model.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import {
  dotnetFixtures,
  ildasmIdentity,
  publicKeyFromSnk,
  runIldasm,
  runOracle,
  toIdentity,
  type OracleResult,
} from '../../support/dotnet-oracle.js';

const id = (name: string, version: string, culture = 'neutral', publicKeyToken: string | null = null): AssemblyIdentity => ({
  name,
  version,
  culture,
  publicKeyToken,
});

const bizTalkRefs = [
  id('mscorlib', '4.0.0.0', 'neutral', 'b77a5c561934e089'),
  id('Microsoft.XLANGs.BaseTypes', '3.0.1.0', 'neutral', '31bf3856ad364e35'),
  id('Microsoft.BizTalk.Pipeline', '3.0.1.0', 'neutral', '31bf3856ad364e35'),
  id('Contoso.Common.Resources', '1.0.0.0', 'fr-FR', null),
];

function manyReferences(count: number, nameLength: number): AssemblyIdentity[] {
  return Array.from({ length: count }, (_, i) =>
    id(
      `Contoso.Integration.Part${i}.${'Segment.'.repeat(nameLength)}End`,
      `${65534 - (i % 7)}.${i % 65535}.${(i * 7919) % 65535}.${65534 - i}`,
      i % 5 === 0 ? 'en-US' : 'neutral',
      i % 3 === 0 ? null : (BigInt(i) * 0x9e3779b97f4a7c15n % 0xffffffffffffffffn).toString(16).padStart(16, '0'),
    ),
  );
}

const contosoKey = makePublicKey('Contoso');

/** Specs whose files must satisfy everyone: readAssembly, System.Reflection.Metadata and the runtime loader. */
const conformingSpecs: [string, AssemblySpec][] = [
  ['minimal', { identity: id('A', '0.0.0.0'), references: [] }],
  ['short version', { identity: id('Contoso.Short', '1.2'), references: [id('Contoso.Other', '3.0')] }],
  ['unsigned with BizTalk references', { identity: id('Contoso.Orders.Orchestrations', '1.0.0.0'), references: bizTalkRefs }],
  ['culture-specific', { identity: id('Contoso.Common.Resources', '1.2.3.4', 'fr-FR'), references: bizTalkRefs.slice(0, 1) }],
  [
    'signed with a made-up key',
    {
      identity: id('Contoso.Orders.Schemas', '65534.65533.65532.65531', 'neutral', contosoKey.publicKeyToken),
      references: bizTalkRefs,
      publicKey: contosoKey.publicKey,
    },
  ],
  ['300 references', { identity: id('Contoso.Many.References.Dotted.Name', '10.20.30.40'), references: manyReferences(300, 1) }],
  // > 64 KiB of names: the #Strings heap needs 4-byte indexes.
  ['wide string heap', { identity: id('Contoso.Wide', '1.0.0.0'), references: manyReferences(700, 12) }],
  // > 64 KiB of distinct tokens with short names: 4-byte #Blob indexes while #Strings indexes stay 2 bytes.
  [
    'wide blob heap',
    {
      identity: id('Contoso.WideBlob', '1.0.0.0'),
      references: Array.from({ length: 7500 }, (_, i) => id(`R${i}`, '1.0.0.0', 'neutral', (0xa000000000000000n + BigInt(i) * 7919n).toString(16))),
    },
  ],
];

/** A token without its key: only name, version, culture and references are expected to agree with .NET. */
const bareTokenSpec: AssemblySpec = {
  identity: id('Contoso.Orders.Maps', '2.0.0.1', 'neutral', '0123456789abcdef'),
  references: bizTalkRefs,
};

function expectedIdentity(identity: AssemblyIdentity): AssemblyIdentity {
  const parts = identity.version.split('.');
  while (parts.length < 4) parts.push('0');
  return { ...identity, version: parts.join('.') };
}

let tempDir: string | undefined;
function writeTemp(name: string, bytes: Uint8Array): string {
  tempDir ??= mkdtempSync(path.join(os.tmpdir(), 'bts-asm-writer-'));
  const file = path.join(tempDir, `${name.replace(/[^a-z0-9]+/gi, '-')}.dll`);
  writeFileSync(file, bytes);
  return file;
}
test.after.always(() => {
  if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
});

test('readAssembly round-trips every spec written by writeAssembly', (t) => {
  for (const [label, spec] of [...conformingSpecs, ['bare token', bareTokenSpec] as const]) {
    const info = readAssembly(writeAssembly(spec), label);
    t.deepEqual(info.identity, expectedIdentity(spec.identity), label);
    t.deepEqual(info.references, spec.references.map(expectedIdentity), label);
    t.is(info.targetFramework, undefined, label);
  }
});

test('System.Reflection.Metadata and the runtime loader read our files as the spec says', (t) => {
  dotnetFixtures();
  const files = conformingSpecs.map(([label, spec]) => writeTemp(label, writeAssembly(spec)));
  const oracle = runOracle(files, { load: true });
  conformingSpecs.forEach(([label, spec], i) => {
    const result = oracle[i] as OracleResult;
    t.true(result.ok, `${label}: ${result.error ?? ''}`);
    if (result.identity === undefined) return t.fail(label);
    t.deepEqual(toIdentity(result.identity), expectedIdentity(spec.identity), label);
    t.deepEqual((result.references ?? []).map(toIdentity), spec.references.map(expectedIdentity), label);
    t.is(result.pe32Plus, false, label);
    t.is(result.moduleName, `${spec.identity.name}.dll`, label);
    t.is(result.loadedFullName, formatAssemblyName(expectedIdentity(spec.identity)), label);
    t.is(result.runtimeFullName, formatAssemblyName(expectedIdentity(spec.identity)), label);
  });
});

test('CoreCLR\'s native ildasm reads our files as the spec says', (t) => {
  dotnetFixtures();
  for (const [label, spec] of conformingSpecs) {
    const manifest = runIldasm(writeTemp(`ildasm-${label}`, writeAssembly(spec)));
    if (manifest.assembly === undefined) return t.fail(label);
    t.deepEqual(ildasmIdentity(manifest.assembly), expectedIdentity(spec.identity), label);
    // ildasm enumerates at most 4096 AssemblyRefs (a fixed buffer in its manifest dump); SRM checks all of them.
    t.deepEqual(manifest.externs.map(ildasmIdentity), spec.references.slice(0, 4096).map(expectedIdentity), label);
  }
  // The bare token: the native importer, like System.Reflection.Metadata, takes the column for a (short) key.
  const manifest = runIldasm(writeTemp('ildasm-bare-token', writeAssembly(bareTokenSpec)));
  t.is(manifest.assembly?.publicKey, bareTokenSpec.identity.publicKeyToken);
  t.is(manifest.assembly?.version, bareTokenSpec.identity.version);
  t.deepEqual(manifest.externs.map(ildasmIdentity), bareTokenSpec.references);
});

test('a real dotnet-made key (the fixtures\' .snk) gives the token .NET computes', (t) => {
  const { snkPath, libraries } = dotnetFixtures();
  const publicKey = publicKeyFromSnk(new Uint8Array(readFileSync(snkPath)));
  const [core] = runOracle([libraries.get('Fixture.Core.dll') ?? '']);
  const token = core?.identity?.publicKeyToken ?? null;
  t.regex(token ?? '', /^[0-9a-f]{16}$/);
  t.is(core?.identity?.publicKeyOrToken, Buffer.from(publicKey).toString('hex'));
  const spec: AssemblySpec = { identity: id('Fixture.Core.Twin', '1.2.3.4', 'neutral', token), references: [], publicKey };
  const [ours] = runOracle([writeTemp('snk-signed', writeAssembly(spec))], { load: true });
  t.is(ours?.identity?.publicKeyToken, token);
  t.is(ours?.loadedFullName, formatAssemblyName(spec.identity));
  t.deepEqual(readAssembly(writeAssembly(spec)).identity, spec.identity);
});

test('a token without a key: .NET agrees on everything but the token, which it cannot derive', (t) => {
  dotnetFixtures();
  const [result] = runOracle([writeTemp('bare-token', writeAssembly(bareTokenSpec))], { load: true });
  t.true(result?.ok, result?.error);
  // The documented limit: .NET takes the 8 bytes for a public key and refuses it as one.
  t.truthy(result?.identity?.tokenError);
  t.true(result?.loadedFullName?.startsWith('!'), result?.loadedFullName);
  const identity = result?.identity;
  if (identity === undefined) return t.fail();
  t.is(identity.name, bareTokenSpec.identity.name);
  t.is(identity.version, bareTokenSpec.identity.version);
  t.is(identity.culture, '');
  t.is(identity.publicKeyOrToken, bareTokenSpec.identity.publicKeyToken ?? '');
  t.is(identity.flags & 1, 0);
  t.deepEqual((result?.references ?? []).map(toIdentity), bareTokenSpec.references);
});

test('output is deterministic; build changes the MVID and the bytes, never the identity', (t) => {
  dotnetFixtures();
  const spec = conformingSpecs.find(([label]) => label === 'unsigned with BizTalk references')?.[1] as AssemblySpec;
  const first = writeAssembly(spec);
  t.deepEqual(writeAssembly(spec), first);
  t.deepEqual(writeAssembly({ ...spec, build: 0 }), first);
  const reordered = { publicKeyToken: spec.identity.publicKeyToken, culture: spec.identity.culture, version: spec.identity.version, name: spec.identity.name };
  t.deepEqual(writeAssembly({ references: [...spec.references], identity: reordered }), first, 'property order does not matter');
  const second = writeAssembly({ ...spec, build: 1 });
  const third = writeAssembly({ ...spec, build: 2 });
  t.notDeepEqual(second, first);
  t.notDeepEqual(third, second);
  t.deepEqual(readAssembly(second), readAssembly(first));
  const oracle = runOracle([writeTemp('b0', first), writeTemp('b1', second), writeTemp('b2', third)]);
  const mvids = new Set(oracle.map((result) => result.mvid));
  t.is(mvids.size, 3);
  t.true(oracle.every((result) => result.identity !== undefined && result.identity.name === spec.identity.name));
});

test('makePublicKey is deterministic, per seed, and its key names its token', (t) => {
  t.deepEqual(makePublicKey('Contoso'), contosoKey);
  t.not(makePublicKey('Fabrikam').publicKeyToken, contosoKey.publicKeyToken);
  t.is(contosoKey.publicKey.length, 160);
});

test('refuses invalid specs with E_INVALID_DATA', (t) => {
  const bad: AssemblySpec[] = [
    { identity: id('', '1.0.0.0'), references: [] },
    { identity: id('A', '1.0.0.70000'), references: [] },
    { identity: id('A', '1.65535.0.0'), references: [] },
    { identity: id('A', '1.0.0.0'), references: [id('B', '65535.0.0.0')] },
    { identity: id('A', '1.0.0.0.0'), references: [] },
    { identity: id('A', 'one'), references: [] },
    { identity: id('A', '1'), references: [] },
    { identity: id('A', '1.0.0.0', 'neutral', 'XYZ'), references: [] },
    { identity: id('A', '1.0.0.0'), references: [id('B', '1.-1')] },
    { identity: id('A', '1.0.0.0', 'neutral', '0123456789abcdef'), references: [], publicKey: contosoKey.publicKey },
    { identity: id('A', '1.0.0.0'), references: [], build: -1 },
  ];
  for (const spec of bad) {
    const error = t.throws(() => writeAssembly(spec), undefined, JSON.stringify(spec.identity));
    t.true(error instanceof BtsBackupError);
    t.is((error as BtsBackupError).code, 'E_INVALID_DATA');
  }
});
