// Issue 14: `btsbackup report` writes the disaster-recovery report of a set as JSON, Markdown or HTML (same model),
// with typed errors for an empty store, a corrupt set and a missing secrets file, and every name escaped.
import test from 'ava';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeSecretsFile } from '../../src/adapters/secrets/secrets-file.js';
import type { ReportModel } from '../../src/core/report-model.js';
import { createSampleGroupState } from '../../src/adapters/simulator/sample-group.js';
import { makeTempDir, runCli } from '../support/cli.js';
import { EVIL_APP, EVIL_PORT, writeReportGroup } from '../support/report-groups.js';

const PASSPHRASE = 'report cli passphrase';
const env = { BIZTALKBACKUP_SECRETS_PASSPHRASE: PASSPHRASE };

test('report --format json: the model of the sample group, ready with gaps before verify, ready-with-gaps named; verify makes it count', async (t) => {
  const dir = await makeTempDir('cli-report');
  const store = path.join(dir, 'store');
  t.is((await runCli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);
  const first = await runCli(['report', '--store', store, '--format', 'json', '--json']);
  t.is(first.exitCode, 0, first.stderr);
  const result = first.out.find((l) => l['kind'] === 'Report')!;
  const model = JSON.parse(String(result['content'])) as ReportModel;
  t.is(model.verdict, 'ready-with-gaps');
  t.deepEqual(
    model.runbook.filter((s) => s.phase === 'applications').map((s) => s.application),
    ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal', 'Zahlungsverkehr Süd'],
  );
  t.is(model.readiness.verification.state, 'not-verified');
  t.true(first.err.some((l) => l['type'] === 'progress'), 'progress on stderr');
  t.like(first.out.at(-1), { type: 'summary', command: 'report', exitCode: 0, verdict: 'ready-with-gaps' });

  t.is((await runCli(['verify', '--store', store, '--read-data', '--json'])).exitCode, 0);
  const out = path.join(dir, 'report.json');
  const second = await runCli(['report', '--store', store, '--out', out, '--json']);
  t.is(second.exitCode, 0, second.stderr);
  const written = JSON.parse(await readFile(out, 'utf8')) as ReportModel;
  t.is(written.readiness.verification.state, 'verified');
  t.is(written.readiness.verification.how, 'read-data');
  t.false(written.gaps.some((g) => /verified/.test(g)));
  t.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
});

test('report: a failed application and a missing secret make it not ready and are named; markup in names is escaped in markdown and json', async (t) => {
  const dir = await makeTempDir('cli-report-evil');
  const group = await writeReportGroup(dir, { evil: true, failExport: 'Contoso.Portal' });
  const store = path.join(dir, 'store');
  const exported = await runCli(['export', '--simulator-state', group, '--store', store, '--json']);
  t.is(exported.exitCode, 3, exported.stderr);
  const secrets = path.join(dir, 'prod.secrets');
  await writeSecretsFile(secrets, [{ port: 'Billing.Send.Bank.Sftp', field: 'AdapterConfig/password', value: 'sftp-secret-value' }], PASSPHRASE, { N: 1 << 10, r: 8, p: 1 });
  const md = path.join(dir, 'report.md');
  const r = await runCli(['report', '--store', store, '--secrets-file', secrets, '--out', md, '--json'], { env });
  t.is(r.exitCode, 0, r.stderr);
  const result = r.out.find((l) => l['kind'] === 'Report')!;
  t.is(result['verdict'], 'not-ready');
  t.is(result['format'], 'markdown');
  const blockers = result['blockers'] as string[];
  t.true(blockers.some((b) => b.includes('"Contoso.Portal" failed to back up')));
  t.true(blockers.some((b) => b.includes(EVIL_PORT) && b.includes(EVIL_APP)), JSON.stringify(blockers));
  const text = await readFile(md, 'utf8');
  // Commands sit in fenced code blocks, where Markdown shows text as it is; everywhere else markup is escaped.
  const prose = text.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '');
  t.true(text.includes(`-Name '${EVIL_APP.replace(/'/g, "''")}'`), 'the exact command, in a code block');
  t.false(prose.includes('<script'), 'no raw markup in the markdown outside code blocks');
  t.true(text.includes('&lt;script&gt;alert\\(1\\)&lt;/script&gt;.Send') || text.includes('&lt;script&gt;alert(1)&lt;/script&gt;.Send'));
  t.false(text.includes('sftp-secret-value') || r.stdout.includes('sftp-secret-value') || r.stderr.includes('sftp-secret-value'), 'never a secret value');

  const json = await runCli(['report', '--store', store, '--secrets-file', secrets, '--format', 'json', '--json'], { env });
  const model = JSON.parse(String(json.out.find((l) => l['kind'] === 'Report')!['content'])) as ReportModel;
  t.true(model.applications.some((a) => a.name === EVIL_APP));
  t.like(model.readiness.maskedPasswords, { total: 2, withValue: 1, withoutValue: 1 });
  t.false(JSON.stringify(model).includes('sftp-secret-value'));
});

