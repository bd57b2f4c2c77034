// LZX compression speed and ratio (our pure-TypeScript encoder) against MSZIP (zlib level 9 per 32 KiB block),
// on DLL-like bytes (real .NET assemblies from .cache when present, else synthetic x86) and XML-like bytes
// (BindingInfo files as BizTalk exports them). Every cabinet is checked by reading it back before timing counts.
// Run: `node dist/bench/lzx-encode.js`, or through `npm run bench` (BENCH_ONLY=lzx).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBindingInfo, type SendPortSpec } from '../src/adapters/simulator/binding-builder.js';
import { readCabinet } from '../src/formats/cab/cab-reader.js';
import { buildCabinet, type CabinetOptions } from '../src/formats/cab/cab-writer.js';
import { repoRoot, sampleData } from '../tests/support/cab-oracle.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const TARGET_BYTES = Number(process.env['BENCH_LZX_MB'] ?? 4) * 1e6;
const REPETITIONS = 3;

/** Real assemblies (the ExplorerOM bridge's reference DLLs) up to the target size, or synthetic x86 bytes. */
function dllLike(): { files: { name: string; bytes: Uint8Array }[]; source: string } {
  const dirs = [join(repoRoot, '.cache', 'explorerom', 'bridge'), join(repoRoot, '.cache', 'explorerom', 'bridge', 'refs')];
  const files: { name: string; bytes: Uint8Array }[] = [];
  let total = 0;
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.dll')).sort()) {
      const path = join(dir, name);
      if (total >= TARGET_BYTES || !statSync(path).isFile() || statSync(path).size > TARGET_BYTES) continue;
      const bytes = new Uint8Array(readFileSync(path));
      files.push({ name: `BizTalkAssembly\\${files.length}\\${name}`, bytes });
      total += bytes.length;
    }
  }
  if (total >= TARGET_BYTES / 4) return { files, source: `${files.length} real .NET DLLs` };
  return { files: [{ name: 'Orders.dll', bytes: sampleData('x86', TARGET_BYTES, 11) }], source: 'synthetic x86' };
}

/** BindingInfo XML for applications of 40 send ports each, with varied adapters, names and addresses. */
function xmlLike(): { files: { name: string; bytes: Uint8Array }[]; source: string } {
  const files: { name: string; bytes: Uint8Array }[] = [];
  const adapters = ['FILE', 'FTP', 'SFTP', 'WCF-BasicHttp', 'WCF-SQL', 'HTTP'];
  let total = 0;
  for (let app = 0; total < TARGET_BYTES; app++) {
    const sendPorts: SendPortSpec[] = Array.from({ length: 40 }, (_, p) => {
      const adapter = adapters[(app + p) % adapters.length]!;
      return {
        name: `App${app}.Send.${adapter}.Port${p}`,
        transport: { adapter, address: `${adapter.toLowerCase()}://server${(app * 7 + p) % 23}/orders/${app}/${p}`, props: { userName: `svc${app}`, timeout: String(30 + p) }, host: p % 2 === 0 ? 'BizTalkServerApplication' : 'SendHost', hostTrusted: false },
        filter: [{ property: 'BTS.MessageType', value: `http://contoso.com/orders/${app}#Order${p}` }],
      };
    });
    const bytes = new TextEncoder().encode(buildBindingInfo({ application: `Contoso.App${app}`, modules: [], receivePorts: [], sendPorts }));
    files.push({ name: `BizTalkBinding\\Application-Contoso.App${app}\\BindingInfo.xml`, bytes });
    total += bytes.length;
  }
  return { files, source: `${files.length} BindingInfo files` };
}

function timed(run: () => Uint8Array): { seconds: number; bytes: Uint8Array } {
  let best = Infinity;
  let bytes: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < REPETITIONS; i++) {
    const started = process.hrtime.bigint();
    bytes = run();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { seconds: best, bytes };
}

export async function benchLzxEncode(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const settings: [string, CabinetOptions][] = [
    ['mszip', { compression: 'mszip' }],
    ['lzx 2^18', { compression: 'lzx', lzxWindowBits: 18 }],
    ['lzx 2^21', { compression: 'lzx', lzxWindowBits: 21 }],
    ['lzx 2^21 E8', { compression: 'lzx', lzxWindowBits: 21, lzxE8TranslationSize: 12_000_000 }],
  ];
  for (const [kind, data] of [['DLL-like', dllLike()], ['XML-like', xmlLike()]] as const) {
    const size = data.files.reduce((sum, file) => sum + file.bytes.length, 0);
    for (const [label, options] of settings) {
      const { seconds, bytes } = timed(() => buildCabinet(data.files, options));
      const back = readCabinet(bytes);
      if (back.length !== data.files.length || back.some((entry, i) => !Buffer.from(entry.bytes).equals(Buffer.from(data.files[i]!.bytes)))) {
        throw new Error(`${label} on ${kind} data does not read back`);
      }
      const note = `${(size / 1e6).toFixed(1)} MB of ${data.source}, best of ${REPETITIONS}`;
      results.push({ name: `${label} encode ${kind}`, value: size / 1e6 / seconds, unit: 'MB/s', note });
      results.push({ name: `${label} ratio ${kind}`, value: (100 * bytes.length) / size, unit: '% of input', note: `${(bytes.length / 1e6).toFixed(2)} MB cabinet` });
    }
  }
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const result of await benchLzxEncode()) process.stdout.write(`${result.name.padEnd(34)} ${result.value.toFixed(2).padStart(8)} ${result.unit.padEnd(11)} ${result.note ?? ''}\n`);
}
