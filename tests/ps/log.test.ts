// Issue 13: Get-BtsAppBackupLog reads the store's run log in real pwsh: typed BizTalkBackup.RunRecord objects,
// -Last, -Result, -Since, the short default table.
import test from 'ava';
import path from 'node:path';
import { damageFirstArtifact, runCli } from '../support/cli.js';
import { psQuote, startPwshFixture, stopPwshFixture } from '../support/pwsh.js';

test('Get-BtsAppBackupLog -Last 1 -Result Failed: the failed verification as a typed RunRecord; -Since and the default table', async (t) => {
  const { session, tmp: dir } = await startPwshFixture('log', { needsCore: true });
  t.teardown(() => stopPwshFixture(session, dir));
  const store = path.join(dir, 'store');
  const first = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(first.exitCode, 0, first.stderr);
  const setId = String(first.out[first.out.length - 1]!['setId']);
  t.is((await runCli(['export', '--simulator', '--store', store, '--full', '--json'])).exitCode, 0);
  await damageFirstArtifact(store, setId);
  t.is((await runCli(['verify', '--store', store, '--read-data', '--json'])).exitCode, 12);

  const failed = await session.capture(`Get-BtsAppBackupLog -Path ${psQuote(store)} -Last 1 -Result Failed`);
  t.deepEqual(failed.Errors, []);
  t.is(failed.Output.length, 1);
  t.is(failed.Output[0]?.TypeNames[0], 'BizTalkBackup.RunRecord');
  t.like(failed.Output[0]?.Properties, { Operation: 'verify', Result: 'failed', ExitCode: 12, Store: store });
  t.deepEqual(failed.Output[0]?.Properties['ErrorCodes'], ['E_CHECKSUM_MISMATCH']);

  const all = await session.capture(`Get-BtsAppBackupLog -LiteralPath ${psQuote(store)}`);
  t.deepEqual(all.Output.map((o) => [o.Properties['Operation'], o.Properties['Result']]), [['export', 'ok'], ['export', 'ok'], ['verify', 'failed']]);
  const none = await session.capture(`Get-BtsAppBackupLog -Path ${psQuote(store)} -Since (Get-Date).AddHours(1)`);
  t.deepEqual(none.Output, []);
  const since = await session.capture(`Get-BtsAppBackupLog -Path ${psQuote(store)} -Since (Get-Date).AddHours(-1) -Result Ok`);
  t.deepEqual(since.Output.map((o) => o.Properties['Operation']), ['export', 'export']);

  const table = await session.run(`Get-BtsAppBackupLog -Path ${psQuote(store)} -Last 1 -Result Failed | Out-String -Width 200`);
  t.regex(table, /Operation\s+Result\s+ExitCode\s+SetId\s+ErrorCodes/);
  t.regex(table, /verify\s+failed\s+12\s+E_CHECKSUM_MISMATCH/);
  t.notRegex(table, /ToolVersion|Host/);
});
