import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSampleGroupState, SAMPLE_FTP_PASSWORD, SAMPLE_SFTP_PASSWORD } from '../../src/adapters/simulator/sample-group.js';
import { cliPath, filesUnder, makeTempDir, repoRoot } from '../support/cli.js';

const CANARY = 'Canary-91c4e2d7-Zz!';
const PASSPHRASE = 'restore drill passphrase';

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  out: Record<string, unknown>[];
}

/** Spawns the built CLI with an optional stdin and a private TMPDIR, like a user or the PowerShell module. */
function cli(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const out = args.includes('--json') ? stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
      resolve({ exitCode: code ?? -1, stdout, stderr, out });
    });
  });
}


function scannedLogs(files: string[]): string[] {
  return files.filter((f) => f.includes(`${path.sep}logs${path.sep}runs-`));
}

function emptyGroup(): string {
  const state = createSampleGroupState();
  state.applications = state.applications.filter((a) => a.isSystem || a.isDefault);
  state.gac = [];
  return JSON.stringify(state, null, 2);
}

test('export, secrets, restore into an empty group, again (Unchanged), drill and dry run: the canary password is in no output, log or file but the target database', async (t) => {
  const dir = await makeTempDir('cli-restore');
  // The simulated groups are BizTalk databases: they hold adapter passwords by nature and are not scanned.
  const groups = path.join(dir, 'groups');
  const tmp = path.join(dir, 'tmp');
  await mkdir(groups);
  await mkdir(tmp);
  const env = { TMPDIR: tmp, TEMP: tmp, TMP: tmp, BIZTALKBACKUP_SECRETS_PASSPHRASE: PASSPHRASE };
  const store = path.join(dir, 'store');
  const secretsFile = path.join(dir, 'secrets.json');
  const source = path.join(groups, 'source.json');
  const target = path.join(groups, 'target.json');
  const dryTarget = path.join(groups, 'dry-target.json');
  await writeFile(source, JSON.stringify(createSampleGroupState()).replaceAll(SAMPLE_FTP_PASSWORD, CANARY), 'utf8');
  await writeFile(target, emptyGroup(), 'utf8');
  await writeFile(dryTarget, emptyGroup(), 'utf8');
  const runs: Run[] = [];
  const run = async (args: string[], stdin?: string): Promise<Run> => {
    const r = await cli(args, env, stdin);
    runs.push(r);
    return r;
  };

  const exported = await run(['export', '--simulator-state', source, '--store', store, '--json']);
  t.is(exported.exitCode, 0, exported.stderr);

  const secrets = await run(['secrets', 'set', '--secrets-file', secretsFile, '--store', store, '--json'], JSON.stringify({ 'Zahlungsverkehr.Send.Bank.Ftp||password': CANARY, 'Billing.Send.Bank.Sftp||AdapterConfig/password': SAMPLE_SFTP_PASSWORD }));
  t.is(secrets.exitCode, 0, secrets.stderr);
  t.true(secrets.out.filter((l) => l['kind'] === 'SecretLocation').every((l) => l['hasValue'] === true));

  const dryBefore = await readFile(dryTarget);
  const dry = await run(['restore', '--store', store, '--simulator-state', dryTarget, '--secrets-file', secretsFile, '--dry-run', '--json']);
  t.is(dry.exitCode, 0, dry.stderr);
  t.deepEqual(await readFile(dryTarget), dryBefore, 'a dry run changes nothing');
  const drySummary = dry.out.at(-1)!;
  t.like(drySummary, { type: 'summary', command: 'restore', dryRun: true, counts: { planned: 5 } });

  const first = await run(['restore', '--store', store, '--simulator-state', target, '--secrets-file', secretsFile, '--json']);
  t.is(first.exitCode, 0, first.stderr);
  t.like(first.out.at(-1), { type: 'summary', exitCode: 0, counts: { imported: 5, failed: 0 } });
  t.deepEqual(first.out.at(-1)!['steps'], drySummary['steps'], 'the real run executed the planned steps');
  // the password really reached the target's bindings
  t.true((await readFile(target, 'utf8')).includes(CANARY));

  const second = await run(['import', '--store', store, '--simulator-state', target, '--secrets-file', secretsFile, '--json']);
  t.is(second.exitCode, 0, second.stderr);
  t.like(second.out.at(-1), { type: 'summary', command: 'import', counts: { unchanged: 5, imported: 0 }, steps: { ImportApp: 0, AddReference: 0, ImportBindings: 0 } });

  const drill = await run(['restore', '--drill', '--store', store, '--simulator-state', source, '--secrets-file', secretsFile, '--json']);
  t.is(drill.exitCode, 0, drill.stderr);
  t.is(drill.out.filter((l) => l['kind'] === 'RestoreDrill' && l['status'] === 'Verified').length, 5);

  const human = await run(['restore', '--store', store, '--simulator-state', target, '--secrets-file', secretsFile, '--verbose']);
  t.is(human.exitCode, 0);

  // Restore, import and drill each leave one record in the store's run log (the dry run none), and the canary is in
  // none of them (the scan below reads logs/ too).
  const log = await run(['log', '--store', store, '--json']);
  t.deepEqual(
    log.out.filter((l) => l['kind'] === 'RunRecord').map((r) => [r['operation'], r['result']]),
    [['export', 'ok'], ['restore', 'ok'], ['import', 'ok'], ['drill', 'ok'], ['restore', 'ok']],
  );
  t.true(scannedLogs(await filesUnder(dir)).length > 0);

  for (const r of runs) {
    t.false(r.stdout.includes(CANARY), 'stdout');
    t.false(r.stderr.includes(CANARY), 'stderr');
  }
  const scanned = (await filesUnder(dir)).filter((f) => !f.startsWith(groups + path.sep));
  t.true(scanned.some((f) => f === secretsFile));
  t.true(scanned.some((f) => f.includes(`${path.sep}objects${path.sep}`)));
  for (const file of scanned) {
    const bytes = await readFile(file);
    t.false(bytes.includes(Buffer.from(CANARY, 'utf8')), file);
    t.false(bytes.includes(Buffer.from(CANARY, 'utf16le')), file);
  }
  t.true((await stat(secretsFile)).size > 0);
});