const errorCases: { title: string; setup: (dir: string) => Promise<string[]>; code: string; exitCode: number }[] = [
  { title: 'no store', setup: async (dir) => ['--store', path.join(dir, 'nothing')], code: 'E_STORE_MISSING', exitCode: 10 },
  {
    title: 'an empty store',
    setup: async (dir) => {
      const store = path.join(dir, 'store');
      await runCli(['export', '--simulator', '--store', store, '--json']);
      const sets = path.join(store, 'sets');
      for (const file of await readdir(sets)) await rm(path.join(sets, file));
      return ['--store', store];
    },
    code: 'E_SET_NOT_FOUND',
    exitCode: 1,
  },
  {
    title: 'a corrupt set',
    setup: async (dir) => {
      const store = path.join(dir, 'store');
      await runCli(['export', '--simulator', '--store', store, '--json']);
      const sets = path.join(store, 'sets');
      const [file] = await readdir(sets);
      await writeFile(path.join(sets, file!), '{"schemaVersion":1,', 'utf8');
      return ['--store', store];
    },
    code: 'E_MANIFEST_CORRUPT',
    exitCode: 12,
  },
  {
    title: 'a missing secrets file',
    setup: async (dir) => {
      const store = path.join(dir, 'store');
      await runCli(['export', '--simulator', '--store', store, '--json']);
      return ['--store', store, '--secrets-file', path.join(dir, 'missing.secrets')];
    },
    code: 'E_SECRETS_FILE_MISSING',
    exitCode: 1,
  },
];

for (const c of errorCases) {
  test(`report with ${c.title}: ${c.code}`, async (t) => {
    const dir = await makeTempDir('cli-report-errors');
    const args = await c.setup(dir);
    const out = path.join(dir, 'out', 'report.html');
    await mkdir(path.dirname(out), { recursive: true });
    const r = await runCli(['report', ...args, '--out', out, '--json'], { env });
    t.is(r.exitCode, c.exitCode, r.stderr);
    t.is(r.err.find((l) => l['type'] === 'error')?.['code'], c.code);
    t.false(existsSync(out), 'no report written');
    t.deepEqual(await readdir(path.dirname(out)), []);
  });
}

test('report --live: an application in the group but not in the set is a blocker, named', async (t) => {
  const dir = await makeTempDir('cli-report-live');
  const state = createSampleGroupState();
  state.applications = state.applications.filter((a) => a.name !== 'Zahlungsverkehr Süd');
  const group = path.join(dir, 'group.json');
  await writeFile(group, JSON.stringify(state), 'utf8');
  const store = path.join(dir, 'store');
  t.is((await runCli(['export', '--simulator-state', group, '--store', store, '--json'])).exitCode, 0);
  const r = await runCli(['report', '--store', store, '--live', '--simulator', '--format', 'json', '--json']);
  t.is(r.exitCode, 0, r.stderr);
  const model = JSON.parse(String(r.out.find((l) => l['kind'] === 'Report')!['content'])) as ReportModel;
  t.deepEqual(model.readiness.live, { added: ['Zahlungsverkehr Süd'], changed: [], removed: [] });
  t.is(model.verdict, 'not-ready');
  t.true(model.blockers.some((b) => b.includes('"Zahlungsverkehr Süd" is in the group but not in this set')));
});
