// Issue 16, "One application's fault is that application's failure (exit 3), never the run's (exit 1)": the CLI with
// the real BTSTask adapter (--catalog btstask: ListApps, ListApp, ExportBindings, ExportApp as child processes) driving a
// fake BTSTask that misbehaves for one application. The others are backed up and a set is committed.
import test from 'ava';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from '../../src/core/manifest.js';
import { createFsStore } from '../../src/adapters/store/fs-store.js';
import { readManifest } from '../../src/usecases/set-manifests.js';
import { makeTempDir, runCli } from '../support/cli.js';
import { fakeFaultsEnv, writeFakeBtsTask, type FakeFault } from '../support/fake-btstask.js';

const BACKED_UP = ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal', 'Zahlungsverkehr Süd'];

async function exportWithFaults(faults: FakeFault[]) {
  const dir = await makeTempDir('app-faults');
  const state = path.join(dir, 'group', 'state.json');
  const init = await runCli(['simulator-init', '--state', state]);
  if (init.exitCode !== 0) throw new Error(init.stderr);
  const fake = await writeFakeBtsTask(dir);
  const store = path.join(dir, 'store');
  const env = { BIZTALKBACKUP_SIM_STATE: state, BIZTALKBACKUP_GAC_ROOT: `${state}.gac`, ...fakeFaultsEnv(faults) };
  const run = await runCli(['export', '--btstask', fake, '--catalog', 'btstask', '--store', store, '--json'], { env, timeoutMs: 180_000 });
  const sets = await readdir(path.join(store, 'sets')).catch(() => [] as string[]);
  const setFiles = sets.filter((f) => f.endsWith('.json'));
  const manifest: Manifest | undefined = setFiles.length === 1 ? await readManifest(createFsStore(store), setFiles[0]!.slice(0, -'.json'.length)) : undefined;
  const status = (name: string): unknown => run.out.find((l) => l['kind'] === 'BackupApplication' && l['name'] === name)?.['backupStatus'];
  return { run, manifest, status };
}

function assertOnlyFailed(t: import('ava').ExecutionContext, result: Awaited<ReturnType<typeof exportWithFaults>>, failed: string, code: string): void {
  const { run, manifest, status } = result;
  t.is(run.exitCode, 3, run.stderr);
  t.like(run.out[run.out.length - 1], { type: 'summary', exitCode: 3 });
  t.false(run.err.some((l) => l['type'] === 'error' && l['code'] === 'E_IO'), 'no fatal E_IO');
  t.truthy(manifest, 'a set is committed');
  t.deepEqual(
    manifest!.failures.map((f) => ({ application: f.application, code: f.code })),
    [{ application: failed, code }],
  );
  t.is(status(failed), 'Failed');
  for (const name of BACKED_UP.filter((n) => n !== failed)) {
    t.is(status(name), 'Exported', name);
    t.true(manifest!.applications.some((a) => a.name === name && a.artifacts.some((x) => x.kind === 'msi')), name);
  }
  t.false(manifest!.applications.some((a) => a.name === failed), 'nothing stored under the failed application');
}

test('BTSTask ExportApp exits 0 but writes no MSI: that application fails with E_BTSTASK_OUTPUT, the others are backed up, exit 3', async (t) => {
  const result = await exportWithFaults([{ command: 'ExportApp', application: 'Contoso.Orders', behavior: 'no-output' }]);
  assertOnlyFailed(t, result, 'Contoso.Orders', 'E_BTSTASK_OUTPUT');
  // One non-terminating error naming the application (PowerShell: an ErrorRecord whose TargetObject is the application).
  t.true(result.run.err.some((l) => l['type'] === 'error' && l['code'] === 'E_BTSTASK_OUTPUT' && l['target'] === 'Contoso.Orders'));
});

test('BTSTask ExportBindings exits 0 but writes no bindings file: that application fails with E_BTSTASK_OUTPUT, the others are backed up, exit 3', async (t) => {
  const result = await exportWithFaults([{ command: 'ExportBindings', application: 'Contoso.Billing', behavior: 'no-output' }]);
  assertOnlyFailed(t, result, 'Contoso.Billing', 'E_BTSTASK_OUTPUT');
});

test('ListApp failing for one application (the emptiness check lists every application on the BTSTask catalog) fails only that application, exit 3', async (t) => {
  const result = await exportWithFaults([{ command: 'ListApp', application: 'Contoso.Portal', behavior: 'fail' }]);
  assertOnlyFailed(t, result, 'Contoso.Portal', 'E_BTSTASK_FAILED');
});

test('ListApp failing for the (empty) default application: it is reported, not silently skipped, and the others are backed up', async (t) => {
  const result = await exportWithFaults([{ command: 'ListApp', application: 'BizTalk Application 1', behavior: 'fail' }]);
  t.is(result.run.exitCode, 3, result.run.stderr);
  t.deepEqual(result.manifest?.failures.map((f) => [f.application, f.code]), [['BizTalk Application 1', 'E_BTSTASK_FAILED']]);
  for (const name of BACKED_UP) t.is(result.status(name), 'Exported', name);
});

test("an exported MSI that is another application's (ADF DisplayName) is not stored under this name: E_PACKAGE_MISMATCH for that application, exit 3", async (t) => {
  // The foreign package holds exactly the resources of Contoso.Shared, so the resource check alone would accept it.
  const result = await exportWithFaults([{ command: 'ExportApp', application: 'Contoso.Shared', behavior: 'foreign-msi', as: 'Contoso.Orders' }]);
  assertOnlyFailed(t, result, 'Contoso.Shared', 'E_PACKAGE_MISMATCH');
  t.like(result.manifest!.failures[0]!.details, { displayName: 'Contoso.Orders' });
});
