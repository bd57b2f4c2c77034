// When an application's bindings may be taken from the previous set instead of its own ExportBindings.
import test from 'ava';
import { reusableBindings } from '../../src/core/bindings-reuse.js';
import { emptyBindingsSummary } from '../../src/core/bindings-summary.js';
import type { Manifest, ManifestApplication } from '../../src/core/manifest.js';

const R = 'a'.repeat(64);
const S = 'b'.repeat(64);
const OTHER = 'c'.repeat(64);

function app(name: string, patch: { [K in keyof ManifestApplication]?: ManifestApplication[K] | undefined } = {}): ManifestApplication {
  const entry: ManifestApplication = {
    name,
    description: '',
    isDefault: false,
    status: 'Started',
    references: [],
    backupStatus: 'Unchanged',
    exportedIn: 'set1',
    fingerprint: 'f'.repeat(64),
    reasons: [],
    resources: [],
    bindingsFingerprint: 'e'.repeat(64),
    bindings: emptyBindingsSummary(),
    packagedAssemblies: [],
    artifacts: [],
    bindingsSlice: S,
  };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete (entry as unknown as Record<string, unknown>)[key];
    else (entry as unknown as Record<string, unknown>)[key] = value;
  }
  return entry;
}

function manifest(applications: ManifestApplication[], residue: string | null = R): Manifest {
  return {
    schemaVersion: 2,
    setId: 'set1',
    createdAt: '2026-11-30T01:00:00.000Z',
    createdBy: { user: 'u', host: 'h' },
    tool: { name: 'BizTalkBackup', version: 'test' },
    group: { server: 's', database: 'd', source: 'btstask' },
    parent: null,
    full: false,
    importOrder: applications.map((a) => a.name),
    applications,
    extras: [],
    warnings: [],
    failures: [],
    redactions: [],
    ...(residue === null ? {} : { groupBindingsResidue: residue }),
  };
}

const CASES: { title: string; previous: Manifest | null; residue?: string; name?: string; slice?: string | undefined; reused: boolean }[] = [
  { title: 'same residue, same slice', previous: manifest([app('Orders')]), reused: true },
  { title: 'the name in another case (BizTalk names are case-insensitive)', previous: manifest([app('Orders')]), name: 'ORDERS', reused: true },
  { title: 'no previous set', previous: null, reused: false },
  { title: 'the previous set was not cut (another back end, an older version)', previous: manifest([app('Orders')], null), reused: false },
  { title: 'the residue changed', previous: manifest([app('Orders')]), residue: OTHER, reused: false },
  { title: 'the slice changed', previous: manifest([app('Orders')]), slice: OTHER, reused: false },
  { title: 'tonight has no slice for it', previous: manifest([app('Orders')]), slice: undefined, reused: false },
  { title: 'the previous entry has no slice', previous: manifest([app('Orders', { bindingsSlice: undefined })]), reused: false },
  { title: 'the previous entry is Failed (it keeps an older record)', previous: manifest([app('Orders', { backupStatus: 'Failed' })]), reused: false },
  { title: 'new application', previous: manifest([app('Billing')]), reused: false },
  { title: 'two previous entries differing by case', previous: manifest([app('Orders'), app('ORDERS')]), reused: false },
];

for (const c of CASES) {
  test(`reusableBindings: ${c.title}`, (t) => {
    const found = reusableBindings(c.previous, c.residue ?? R, c.name ?? 'Orders', 'slice' in c ? c.slice : S);
    t.is(found !== undefined, c.reused);
    if (found !== undefined) t.is(found.bindingsFingerprint, 'e'.repeat(64));
  });
}
