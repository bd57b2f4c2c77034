// Issue 14: Get-BtsAppBackupReport in real pwsh: -Path/-SetId/-Format/-OutFile, pipeline input from Get-BtsAppBackup,
// a typed BizTalkBackup.Report, the short default table, and a typed error for a missing secrets file.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { psQuote, startPwshFixture, stopPwshFixture } from '../support/pwsh.js';

test('Get-BtsAppBackupReport: -OutFile writes the page, piped sets give one report each, -Format Json carries the model, errors are typed', async (t) => {
  const { session, tmp: dir } = await startPwshFixture('report', { needsCore: true });
  t.teardown(() => stopPwshFixture(session, dir));
  const store = path.join(dir, 'store');
  const first = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(first.exitCode, 0, first.stderr);
  const setId = String(first.out.at(-1)!['setId']);

  const page = path.join(dir, 'dr.html');
  const written = await session.capture(`Get-BtsAppBackupReport -Path ${psQuote(store)} -SetId ${setId} -OutFile ${psQuote(page)}`);
  t.deepEqual(written.Errors, []);
  t.is(written.Output.length, 1);
  t.is(written.Output[0]?.TypeNames[0], 'BizTalkBackup.Report');
  t.like(written.Output[0]?.Properties, { SetId: setId, Verdict: 'ready-with-gaps', Format: 'html', Path: page });
  const html = await readFile(page, 'utf8');
  t.true(html.startsWith('<!DOCTYPE html>'));
  t.true(html.includes('Contoso.Billing'));

  const piped = await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)} | Get-BtsAppBackupReport -Format Json`);
  t.deepEqual(piped.Errors, []);
  t.is(piped.Output.length, 1);
  const model = JSON.parse(String(piped.Output[0]?.Properties['Content'])) as { setId: string; runbook: { application?: string }[] };
  t.is(model.setId, setId);
  t.deepEqual(model.runbook.filter((s) => s.application !== undefined).map((s) => s.application), ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal', 'Zahlungsverkehr Süd']);

  const table = await session.run(`Get-BtsAppBackupReport -Path ${psQuote(store)} -OutFile ${psQuote(path.join(dir, 'dr.md'))} | Out-String -Width 200`);
  t.regex(table, /SetId\s+Verdict\s+Blockers\s+Gaps\s+Format\s+Path/);
  t.regex(table, /ready-with-gaps\s+0\s+\d+\s+markdown/);
  t.notRegex(table, /Content/);

  const missing = await session.capture(`Get-BtsAppBackupReport -Path ${psQuote(store)} -SecretsFile ${psQuote(path.join(dir, 'none.secrets'))}`);
  t.deepEqual(missing.Output, []);
  t.is(missing.Errors[0]?.Id.split(',')[0], 'BizTalkBackup.E_SECRETS_FILE_MISSING');
});
