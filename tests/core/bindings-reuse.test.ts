// When an application's bindings may be taken from the previous set instead of its own ExportBindings.
import test from 'ava';
import { reusableBindings } from '../../src/core/bindings-reuse.js';
import type { Manifest, ManifestApplication } from '../../src/core/manifest.js';
import { manifestApplication, manifestOf } from '../support/manifest-fixture.js';

const R = 'a'.repeat(64);
const S = 'b'.repeat(64);
const OTHER = 'c'.repeat(64);

const app = (name: string, patch: Parameters<typeof manifestApplication>[1] = {}): ManifestApplication => manifestApplication(name, { bindingsSlice: S, ...patch });
const manifest = (applications: ManifestApplication[], residue: string | null = R): Manifest => manifestOf(applications, residue === null ? {} : { groupBindingsResidue: residue });

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