test('restore exits 3 when ImportApp fails for one application, naming it; a wrong passphrase is E_SECRETS_LOCKED', async (t) => {
  const dir = await makeTempDir('cli-restore-fail');
  const store = path.join(dir, 'store');
  const target = path.join(dir, 'target.json');
  await writeFile(target, emptyGroup(), 'utf8');
  const env = { TMPDIR: dir, BIZTALKBACKUP_SECRETS_PASSPHRASE: PASSPHRASE };
  t.is((await cli(['export', '--simulator', '--store', store, '--json'], env)).exitCode, 0);
  const faults = JSON.stringify([{ command: 'ImportApp', application: 'Contoso.Portal', errors: ['Access denied.'], exitCode: 1 }]);
  const run = await cli(['restore', '--store', store, '--simulator-state', target, '--allow-missing-secrets', '--json'], { ...env, BIZTALKBACKUP_SIM_FAULTS: faults });
  t.is(run.exitCode, 3, run.stderr);
  const portal = run.out.find((l) => l['kind'] === 'RestoreApplication' && l['application'] === 'Contoso.Portal')!;
  t.is(portal['status'], 'Failed');
  t.is((portal['errors'] as { code: string }[])[0]!.code, 'E_BTSTASK_FAILED');
  t.like(run.out.at(-1), { counts: { imported: 4, failed: 1 } });

  const secretsFile = path.join(dir, 'secrets.json');
  t.is((await cli(['secrets', 'set', '--secrets-file', secretsFile, '--port', 'P', '--field', 'password', '--json'], env, 'value\n')).exitCode, 0);
  const locked = await cli(['restore', '--store', store, '--simulator-state', target, '--secrets-file', secretsFile, '--json'], { ...env, BIZTALKBACKUP_SECRETS_PASSPHRASE: 'not the passphrase' });
  t.is(locked.exitCode, 1);
  t.regex(locked.stderr, /E_SECRETS_LOCKED/);
});
