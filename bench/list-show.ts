// `list` and `show` of a large store, as a user runs them: the built CLI started as a child process (node's start
// included) against a store of BENCH_LIST_SETS sets of BENCH_LIST_APPS applications (default 1,000 x 500), built
// synthetically in the store's own format (schemaVersion 2 roots and records; 2% of the applications get a new record
// per set, the others point at the records of the set before).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeRecord, serializeRoot, sha256Hex, type RootEntry, type SetRoot } from '../src/core/manifest-tree.js';
import type { ManifestApplication } from '../src/core/manifest.js';
import { makeRecord } from '../src/core/manifest-tree.js';
import { newSetId } from '../src/core/set-id.js';
import { createFsStore } from '../src/adapters/store/fs-store.js';
import { readManifest, readSetHeader } from '../src/usecases/set-manifests.js';
import { STORE_FORMAT, STORE_FORMAT_VERSION } from '../src/adapters/store/store-layout.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');

function application(index: number, version: number, setId: string): ManifestApplication {
  const name = `Contoso.Bench.App${String(index).padStart(4, '0')}`;
  const resources = Array.from({ length: 40 }, (_, r) => ({
    type: r < 10 ? 'System.BizTalk:BizTalkAssembly' : 'System.BizTalk:File',
    luid: r < 10 ? `${name}.Part${r}, Version=1.0.0.0, Culture=neutral, PublicKeyToken=a1b2c3d4e5f60718` : `${name}.Resource${r}.xsd`,
    properties: { DestinationLocation: `%BTAD_InstallDir%\\${name}.Resource${r}`, SourceLocation: `C:\\Build\\${name}\\Resource${r}.xsd`, UpdateGac: 'True' },
  }));
  const hash = (what: string): string => sha256Hex(`${name}|${version}|${what}`);
  return {
    name,
    description: `Generated application ${index}`,
    isDefault: false,
    status: 'Started',
    references: index > 0 && index % 3 === 0 ? [`Contoso.Bench.App${String(index - 1).padStart(4, '0')}`] : [],
    backupStatus: 'Exported',
    exportedIn: setId,
    fingerprint: hash('fingerprint'),
    reasons: [],
    resources,
    bindingsFingerprint: hash('bindings'),
    bindings: {
      sendPorts: [{ name: `${name}.Send`, transport: 'FILE', address: `\\\\fileserver\\out\\${index}\\%MessageID%.xml`, host: 'SendHost', hostTrusted: false, filter: '', configHash: hash('send') }],
      receiveLocations: [{ port: `${name}.Receive`, name: `${name}.Receive.File`, transport: 'FILE', address: `\\\\fileserver\\in\\${index}\\*.xml`, host: 'ReceiveHost', hostTrusted: false, enabled: true, configHash: hash('receive') }],
      sendPortGroups: [],
      services: [],
    } as unknown as ManifestApplication['bindings'],
    packagedAssemblies: resources.slice(0, 10).map((r) => ({ fullName: r.luid, sha256: hash(r.luid) })),
    artifacts: [
      { kind: 'msi', name: `${name}.msi`, sha256: hash('msi'), size: 400_000 + index },
      { kind: 'bindings', name: `${name}.bindings.xml`, sha256: hash('xml'), size: 9_000 + index },
    ],
  };
}

/** Writes the store: store.json, records as objects, one root per set chained to the one before. */
export async function buildStore(root: string, sets: number, apps: number): Promise<{ bytes: number; latest: string }> {
  await mkdir(join(root, 'sets'), { recursive: true });
  await mkdir(join(root, 'objects'), { recursive: true });
  await mkdir(join(root, 'locks'), { recursive: true });
  await writeFile(join(root, 'store.json'), `${JSON.stringify({ format: STORE_FORMAT, version: STORE_FORMAT_VERSION }, null, 2)}\n`);
  const made = new Set<string>();
  let bytes = 0;
  const putRecord = async (app: ManifestApplication): Promise<string> => {
    const data = serializeRecord(makeRecord(app, [], []));
    const sha = sha256Hex(data);
    if (!made.has(sha)) {
      made.add(sha);
      await mkdir(join(root, 'objects', sha.slice(0, 2)), { recursive: true });
      await writeFile(join(root, 'objects', sha.slice(0, 2), sha), data);
      bytes += data.length;
    }
    return sha;
  };
  const records: string[] = [];
  const versions: number[] = new Array<number>(apps).fill(0);
  let parent: { setId: string; sha256: string } | null = null;
  let time = Date.UTC(2024, 0, 1, 1, 0, 0);
  const changedPerSet = Math.max(1, Math.round(apps / 50));
  let counter = 0;
  for (let set = 0; set < sets; set++) {
    const setId = newSetId(new Date((time += 86_400_000)), () => (++counter).toString(16).padStart(6, '0'));
    const changed = new Set<number>();
    if (set === 0) for (let i = 0; i < apps; i++) changed.add(i);
    else for (let k = 0; k < changedPerSet; k++) changed.add((set * 7919 + k * 104_729) % apps);
    const entries: RootEntry[] = [];
    for (let i = 0; i < apps; i++) {
      if (changed.has(i)) {
        versions[i] = set;
        records[i] = await putRecord(application(i, set, setId));
      }
      entries.push({ name: application(i, versions[i]!, setId).name, record: records[i]!, ...(changed.has(i) ? { backupStatus: 'Exported' as const, reasons: set === 0 ? ['New'] : ['resources changed'] } : {}) });
    }
    const rootValue: SetRoot = {
      schemaVersion: 2,
      setId,
      createdAt: new Date(time).toISOString(),
      createdBy: { user: 'BENCH\\svc', host: 'BENCH' },
      tool: { name: 'BizTalkBackup', version: 'bench' },
      group: { server: 'SQLBENCH', database: 'BizTalkMgmtDb', biztalkVersion: '3.13.717.0', source: 'simulator' },
      parent: parent?.setId ?? null,
      parentRoot: parent?.sha256 ?? null,
      full: false,
      summary: { applications: apps, exported: changed.size, unchanged: apps - changed.size, failed: 0, warnings: 0 },
      warnings: [],
      failures: [],
      redactions: [],
      extras: [],
      applications: entries,
    };
    const data = serializeRoot(rootValue);
    await writeFile(join(root, 'sets', `${setId}.json`), data);
    bytes += data.length;
    parent = { setId, sha256: sha256Hex(data) };
  }
  return { bytes, latest: parent!.setId };
}

