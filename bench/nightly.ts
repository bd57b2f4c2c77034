// Nightly backups of a large simulated group: our incremental export against a naive "export everything every night"
// (--full), measured in the same run on the same group. Run: `node dist/bench/nightly.js` (BENCH_APPS, BENCH_NIGHTS,
// BENCH_LATENCY_MS, BENCH_CHANGE_PERCENT shrink or grow it).
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBindingInfo } from '../src/adapters/simulator/binding-builder.js';
import { GROUP_STATE_SCHEMA_VERSION, type ApplicationState, type GroupState, type ResourceState } from '../src/adapters/simulator/group-state.js';
import { SimulatedGroup } from '../src/adapters/simulator/simulated-group.js';
import { createFsStore } from '../src/adapters/store/fs-store.js';
import { ResourceType, SYSTEM_APPLICATION } from '../src/core/model.js';
import { newSetId } from '../src/core/set-id.js';
import type { BizTalkGroup } from '../src/ports/biztalk-group.js';
import { exportBackup, type ExportOptions } from '../src/usecases/export-backup.js';
import { silentReporter } from '../src/usecases/reporter.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const TOKEN = 'a1b2c3d4e5f60718';
const MS_TOKEN = '31bf3856ad364e35';
const MSCORLIB = 'mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089';
const XLANGS = `Microsoft.XLANGs.BaseTypes, Version=3.0.1.0, Culture=neutral, PublicKeyToken=${MS_TOKEN}`;

/** A small deterministic PRNG (mulberry32), so every run generates the same group and the same changes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A pool of schema/map/config texts of realistic sizes (2-60 KB), shared between resources so the state stays small in
 * memory; each MSI still carries its own compressed copy, as real exports do.
 */
function textPool(size: number, random: () => number): string[] {
  const words = ['Order', 'Invoice', 'Customer', 'Line', 'Amount', 'Currency', 'Party', 'Address', 'Shipment', 'Tax', 'Discount', 'Status', 'Reference', 'Date', 'Code'];
  const pool: string[] = [];
  for (let i = 0; i < size; i++) {
    const target = 2_000 + Math.floor(random() ** 2 * 58_000);
    const parts = [`<?xml version="1.0" encoding="utf-8"?>\r\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://contoso.com/bench/${i}">\r\n`];
    let length = parts[0]!.length;
    let n = 0;
    while (length < target) {
      const name = `${words[Math.floor(random() * words.length)]!}${words[Math.floor(random() * words.length)]!}${n++}`;
      const line = `  <xs:element name="${name}" type="xs:${random() < 0.5 ? 'string' : 'decimal'}" minOccurs="${Math.floor(random() * 2)}" />\r\n`;
      parts.push(line);
      length += line.length;
    }
    parts.push('</xs:schema>\r\n');
    pool.push(parts.join(''));
  }
  return pool;
}

export interface GeneratedGroup {
  state: GroupState;
  /** Changes one application so its fingerprint changes (new bytes in one resource). */
  change: (application: string, night: number) => void;
}

