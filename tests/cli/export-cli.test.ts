import { createFsStore } from '../../src/adapters/store/fs-store.js';
import { readManifest } from '../../src/usecases/set-manifests.js';
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAdf } from '../../src/formats/adf/adf.js';
import { filesUnder, makeTempDir, runCli } from '../support/cli.js';
import { realMsiDeviations } from '../support/real-msi-shape.js';

const objectPath = (store: string, sha: string): string => path.join(store, 'objects', sha.slice(0, 2), sha);

/** Runs an oracle tool; msiinfo prints summary strings in the package's codepage (1252 here), so read it as Latin-1. */
function tool(command: string, args: string[], cwd?: string, encoding: BufferEncoding = 'utf8'): string {
  const run = spawnSync(command, args, { cwd, encoding });
  if (run.error !== undefined) throw new Error(`${command} is not installed: run \`bash tests/setup.sh\` (${run.error.message})`);
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

test('export --simulator --json: one MSI per application that msitools accept, bindings, the harvested DLL, and a manifest whose checksums match', async (t) => {
  const dir = await makeTempDir('cli-export');
  const store = path.join(dir, 'store');
  const run = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(run.exitCode, 0, run.stderr);
  // protocol: ASCII only, results then a final summary on stdout
  t.true(/^[\x00-\x7f]*$/.test(run.stdout + run.stderr));
  const summary = run.out[run.out.length - 1]!;
  t.like(summary, { type: 'summary', command: 'export', exitCode: 0, counts: { exported: 5, unchanged: 0, failed: 0 } });
  const apps = run.out.filter((l) => l['kind'] === 'BackupApplication');
  t.deepEqual(apps.map((a) => a['name']), ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal', 'Zahlungsverkehr Süd']);
  t.true(run.err.some((l) => l['type'] === 'progress' && l['activity'] === 'Export'));
  t.true(run.err.some((l) => l['type'] === 'progress' && l['completed'] === true));

  const setId = String(summary['setId']);
  const manifest = (await readManifest(createFsStore(store), setId)) as {
    applications: { name: string; resources: { type: string; luid: string }[]; artifacts: { kind: string; name: string; sha256: string; size: number; assembly?: string }[] }[];
  };
  for (const app of manifest.applications) {
    for (const artifact of app.artifacts) {
      const bytes = await readFile(objectPath(store, artifact.sha256));
      t.is(createHash('sha256').update(bytes).digest('hex'), artifact.sha256, `${app.name} ${artifact.name}`);
      t.is(bytes.length, artifact.size);
    }
    const msi = app.artifacts.find((a) => a.kind === 'msi')!;
    const work = path.join(dir, `x-${msi.sha256.slice(0, 8)}`);
    await mkdir(work);
    const msiFile = path.join(work, 'app.msi');
    await writeFile(msiFile, await readFile(objectPath(store, msi.sha256)));
    // BizTalk's packages are in codepage 65001: msiinfo prints the title's UTF-8 bytes.
    t.true(tool('msiinfo', ['suminfo', msiFile], undefined, 'utf8').includes(`Title: ${app.name}\n`), `${app.name}: msiinfo reads the title`);
    // The CLI's simulator runs in a child process, outside the suite-wide hook: check its MSIs here.
    t.deepEqual(realMsiDeviations(new Uint8Array(await readFile(msiFile)), { source: app.name }), [], `${app.name}: shaped like a real BizTalk export`);
    tool('msiextract', ['-C', work, msiFile]);
    const extracted = await filesUnder(work);
    const adfFile = extracted.find((f) => f.endsWith('ApplicationDefinition.adf'));
    t.truthy(adfFile, `${app.name}: ADF extracted`);
    const adf = parseAdf(await readFile(adfFile!, 'utf8'), 'adf');
    const inAdf = new Set(adf.resources.map((r) => `${r.type}|${r.luid}`));
    for (const resource of app.resources) t.true(inAdf.has(`${resource.type}|${resource.luid}`), `${app.name} ADF lists ${resource.luid}`);
    const itemCabs = extracted.filter((f) => /ITEM~\d+\.CAB$/i.test(f));
    t.is(itemCabs.length, adf.resources.length, `${app.name}: one ITEM~n.CAB per resource`);
    for (const cab of itemCabs) t.regex(tool('cabextract', ['-l', cab]), /All done, no errors/);
    const bindings = app.artifacts.find((a) => a.kind === 'bindings')!;
    t.regex(await readFile(objectPath(store, bindings.sha256), 'utf8'), /<BindingInfo /);
  }
  const orders = manifest.applications.find((a) => a.name === 'Contoso.Orders')!;
  t.truthy(orders.artifacts.find((a) => a.kind === 'dependency' && a.name === 'Contoso.Common.Helpers.dll'));
});


test('the human output of export, list and show reads like a report', async (t) => {
  const dir = await makeTempDir('cli-human');
  const store = path.join(dir, 'store');
  const exported = await runCli(['export', '--simulator', '--store', store]);
  t.is(exported.exitCode, 0);
  t.regex(exported.stdout, /Backup set \d{8}T\d{6}Z-[0-9a-f]{6} written to .*: 5 exported, 0 unchanged, 0 failed/);
  t.regex(exported.stderr, /WARNING: Contoso\.Billing: The password of send port "Billing\.Send\.Bank\.Sftp"/);
  t.notRegex(exported.stdout + exported.stderr, /Sftp-S3cret|Ftp-Pa55word/);
  const again = await runCli(['export', '--simulator', '--store', store]);
  t.regex(again.stdout, /Nothing changed since backup set/);
  const list = await runCli(['list', '--store', store]);
  t.is(list.exitCode, 0);
  t.regex(list.stdout, /Set\s+Created \(UTC\)\s+Apps/);
  const show = await runCli(['show', 'latest', '--store', store]);
  t.is(show.exitCode, 0);
  t.regex(show.stdout, /1\s+Contoso\.Shared\s+Exported/);
  t.regex(show.stdout, /Contoso\.Common\.Helpers\.dll/);
  t.regex(show.stdout, /\[MaskedPassword\]/);
});

test('--dry-run prints the plan and creates nothing', async (t) => {
  const dir = await makeTempDir('cli-dry');
  const store = path.join(dir, 'store');
  const run = await runCli(['export', '--simulator', '--store', store, '--dry-run', '--json']);
  t.is(run.exitCode, 0);
  t.false(existsSync(store));
  const steps = run.out.filter((l) => l['kind'] === 'PlanStep');
  t.deepEqual(steps.filter((s) => s['action'] === 'ExportApp').map((s) => s['application']), ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal', 'Zahlungsverkehr Süd']);
  t.deepEqual(steps.filter((s) => s['action'] === 'Skip').map((s) => s['application']).sort(), ['BizTalk Application 1', 'BizTalk.System']);
});

test('options can come from a request file, as the PowerShell module passes them', async (t) => {
  const dir = await makeTempDir('cli-request');
  const request = path.join(dir, 'request.json');
  await writeFile(request, JSON.stringify({ simulator: true, store: path.join(dir, 'store'), name: ['Contoso.S*'], dryRun: true }));
  const run = await runCli(['export', '--request', request, '--json']);
  t.is(run.exitCode, 0, run.stderr);
  t.deepEqual(run.out.filter((l) => l['action'] === 'ExportApp').map((l) => l['application']), ['Contoso.Shared']);
});

const failures: { title: string; args: (dir: string) => Promise<string[]>; code: string; exitCode: number; target?: RegExp }[] = [
  { title: 'a store whose parent folder does not exist', args: async (d) => ['export', '--simulator', '--store', path.join(d, 'no', 'such', 'store')], code: 'E_STORE_MISSING', exitCode: 10, target: /no\/such\/store$/ },
  { title: 'listing a folder that is not a store', args: async (d) => ['list', '--store', d], code: 'E_STORE_MISSING', exitCode: 10 },
  { title: 'an unknown application name', args: async (d) => ['export', '--simulator', '--store', path.join(d, 's'), '--name', 'Contoso.Ordres'], code: 'E_APP_NOT_FOUND', exitCode: 1, target: /^Contoso\.Ordres$/ },
  {
    title: 'a corrupt simulator state file',
    args: async (d) => {
      await writeFile(path.join(d, 'state.json'), '{"schemaVersion": 1, "group": ');
      return ['inventory', '--simulator-state', path.join(d, 'state.json')];
    },
    code: 'E_STATE_CORRUPT',
    exitCode: 1,
    target: /state\.json$/,
  },
  { title: 'an unknown option', args: async () => ['export', '--simulator', '--store', 'x', '--frobnicate'], code: 'E_USAGE', exitCode: 2 },
  { title: 'a missing command', args: async () => [], code: 'E_USAGE', exitCode: 2 },
  {
    title: 'a --request file that is not JSON (a usage error, not E_INTERNAL)',
    args: async (d) => {
      await writeFile(path.join(d, 'request.json'), '[1, 2');
      return ['export', '--request', path.join(d, 'request.json')];
    },
    code: 'E_USAGE',
    exitCode: 2,
  },
  { title: 'showing a set that does not exist', args: async (d) => {
      const r = await runCli(['export', '--simulator', '--store', path.join(d, 's')]);
      if (r.exitCode !== 0) throw new Error(r.stderr);
      return ['show', '20000101T000000Z-000000', '--store', path.join(d, 's')];
    }, code: 'E_SET_NOT_FOUND', exitCode: 1 },
];

for (const f of failures) {
  test(`${f.title}: a typed error with code, target and hint, no stack trace`, async (t) => {
    const dir = await makeTempDir('cli-fail');
    const args = await f.args(dir);
    const run = await runCli([...args, '--json']);
    t.is(run.exitCode, f.exitCode, run.stderr);
    const error = run.err.find((l) => l['type'] === 'error');
    t.is(error?.['code'], f.code);
    t.truthy(error?.['hint']);
    if (f.target !== undefined) t.regex(String(error?.['target']), f.target);
    t.notRegex(run.stderr, /\n\s+at /, 'no stack trace');
    const human = await runCli(args);
    t.is(human.exitCode, f.exitCode);
    t.regex(human.stderr, new RegExp(`ERROR ${f.code}:`));
    t.notRegex(human.stderr, /\n\s+at /);
  });
}

test('inventory lists the sample group with its references', async (t) => {
  const run = await runCli(['inventory', '--simulator', '--json']);
  t.is(run.exitCode, 0);
  const apps = run.out.filter((l) => l['kind'] === 'Application');
  t.is(apps.length, 7);
  t.like(apps.find((a) => a['name'] === 'Contoso.Billing'), { references: ['Contoso.Orders', 'Contoso.Shared'], source: 'simulator' });
  t.like(run.out[run.out.length - 1], { type: 'summary', command: 'inventory', exitCode: 0 });
});

test('the real BTSTask adapter, driven against the BTSTask emulator, backs up the same applications in the same import order', async (t) => {
  const dir = await makeTempDir('cli-btstask');
  const state = path.join(dir, 'group', 'state.json');
  t.is((await runCli(['simulator-init', '--state', state])).exitCode, 0);
  const env = { BIZTALKBACKUP_SIM_STATE: state, BIZTALKBACKUP_GAC_ROOT: `${state}.gac` };
  const emulator = path.join('dist', 'src', 'adapters', 'simulator', 'btstask-emulator.js');
  const viaBtsTask = await runCli(['export', '--btstask', emulator, '--store', path.join(dir, 'a'), '--json'], { env });
  t.is(viaBtsTask.exitCode, 0, viaBtsTask.stderr);
  const viaSimulator = await runCli(['export', '--simulator-state', state, '--store', path.join(dir, 'b'), '--json']);
  t.is(viaSimulator.exitCode, 0, viaSimulator.stderr);
  const manifestOf = async (run: typeof viaBtsTask, store: string) => (await readManifest(createFsStore(path.join(dir, store)), String(run.out[run.out.length - 1]!['setId']))) as { importOrder: string[]; applications: { name: string; references: string[]; artifacts: { kind: string; name: string }[] }[] };
  const a = await manifestOf(viaBtsTask, 'a');
  const b = await manifestOf(viaSimulator, 'b');
  t.deepEqual(a.importOrder, b.importOrder);
  t.deepEqual(a.applications.map((x) => [x.name, x.references, x.artifacts.map((f) => f.kind)]), b.applications.map((x) => [x.name, x.references, x.artifacts.map((f) => f.kind)]));
  // a second run through BTSTask finds nothing changed
  const again = await runCli(['export', '--btstask', emulator, '--store', path.join(dir, 'a'), '--json'], { env });
  t.like(again.out[again.out.length - 1], { type: 'summary', exitCode: 0, committed: false, counts: { exported: 0, unchanged: 5 } });
});

test('a BTSTask failure for one application, injected through the environment, is exit 3 with E_BTSTASK_FAILED and its Error: lines', async (t) => {
  const dir = await makeTempDir('cli-fault');
  const faults = JSON.stringify([{ command: 'ExportApp', application: 'Contoso.Billing', errors: ['Failed to export application "Contoso.Billing".', 'The system cannot find the file specified.'] }]);
  const run = await runCli(['export', '--simulator', '--store', path.join(dir, 's'), '--json'], { env: { BIZTALKBACKUP_SIM_FAULTS: faults } });
  t.is(run.exitCode, 3);
  t.like(run.out[run.out.length - 1], { type: 'summary', exitCode: 3, counts: { exported: 4, failed: 1 } });
  t.like(run.out.find((l) => l['kind'] === 'BackupApplication' && l['name'] === 'Contoso.Billing'), { backupStatus: 'Failed' });
  t.true(run.err.some((l) => l['type'] === 'log' && String(l['message']).includes('Contoso.Billing')));
});

test('a store path that runs through a file is a typed error naming the path, not a crash', async (t) => {
  const dir = await makeTempDir('cli-notdir');
  await writeFile(path.join(dir, 'afile'), 'x');
  const run = await runCli(['export', '--simulator', '--store', path.join(dir, 'afile', 'store'), '--json']);
  t.is(run.exitCode, 10);
  t.like(run.err.find((l) => l['type'] === 'error'), { code: 'E_STORE_NOT_A_FOLDER', target: path.join(dir, 'afile', 'store') });
  t.notRegex(run.stderr, /\n\s+at /);
});
