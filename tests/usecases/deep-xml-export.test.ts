// RELIABILITY case 27 through the export use case and the CLI: one application's bindings nested thousands of levels
// deep (its own bindings, a binding file added as a resource, or escaped CustomProps) fail that application alone with
// E_INVALID_DATA; the others are backed up and the run exits 3.
import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GroupState } from '../../src/adapters/simulator/group-state.js';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { verifyBackup } from '../../src/usecases/verify-backup.js';
import { exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';
import { makeTempDir, runCli } from '../support/cli.js';

const DEPTH = 2_000;
const nested = (name: string): string => `<${name}>`.repeat(DEPTH) + `</${name}>`.repeat(DEPTH);
const escapedNested = (name: string): string => `&lt;${name}&gt;`.repeat(DEPTH) + `&lt;/${name}&gt;`.repeat(DEPTH);

type Variant = { title: string; application: string; mutate: (state: GroupState) => void };

const variants: Variant[] = [
  {
    title: "in the application's bindings",
    application: 'Contoso.Orders',
    mutate: (state) => {
      const app = state.applications.find((a) => a.name === 'Contoso.Orders')!;
      app.bindings = app.bindings!.replace('</BindingInfo>', `${nested('Deep')}</BindingInfo>`);
    },
  },
  {
    title: 'in a binding file added as a resource',
    application: 'Contoso.Billing',
    mutate: (state) => {
      const app = state.applications.find((a) => a.name === 'Contoso.Billing')!;
      app.resources.push({
        type: 'System.BizTalk:BizTalkBinding',
        luid: 'PROD/Contoso.Billing.BindingInfo.xml',
        properties: { TargetEnvironment: 'PROD' },
        files: [{ name: 'Contoso.Billing.PROD.BindingInfo.xml', text: app.bindings!.replace('</BindingInfo>', `${nested('Deep')}</BindingInfo>`) }],
      });
    },
  },
  {
    title: 'in escaped CustomProps',
    application: 'Contoso.Orders',
    mutate: (state) => {
      const app = state.applications.find((a) => a.name === 'Contoso.Orders')!;
      const marker = '&lt;FileMask vt=&quot;8&quot;&gt;';
      if (!app.bindings!.includes(marker)) throw new Error('the sample bindings changed: no escaped FileMask');
      app.bindings = app.bindings!.replace(marker, `${escapedNested('Deep')}${marker}`);
    },
  },
];

for (const variant of variants) {
  test(`export: 2,000 nested elements ${variant.title} fail ${variant.application} alone (E_INVALID_DATA); the others are backed up; exit 3`, async (t) => {
    const group = await sampleGroup(variant.mutate);
    const store = createMemoryStore();
    const outcome = await exportBackup(group, store, exportOptions(), recordingReporter());
    t.is(outcome.exitCode, 3);
    t.true(outcome.committed);
    const manifest = outcome.manifest!;
    t.deepEqual(manifest.failures.map((f) => [f.application, f.code]), [[variant.application, 'E_INVALID_DATA']]);
    const exported = manifest.applications.filter((a) => a.backupStatus === 'Exported').map((a) => a.name);
    t.true(exported.length >= 3, `exported: ${exported.join(', ')}`);
    t.false(exported.includes(variant.application));
    // What was backed up verifies.
    const verified = await verifyBackup(store, { set: 'latest', include: [], readData: { mode: 'all' } }, recordingReporter());
    t.is(verified.exitCode, 0);
  });
}

test('CLI export: an application whose bindings nest 2,000 levels deep is Failed with E_INVALID_DATA, the others Exported, exit 3, no E_INTERNAL', async (t) => {
  const dir = await makeTempDir('deep-xml-cli');
  const stateFile = path.join(dir, 'group.json');
  const init = await runCli(['simulator-init', '--state', stateFile, '--json']);
  t.is(init.exitCode, 0, init.stderr);
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as GroupState;
  variants[0]!.mutate(state);
  await writeFile(stateFile, JSON.stringify(state));
  const run = await runCli(['export', '--simulator-state', stateFile, '--store', path.join(dir, 'store'), '--json']);
  t.is(run.exitCode, 3, run.stderr);
  t.false(run.stdout.includes('E_INTERNAL') || run.stderr.includes('E_INTERNAL'));
  t.false(/Maximum call stack/.test(run.stdout + run.stderr));
  const apps = run.out.filter((l) => l['kind'] === 'BackupApplication');
  t.is(apps.find((a) => a['name'] === 'Contoso.Orders')?.['backupStatus'], 'Failed');
  t.true(apps.filter((a) => a['backupStatus'] === 'Exported').length >= 3);
  const summary = run.out[run.out.length - 1]!;
  t.like(summary, { type: 'summary', exitCode: 3 });
  const manifest = JSON.parse(await readFile(path.join(dir, 'store', 'sets', `${String(summary['setId'])}.json`), 'utf8')) as { failures: { application: string; code: string }[] };
  t.deepEqual(manifest.failures.map((f) => [f.application, f.code]), [['Contoso.Orders', 'E_INVALID_DATA']]);
});