/** `apps` applications of ~`resources` resources each: a quarter BizTalk assemblies, the rest schemas, maps and configs. */
export function generateGroup(apps: number, resources: number, seed = 42): GeneratedGroup {
  const random = prng(seed);
  const pool = textPool(48, random);
  const applications: ApplicationState[] = [];
  const gac: GroupState['gac'] = [];
  for (let a = 0; a < apps; a++) {
    const name = `Contoso.Bench.App${String(a).padStart(4, '0')}`;
    const list: ResourceState[] = [];
    const count = resources - 2 + Math.floor(random() * 5);
    const assemblies = Math.max(1, Math.floor(count / 4));
    for (let r = 0; r < count; r++) {
      if (r < assemblies) {
        const fullName = `${name}.Part${r}, Version=1.0.0.0, Culture=neutral, PublicKeyToken=${TOKEN}`;
        const assembly = { fullName, references: [MSCORLIB, XLANGS] };
        list.push({
          type: ResourceType.BizTalkAssembly,
          luid: fullName,
          properties: { FullName: fullName, DestinationLocation: `%BTAD_InstallDir%\\${name}.Part${r}.dll`, UpdateGac: 'True', UpdateGacOnImport: 'True', Gacutil: 'True' },
          files: [{ name: `${name}.Part${r}.dll`, assembly }],
        });
        gac.push({ assembly: { ...assembly, references: [...assembly.references] } });
      } else {
        const file = `${name}.Resource${r}.xsd`;
        list.push({ type: ResourceType.File, luid: file, properties: { DestinationLocation: `%BTAD_InstallDir%\\${file}` }, files: [{ name: file, text: pool[Math.floor(random() * pool.length)]! }] });
      }
    }
    const references = a > 0 && random() < 0.3 ? [`Contoso.Bench.App${String(Math.floor(random() * a)).padStart(4, '0')}`] : [];
    applications.push({
      name,
      description: `Generated application ${a}`,
      isSystem: false,
      isDefault: false,
      status: 'Started',
      references,
      resources: list,
      bindings: buildBindingInfo({
        application: name,
        modules: [],
        receivePorts: [{ name: `${name}.Receive`, locations: [{ name: `${name}.Receive.File`, enabled: true, transport: { adapter: 'FILE', address: `\\\\fileserver\\in\\${a}\\*.xml`, props: { FileMask: '*.xml' }, host: 'ReceiveHost', hostTrusted: false } }] }],
        sendPorts: [{ name: `${name}.Send`, transport: { adapter: 'FILE', address: `\\\\fileserver\\out\\${a}\\%MessageID%.xml`, props: {}, host: 'SendHost', hostTrusted: false } }],
      }),
    });
  }
  applications.unshift({ name: SYSTEM_APPLICATION, description: 'BizTalk Application Framework', isSystem: true, isDefault: false, status: 'NotApplicable', references: [], resources: [] });
  const state: GroupState = {
    schemaVersion: GROUP_STATE_SCHEMA_VERSION,
    group: { server: 'SQLBENCH', database: 'BizTalkMgmtDb', biztalkVersion: '3.13.717.0', exportUser: 'BENCH\\svc' },
    hosts: [
      { name: 'ReceiveHost', trusted: false, type: 'InProcess' },
      { name: 'SendHost', trusted: false, type: 'InProcess' },
    ],
    handlers: [
      { adapter: 'FILE', host: 'ReceiveHost', direction: 'Receive' },
      { adapter: 'FILE', host: 'SendHost', direction: 'Send' },
    ],
    gac,
    applications,
  };
  const change = (application: string, night: number): void => {
    const app = state.applications.find((x) => x.name === application);
    const resource = app?.resources.find((r) => r.type === ResourceType.File);
    const file = resource?.files[0];
    if (file?.text === undefined) throw new Error(`cannot change ${application}`);
    file.text = `${file.text.replace(/<!-- night \d+ -->\r\n$/, '')}<!-- night ${night} -->\r\n`;
  };
  return { state, change };
}

const BTSTASK_CALLS = new Set(['listApplications', 'listResources', 'exportApplication', 'exportBindings']);

/** Counts the BTSTask-like calls made on the group port. */
function countingGroup(inner: BizTalkGroup): { group: BizTalkGroup; calls: () => number; reset: () => void } {
  let calls = 0;
  const group = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (BTSTASK_CALLS.has(String(property))) calls += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { group, calls: () => calls, reset: () => (calls = 0) };
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(full);
    else total += (await stat(full)).size;
  }
  return total;
}

export interface NightlyFigures {
  night: number;
  mode: 'incremental' | 'full';
  btstaskCalls: number;
  wallMs: number;
  growthBytes: number;
  /** Of which the committed manifest (the rest is new objects). */
  manifestBytes: number;
  exported: number;
}

