// The pure core at scale: diff of 1,000 applications x 50 resources against the last manifest, the backup plan, and
// the manifest written and read back. Run: `node dist/bench/core-cost.js` (BENCH_CORE_APPS, BENCH_CORE_RESOURCES).
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AppSnapshot } from '../src/core/app-snapshot.js';
import { fingerprintApplication } from '../src/core/app-snapshot.js';
import { emptyBindingsSummary, type BindingsSummary } from '../src/core/bindings-summary.js';
import { diffInventory } from '../src/core/diff-inventory.js';
import { MANIFEST_SCHEMA_VERSION, parseManifest, serializeManifest, type Manifest, type ManifestApplication } from '../src/core/manifest.js';
import { ResourceType, type ResourceInfo } from '../src/core/model.js';
import { planBackup } from '../src/core/plan-backup.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const hex = (text: string): string => createHash('sha256').update(text).digest('hex');

function snapshots(apps: number, resources: number, generation: number, changedEvery: number): AppSnapshot[] {
  const out: AppSnapshot[] = [];
  for (let a = 0; a < apps; a++) {
    const name = `Contoso.Core.App${String(a).padStart(4, '0')}`;
    const changed = generation > 0 && a % changedEvery === 0;
    const list: ResourceInfo[] = [];
    for (let r = 0; r < resources; r++) {
      const luid = `${name}.Part${r}, Version=1.0.0.0, Culture=neutral, PublicKeyToken=a1b2c3d4e5f60718`;
      list.push({
        type: r % 4 === 0 ? ResourceType.BizTalkAssembly : ResourceType.File,
        luid,
        properties: { FullName: luid, SourceLocation: `C:\\Build\\${name}\\${r}.dll`, DestinationLocation: `%BTAD_InstallDir%\\${r}.dll`, UpdateGac: 'True', UpdateGacOnImport: 'True', Gacutil: 'True' },
        sha256: hex(`${luid}|${changed && r === 0 ? generation : 0}`),
      });
    }
    const bindings: BindingsSummary = {
      ...emptyBindingsSummary(),
      sendPorts: [{ name: `${name}.Send`, transport: 'FILE', address: `\\\\fs\\out\\${a}`, host: 'SendHost', hostTrusted: false, filter: '', configHash: hex(`${a}`) }],
    };
    out.push({
      info: { name, description: '', isSystem: false, isDefault: false, status: 'Started', references: a > 0 && a % 3 === 0 ? [`Contoso.Core.App${String(a - 1).padStart(4, '0')}`] : [] },
      resources: list,
      bindingsFingerprint: hex(`bindings ${a}`),
      bindings,
    });
  }
  return out;
}

function manifestOf(current: readonly AppSnapshot[]): Manifest {
  const applications: ManifestApplication[] = current.map((s) => ({
    name: s.info.name,
    description: s.info.description,
    isDefault: false,
    status: s.info.status,
    references: s.info.references ?? [],
    backupStatus: 'Exported',
    exportedIn: '20261101T010000Z-000001',
    fingerprint: fingerprintApplication({ references: s.info.references ?? [], resources: s.resources, bindingsFingerprint: s.bindingsFingerprint }),
    reasons: ['new application'],
    resources: s.resources,
    bindingsFingerprint: s.bindingsFingerprint,
    bindings: s.bindings,
    packagedAssemblies: s.resources.filter((r) => r.type === ResourceType.BizTalkAssembly).map((r) => ({ fullName: r.luid, sha256: r.sha256 ?? '' })),
    artifacts: [
      { kind: 'msi', name: `${s.info.name}.msi`, sha256: hex(`msi ${s.info.name}`), size: 1_000_000 },
      { kind: 'bindings', name: `${s.info.name}.bindings.xml`, sha256: hex(`b ${s.info.name}`), size: 20_000 },
    ],
  }));
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    setId: '20261101T010000Z-000001',
    createdAt: '2026-11-01T01:00:00.000Z',
    createdBy: { user: 'bench', host: 'bench' },
    tool: { name: 'BizTalkBackup', version: 'bench' },
    group: { server: 'SQL', database: 'BizTalkMgmtDb', source: 'bench' },
    parent: null,
    full: false,
    importOrder: applications.map((a) => a.name),
    applications,
    extras: [],
    warnings: [],
    failures: [],
    redactions: [],
  };
}

function median(runs: number, body: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    body();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

export async function benchCoreCost(): Promise<BenchResult[]> {
  const apps = Number(process.env['BENCH_CORE_APPS'] ?? 1000);
  const resources = Number(process.env['BENCH_CORE_RESOURCES'] ?? 50);
  const runs = 5;
  const last = manifestOf(snapshots(apps, resources, 0, 50));
  const current = snapshots(apps, resources, 1, 50);
  let changed = 0;
  const diffMs = median(runs, () => {
    changed = diffInventory(current, last).applications.filter((d) => d.change !== 'Unchanged').length;
  });
  if (changed !== Math.ceil(apps / 50)) throw new Error(`diff found ${changed} changed applications`);
  const planMs = median(runs, () => void planBackup(current, last, { full: false, skipped: [], appliesToAll: true }));
  let text = '';
  const buildMs = median(runs, () => {
    text = serializeManifest(manifestOf(current));
  });
  const parseMs = median(runs, () => void parseManifest(text, 'bench'));
  const round = (value: number): number => Math.round(value * 10) / 10;
  const note = `${apps} apps x ${resources} resources, ${changed} changed, median of ${runs}`;
  return [
    { name: 'core.diffInventory', value: round(diffMs), unit: 'ms', note },
    { name: 'core.planBackup (diff + import order)', value: round(planMs), unit: 'ms', note },
    { name: 'core.manifest build + serialize', value: round(buildMs), unit: 'ms', note: `${round(text.length / 1024 / 1024)} MB of JSON` },
    { name: 'core.manifest parse + validate', value: round(parseMs), unit: 'ms' },
  ];
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const result of await benchCoreCost()) process.stdout.write(`${JSON.stringify(result)}\n`);
}