/** Runs the CLI, draining its output; returns the wall time in ms. */
function timeCli(args: string[]): Promise<{ ms: number; exitCode: number; outBytes: number }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let outBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (outBytes += chunk.length));
    child.stderr.resume();
    child.on('error', fail);
    child.on('close', (code) => done({ ms: performance.now() - started, exitCode: code ?? -1, outBytes }));
  });
}

export async function benchListShow(): Promise<BenchResult[]> {
  const sets = Number(process.env['BENCH_LIST_SETS'] ?? 1000);
  const apps = Number(process.env['BENCH_LIST_APPS'] ?? 500);
  const base = await mkdtemp(join(tmpdir(), 'bts-bench-list-'));
  try {
    const store = join(base, 'store');
    const built = performance.now();
    const { bytes, latest } = await buildStore(store, sets, apps);
    const buildMs = performance.now() - built;
    const results: BenchResult[] = [{ name: 'listshow.store', value: Math.round(bytes / 1024 / 1024), unit: 'MB', note: `${sets} sets x ${apps} applications, built in ${Math.round(buildMs / 1000)} s` }];
    // In process first (what list and show do, node's start left out), then the CLI as a user starts it.
    const fsStore = createFsStore(store);
    const median = async (work: () => Promise<unknown>): Promise<number> => {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        await work();
        runs.push(performance.now() - started);
      }
      return runs.sort((a, b) => a - b)[1]!;
    };
    results.push(
      {
        name: 'listshow.in process: every set header',
        value: Math.round(await median(async () => {
          for (const setId of await fsStore.listSets()) await readSetHeader(fsStore, setId);
        })),
        unit: 'ms',
        note: `what list reads (roots only), median of 3; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
      },
      { name: 'listshow.in process: one set loaded', value: Math.round(await median(() => readManifest(fsStore, latest))), unit: 'ms', note: `what show reads: the root and its ${apps} records, each re-hashed` },
    );
    const node = await timeCli(['--help']);
    results.push({ name: 'listshow.node start', value: Math.round(node.ms), unit: 'ms', note: `node starting the CLI (--help): included in every figure below; load average ${loadavg()[0]!.toFixed(1)}` });
    for (const [name, args] of [
      ['list', ['list', '--store', store]],
      ['list --json', ['list', '--store', store, '--json']],
      ['show latest', ['show', '--store', store]],
      ['show latest --json', ['show', '--store', store, '--set', latest, '--json']],
      ['show oldest', ['show', '--store', store, '--set', (await import('node:fs/promises').then((fs) => fs.readdir(join(store, 'sets')))).sort()[0]!.replace(/\.json$/, '')]],
    ] as const) {
      const runs: number[] = [];
      let out = 0;
      for (let i = 0; i < 3; i++) {
        const run = await timeCli([...args]);
        if (run.exitCode !== 0) throw new Error(`${name} exited ${run.exitCode}`);
        runs.push(run.ms);
        out = run.outBytes;
      }
      runs.sort((a, b) => a - b);
      results.push({ name: `listshow.${name}`, value: Math.round(runs[1]!), unit: 'ms', note: `median of 3, ${Math.round(out / 1024)} KB of output; goal < 1000 ms` });
    }
    return results;
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const result of await benchListShow()) process.stdout.write(`${JSON.stringify(result)}\n`);
}
