// Runs the .NET oracle (System.Reflection.Metadata) built by tests/setup/20-dotnet-fixtures.sh and gives typed results.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssemblyIdentity } from '../../src/core/model.js';

/** The repository root: this file is compiled to dist/tests/support/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturesDir = path.join(repoRoot, '.cache', 'dotnet-fixtures');
const oracleDll = path.join(fixturesDir, 'oracle', 'DotnetOracle.dll');
const ildasmPath = path.join(fixturesDir, 'ildasm', 'ildasm');

export interface DotnetFixtures {
  /** The fixture class libraries by file name (Fixture.Core.dll, Fixture.Orders.Schemas.dll ...). */
  libraries: Map<string, string>;
  /** The strong-name key pair the signed fixtures use (CAPI PRIVATEKEYBLOB). */
  snkPath: string;
}

export const FIXTURE_LIBRARIES = ['Fixture.Core.dll', 'Fixture.Orders.Schemas.dll', 'Fixture.Localized.dll', 'Fixture.Tools.dll'] as const;

/** Throws (so the calling test fails, never skips) when the setup has not built the fixtures. */
export function dotnetFixtures(): DotnetFixtures {
  const libraries = new Map<string, string>();
  for (const name of FIXTURE_LIBRARIES) libraries.set(name, path.join(fixturesDir, 'lib', name));
  const snkPath = path.join(fixturesDir, 'fixture.snk');
  const missing = [oracleDll, ildasmPath, snkPath, ...libraries.values()].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`The .NET test fixtures are missing (${missing.join(', ')}): run \`bash tests/setup.sh\` first.`);
  }
  return { libraries, snkPath };
}

export interface OracleName {
  name: string;
  version: string;
  /** As System.Reflection.Metadata gives it: "" for neutral. */
  culture: string;
  publicKeyToken: string | null;
  /** Set when AssemblyName.GetPublicKeyToken() threw (an invalid public key). */
  tokenError: string | null;
  flags: number;
  /** The raw PublicKey / PublicKeyOrToken blob, lower-case hex. */
  publicKeyOrToken: string;
}