export async function benchNightly(): Promise<BenchResult[]> {
  const apps = Number(process.env['BENCH_APPS'] ?? 500);
  const resources = Number(process.env['BENCH_RESOURCES'] ?? 40);
  const nights = Number(process.env['BENCH_NIGHTS'] ?? 3);
  const latencyMs = Number(process.env['BENCH_LATENCY_MS'] ?? 20);
  const changePercent = Number(process.env['BENCH_CHANGE_PERCENT'] ?? 2);
  const base = await mkdtemp(join(tmpdir(), 'bts-bench-nightly-'));
  try {
    const generated = generateGroup(apps, resources);
    let clock = Date.UTC(2026, 10, 1, 1, 0, 0);
    const now = (): Date => new Date((clock += 1000));
    let guid = 0;
    const simulated = new SimulatedGroup(generated.state, { gacRoot: join(base, 'gac'), clock: { now }, newGuid: () => `00000000-0000-4000-8000-${String(++guid).padStart(12, '0')}` });
    const counted = countingGroup(simulated);
    let setCounter = 0;
    const options = (full: boolean): ExportOptions => ({
      include: [],
      exclude: [],
      includePaths: [],
      full,
      dryRun: false,
      storeIsLocal: false,
      clock: { now },
      newSetId: (at) => newSetId(at, () => (++setCounter).toString(16).padStart(6, '0')),
      tool: { name: 'BizTalkBackup', version: 'bench' },
      user: 'BENCH\\svc',
      host: 'BENCH',
    });
    const incrementalRoot = join(base, 'incremental');
    const fullRoot = join(base, 'full');
    // Night 0: the first backup, the same for both strategies (copied), without latency.
    const baselineStarted = performance.now();
    const first = await exportBackup(counted.group, createFsStore(incrementalRoot), options(false), silentReporter);
    if (first.exitCode !== 0) throw new Error(`baseline export failed: ${JSON.stringify(first.manifest?.failures)}`);
    const baselineMs = performance.now() - baselineStarted;
    const baselineBytes = await bytesUnder(incrementalRoot);
    await cp(incrementalRoot, fullRoot, { recursive: true });

    generated.state.faults = [{ command: '*', latencyMs }];
    const random = prng(7);
    const names = generated.state.applications.filter((a) => !a.isSystem).map((a) => a.name);
    const perNight = Math.max(1, Math.round((names.length * changePercent) / 100));
    const figures: NightlyFigures[] = [];
    for (let night = 1; night <= nights; night++) {
      const changed = new Set<string>();
      while (changed.size < perNight) changed.add(names[Math.floor(random() * names.length)]!);
      for (const name of changed) generated.change(name, night);
      for (const [mode, root] of [['incremental', incrementalRoot], ['full', fullRoot]] as const) {
        const before = await bytesUnder(root);
        const setsBefore = await bytesUnder(join(root, 'sets'));
        counted.reset();
        const started = performance.now();
        const outcome = await exportBackup(counted.group, createFsStore(root), options(mode === 'full'), silentReporter);
        const wallMs = performance.now() - started;
        if (outcome.exitCode !== 0) throw new Error(`${mode} night ${night} failed`);
        const exported = outcome.statuses.filter((s) => s.backupStatus === 'Exported').length;
        if (mode === 'incremental' && exported !== changed.size) throw new Error(`incremental night ${night} exported ${exported}, expected ${changed.size}`);
        figures.push({ night, mode, btstaskCalls: counted.calls(), wallMs, growthBytes: (await bytesUnder(root)) - before, manifestBytes: (await bytesUnder(join(root, 'sets'))) - setsBefore, exported });
      }
    }
    const sum = (mode: string, key: 'btstaskCalls' | 'wallMs' | 'growthBytes' | 'manifestBytes'): number => figures.filter((f) => f.mode === mode).reduce((n, f) => n + f[key], 0);
    const MB = 1024 * 1024;
    const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
    const scale = `${apps} apps x ~${resources} resources, ${latencyMs} ms per BTSTask call, ${perNight} apps (${changePercent}%) changed per night, ${nights} nights`;
    const results: BenchResult[] = [
      { name: 'nightly.baseline.wall', value: round(baselineMs / 1000), unit: 's', note: `first full backup, no latency; store ${round(baselineBytes / MB)} MB (${round(baselineBytes / apps / 1024)} KB per application)` },
    ];
    for (const f of figures) {
      results.push({ name: `nightly.night${f.night}.${f.mode}`, value: round(f.wallMs / 1000), unit: 's', note: `${f.btstaskCalls} BTSTask calls, +${round(f.growthBytes / MB, 2)} MB (manifest ${round(f.manifestBytes / MB, 2)} MB), ${f.exported} exported` });
    }
    results.push(
      { name: 'nightly.incremental.btstaskCalls/night', value: round(sum('incremental', 'btstaskCalls') / nights), unit: 'calls', note: scale },
      { name: 'nightly.full.btstaskCalls/night', value: round(sum('full', 'btstaskCalls') / nights), unit: 'calls' },
      { name: 'nightly.incremental.wall/night', value: round(sum('incremental', 'wallMs') / nights / 1000), unit: 's' },
      { name: 'nightly.full.wall/night', value: round(sum('full', 'wallMs') / nights / 1000), unit: 's' },
      { name: 'nightly.incremental.growth/night', value: round(sum('incremental', 'growthBytes') / nights / MB, 2), unit: 'MB', note: `of which the manifest ${round(sum('incremental', 'manifestBytes') / nights / MB, 2)} MB` },
      { name: 'nightly.full.growth/night', value: round(sum('full', 'growthBytes') / nights / MB, 2), unit: 'MB', note: `of which the manifest ${round(sum('full', 'manifestBytes') / nights / MB, 2)} MB` },
      {
        name: 'nightly.ratio.object growth full/incremental',
        value: round((sum('full', 'growthBytes') - sum('full', 'manifestBytes')) / Math.max(1, sum('incremental', 'growthBytes') - sum('incremental', 'manifestBytes')), 1),
        unit: 'x',
        note: 'new objects only, manifests left out',
      },
      { name: 'nightly.ratio.btstaskCalls full/incremental', value: round(sum('full', 'btstaskCalls') / sum('incremental', 'btstaskCalls'), 2), unit: 'x' },
      { name: 'nightly.ratio.wall full/incremental', value: round(sum('full', 'wallMs') / sum('incremental', 'wallMs'), 2), unit: 'x' },
      { name: 'nightly.ratio.growth full/incremental', value: round(sum('full', 'growthBytes') / Math.max(1, sum('incremental', 'growthBytes')), 1), unit: 'x' },
    );
    return results;
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

/** Checks the generator is deterministic (same seed, same state): the figures compare like with like. */
export function stateDigest(state: GroupState): string {
  return createHash('sha256').update(JSON.stringify(state)).digest('hex').slice(0, 16);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const result of await benchNightly()) process.stdout.write(`${JSON.stringify(result)}\n`);
}