export interface OracleResult {
  path: string;
  ok: boolean;
  error?: string;
  pe32Plus?: boolean;
  identity?: OracleName;
  references?: OracleName[];
  targetFramework?: string | null;
  moduleName?: string;
  mvid?: string;
  /** AssemblyName.GetAssemblyName(path).FullName, or the error it threw. */
  runtimeFullName?: string;
  runtimeError?: string;
  /** With `load`: the FullName after AssemblyLoadContext.LoadFromAssemblyPath, or "!" and the error. */
  loadedFullName?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseName(value: unknown): OracleName {
  if (!isObject(value)) throw new Error('oracle: an assembly name is not an object');
  const text = (key: string): string => {
    const field = value[key];
    if (typeof field !== 'string') throw new Error(`oracle: ${key} is not a string`);
    return field;
  };
  const nullableText = (key: string): string | null => (value[key] === null || value[key] === undefined ? null : text(key));
  if (typeof value['flags'] !== 'number') throw new Error('oracle: flags is not a number');
  return {
    name: text('name'),
    version: text('version'),
    culture: text('culture'),
    publicKeyToken: nullableText('publicKeyToken'),
    tokenError: nullableText('tokenError'),
    flags: value['flags'],
    publicKeyOrToken: text('publicKeyOrToken'),
  };
}

function parseResult(value: unknown): OracleResult {
  if (!isObject(value) || typeof value['path'] !== 'string' || typeof value['ok'] !== 'boolean') {
    throw new Error('oracle: a result lacks path or ok');
  }
  const result: OracleResult = { path: value['path'], ok: value['ok'] };
  const optionalText = (key: 'error' | 'moduleName' | 'mvid' | 'runtimeFullName' | 'runtimeError' | 'loadedFullName'): void => {
    const field = value[key];
    if (typeof field === 'string') result[key] = field;
  };
  optionalText('error');
  optionalText('moduleName');
  optionalText('mvid');
  optionalText('runtimeFullName');
  optionalText('runtimeError');
  optionalText('loadedFullName');
  if (typeof value['pe32Plus'] === 'boolean') result.pe32Plus = value['pe32Plus'];
  if (typeof value['targetFramework'] === 'string' || value['targetFramework'] === null) result.targetFramework = value['targetFramework'];
  if (value['identity'] !== undefined) result.identity = parseName(value['identity']);
  if (Array.isArray(value['references'])) result.references = value['references'].map(parseName);
  return result;
}

/** One oracle process for all `files`; `load` also loads each into a collectible AssemblyLoadContext. */
export function runOracle(files: readonly string[], options: { load?: boolean } = {}): OracleResult[] {
  dotnetFixtures();
  const args = [oracleDll, ...(options.load === true ? ['--load'] : []), ...files];
  const stdout = execFileSync('dotnet', args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  const parsed: unknown = JSON.parse(stdout);
  if (!Array.isArray(parsed) || parsed.length !== files.length) throw new Error('oracle: expected one result per file');
  return parsed.map(parseResult);
}

/** The oracle's view in the product's vocabulary (neutral culture spelled "neutral"). */
export function toIdentity(name: OracleName): AssemblyIdentity {
  return {
    name: name.name,
    version: name.version,
    culture: name.culture === '' ? 'neutral' : name.culture,
    publicKeyToken: name.publicKeyToken,
  };
}

/** The directory of the newest installed Microsoft.NETCore.App shared runtime. */
export function sharedRuntimeDir(): string {
  const listing = execFileSync('dotnet', ['--list-runtimes'], { encoding: 'utf8' });
  const runtimes = [...listing.matchAll(/^Microsoft\.NETCore\.App (\S+) \[(.+)\]$/gm)].map((match) => ({
    version: match[1] ?? '',
    dir: path.join(match[2] ?? '', match[1] ?? ''),
  }));
  const numeric = (version: string): number[] => version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  runtimes.sort((a, b) => {
    const x = numeric(a.version);
    const y = numeric(b.version);
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  });
  const newest = runtimes.at(-1);
  if (newest === undefined) throw new Error('no Microsoft.NETCore.App runtime is installed (dotnet --list-runtimes)');
  return newest.dir;
}

/** The public key blob (as compilers store it in the Assembly row) of a .snk key pair file. */
export function publicKeyFromSnk(snk: Uint8Array): Uint8Array {
  const view = new DataView(snk.buffer, snk.byteOffset, snk.byteLength);
  if (snk[0] !== 0x07 && snk[0] !== 0x06) throw new Error('not a CAPI key blob');
  const bitLength = view.getUint32(12, true);
  const publicPart = snk.slice(0, 20 + bitLength / 8);
  publicPart[0] = 0x06; // PUBLICKEYBLOB
  publicPart.set([0x00, 0x24, 0x00, 0x00], 4); // compilers store the key as CALG_RSA_SIGN even when it was made for key exchange
  publicPart.set([0x52, 0x53, 0x41, 0x31], 8); // "RSA1"
  const header = new Uint8Array(12);
  const headerView = new DataView(header.buffer);
  headerView.setUint32(0, 0x2400, true); // CALG_RSA_SIGN
  headerView.setUint32(4, 0x8004, true); // CALG_SHA1
  headerView.setUint32(8, publicPart.length, true);
  const key = new Uint8Array(12 + publicPart.length);
  key.set(header);
  key.set(publicPart, 12);
  return key;
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/** An assembly or assembly extern block of ildasm's manifest listing. */
export interface IldasmName {
  name: string;
  version: string;
  /** "" for neutral. */
  culture: string;
  /** `.publickey` (full key) or `.publickeytoken` bytes, lower-case hex, or null. */
  publicKey: string | null;
  publicKeyToken: string | null;
}

export interface IldasmManifest {
  assembly: IldasmName | undefined;
  externs: IldasmName[];
}

function hexBytes(text: string): string {
  return (text.match(/\b[0-9A-Fa-f]{2}\b/g) ?? []).join('').toLowerCase();
}

/**
 * The manifest as CoreCLR's native ildasm (its own metadata importer, independent of System.Reflection.Metadata)
 * prints it: `.assembly [extern] Name { .publickey(token) = (..) .ver a:b:c:d .locale = (UTF-16LE bytes) }`.
 */
export function runIldasm(file: string): IldasmManifest {
  dotnetFixtures();
  const listing = execFileSync(ildasmPath, ['-utf8', '-noca', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const manifest: IldasmManifest = { assembly: undefined, externs: [] };
  const lines = listing.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const header = /^\.assembly (extern )?(.+)$/.exec(lines[i] ?? '');
    if (header === null) continue;
    const words = (header[2] ?? '').trim().split(/\s+/);
    const entry: IldasmName = {
      name: (words.at(-1) ?? '').replace(/^'(.*)'$/, '$1'),
      version: '',
      culture: '',
      publicKey: null,
      publicKeyToken: null,
    };
    // The block: from "{" to the line "}"; a byte list may span lines up to its ")".
    let body = '';
    for (i++; i < lines.length && lines[i] !== '}'; i++) body += `${(lines[i] ?? '').replace(/\/\/.*$/, '')}\n`;
    const version = /\.ver (\d+):(\d+):(\d+):(\d+)/.exec(body);
    if (version !== null) entry.version = version.slice(1, 5).join('.');
    const key = /\.publickey = \(([^)]*)\)/.exec(body);
    if (key !== null) entry.publicKey = hexBytes(key[1] ?? '');
    const token = /\.publickeytoken = \(([^)]*)\)/.exec(body);
    if (token !== null) entry.publicKeyToken = hexBytes(token[1] ?? '');
    const locale = /\.locale = \(([^)]*)\)/.exec(body);
    if (locale !== null) {
      entry.culture = Buffer.from(hexBytes(locale[1] ?? ''), 'hex').toString('utf16le').replace(/\0+$/, '');
    } else {
      const quoted = /\.locale '([^']*)'/.exec(body);
      if (quoted !== null) entry.culture = quoted[1] ?? '';
    }
    if (header[1] === undefined) manifest.assembly = entry;
    else manifest.externs.push(entry);
  }
  return manifest;
}

/** ildasm's view in the product's vocabulary; a full key is hashed to its token (SHA-1, last 8 bytes reversed). */
export function ildasmIdentity(name: IldasmName): AssemblyIdentity {
  let publicKeyToken = name.publicKeyToken;
  if (name.publicKey !== null && name.publicKey !== '') {
    const hash = createHash('sha1').update(Buffer.from(name.publicKey, 'hex')).digest();
    publicKeyToken = Buffer.from(hash.subarray(hash.length - 8)).reverse().toString('hex');
  }
  return {
    name: name.name,
    version: name.version,
    culture: name.culture === '' ? 'neutral' : name.culture,
    publicKeyToken: publicKeyToken === '' ? null : publicKeyToken,
  };
}
