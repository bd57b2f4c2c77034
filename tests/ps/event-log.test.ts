// Issue 13: -EventLog in real pwsh. Off Windows (this machine) the real path gives the typed warning
// BizTalkBackup.EventLogUnavailable and the run goes on; the Windows path runs against a stand-in for
// System.Diagnostics.EventLog ($script:EventLogApi): the record written once with its event id and entry type, the
// source created when missing, a typed warning when it cannot be, $PSDefaultParameterValues turning it on, and the
// record of a run stopped by an error under -ErrorAction Stop still written.
import test from 'ava';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { damageFirstArtifact, makeTempDir } from '../support/cli.js';
import { PwshSession, psQuote, startPwshFixture, stopPwshFixture } from '../support/pwsh.js';

let session: PwshSession;

let tmp: string;
test.before(async () => ({ session, tmp } = await startPwshFixture('event-log', { needsCore: true })));
test.after.always(() => stopPwshFixture(session, tmp));

/** A stand-in event log in the capture runspace: entries land in $global:__Events, sources in $global:__Sources. */
function fakeEventLog(options: { sourceExists: boolean; createFails?: boolean }): string {
  return `
$global:__Events = New-Object System.Collections.ArrayList
$global:__Sources = New-Object System.Collections.ArrayList
& (Get-Module BizTalkBackup) {
  $script:EventLogApi = @{
    Available = { $true }
    SourceExists = { param($name) ${options.sourceExists ? '$true' : '$false'} }
    CreateSource = { param($name, $log) ${options.createFails ? "throw (New-Object System.Security.SecurityException 'Requested registry access is not allowed.')" : '[void]$global:__Sources.Add("$name|$log")'} }
    WriteEntry = { param($name, $text, $type, $id) [void]$global:__Events.Add([pscustomobject]@{ Source = $name; Message = $text; EntryType = [string]$type; EventId = $id }) }
  }
}`;
}

const collect = "[pscustomobject]@{ PSTypeName = 'Test.EventLog'; Events = @($global:__Events); Sources = @($global:__Sources) }";
const reset = '& (Get-Module BizTalkBackup) { $script:EventLogApi = $null }';

interface EventsSeen {
  Events: { Source: string; Message: string; EntryType: string; EventId: number }[];
  Sources: string[];
}

function eventsOf(output: { TypeNames: string[]; Properties: Record<string, unknown> }[]): EventsSeen {
  const found = output.find((o) => o.TypeNames[0] === 'Test.EventLog');
  if (found === undefined) throw new Error('no Test.EventLog object');
  return found.Properties as unknown as EventsSeen;
}

async function runLogLines(store: string): Promise<string[]> {
  const dir = path.join(store, 'logs');
  const files = (await readdir(dir)).sort();
  return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('').trim().split('\n');
}

test('-EventLog: off Windows a typed warning and the run goes on; on Windows (stand-in) one entry per run, id and type by outcome, the run log line as message', async (t) => {
  const dir = await makeTempDir('ps-eventlog');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = path.join(dir, 'store');

  // This machine has no event log: the real System.Diagnostics.EventLog path is never reached.
  const offWindows = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -EventLog`, reset);
  t.deepEqual(offWindows.Errors, []);
  t.is(offWindows.Terminating, null);
  t.true(offWindows.Output.some((o) => o.TypeNames[0] === 'BizTalkBackup.BackupSet'), 'the backup is made');
  const unavailable = offWindows.Warnings.filter((w) => w.startsWith('BizTalkBackup.EventLogUnavailable:'));
  t.is(unavailable.length, 1, offWindows.Warnings.join('\n'));
  t.regex(unavailable[0] ?? '', /1001/, 'it names the event it did not write');

  // Windows, the source missing and creatable: created in the Application log, then one entry.
  const created = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -Full -EventLog | Out-Null; ${collect}`, fakeEventLog({ sourceExists: false }));
  t.deepEqual(created.Errors, []);
  const seen = eventsOf(created.Output);
  t.deepEqual(seen.Sources, ['BizTalkBackup|Application']);
  t.is(seen.Events.length, 1);
  t.like(seen.Events[0], { Source: 'BizTalkBackup', EntryType: 'Warning', EventId: 1001 });
  const lines = await runLogLines(store);
  t.is(seen.Events[0]?.Message, lines[lines.length - 1], 'the message is the run log line, byte for byte');
  t.like(JSON.parse(seen.Events[0]?.Message ?? '{}'), { type: 'run', operation: 'export', result: 'ok', warningCodes: ['MaskedPassword', 'LocalWebDirectory', 'SameMachineStore'] });

  // Without -EventLog nothing is written; $PSDefaultParameterValues turns it on for verify.
  const quiet = await session.capture(`Test-BtsAppBackup -Path ${psQuote(store)} -SetId latest | Out-Null; ${collect}`, fakeEventLog({ sourceExists: true }));
  t.deepEqual(eventsOf(quiet.Output).Events, []);
  const byDefault = await session.capture(
    `$PSDefaultParameterValues['*-BtsAppBackup:EventLog'] = $true; try { Test-BtsAppBackup -Path ${psQuote(store)} -SetId latest | Out-Null; Get-BtsAppBackup -Path ${psQuote(store)} | Out-Null } finally { $PSDefaultParameterValues.Remove('*-BtsAppBackup:EventLog') }; ${collect}`,
    fakeEventLog({ sourceExists: true }),
  );
  t.deepEqual(byDefault.Errors, []);
  const verified = eventsOf(byDefault.Output);
  t.deepEqual(verified.Sources, [], 'an existing source is not created again');
  t.deepEqual(verified.Events.map((e) => [e.EventId, e.EntryType]), [[1000, 'Information']], 'Get-BtsAppBackup has no -EventLog and is left alone');
  t.like(JSON.parse(verified.Events[0]?.Message ?? '{}'), { operation: 'verify', result: 'ok' });

  // Not an administrator: the source cannot be created; a typed warning, the run's result unchanged.
  const denied = await session.capture(`Remove-BtsAppBackup -Path ${psQuote(store)} -KeepLast 5 -Confirm:$false -EventLog | Out-Null; ${collect}`, fakeEventLog({ sourceExists: false, createFails: true }));
  t.deepEqual(denied.Errors, []);
  t.deepEqual(eventsOf(denied.Output).Events, []);
  t.is(denied.Warnings.filter((w) => w.startsWith('BizTalkBackup.EventSourceUnavailable:')).length, 1, denied.Warnings.join('\n'));
  t.like(JSON.parse((await runLogLines(store)).at(-1) ?? '{}'), { operation: 'prune', result: 'ok' });

  // A damaged object, verified under -ErrorAction Stop: the first error ends the cmdlet, and the run's record (read
  // after that error) still reaches the event log as an Error entry.
  const sets = await readdir(path.join(store, 'sets'));
  await damageFirstArtifact(store, sets.sort().at(-1)!.replace(/\.json$/, ''));
  const stopped = await session.capture(
    `try { Test-BtsAppBackup -Path ${psQuote(store)} -SetId latest -ReadData -EventLog -ErrorAction Stop | Out-Null } catch { [pscustomobject]@{ PSTypeName = 'Test.Caught'; Id = $_.FullyQualifiedErrorId } }; ${collect}`,
    fakeEventLog({ sourceExists: true }),
  );
  t.regex(String(stopped.Output.find((o) => o.TypeNames[0] === 'Test.Caught')?.Properties['Id']), /^BizTalkBackup\.E_CHECKSUM_MISMATCH/);
  const failed = eventsOf(stopped.Output).Events;
  t.is(failed.length, 1);
  t.true([1102, 1003].includes(failed[0]?.EventId ?? 0), `verification failed (1102), or interrupted (1003) if the stop reached node first: ${failed[0]?.EventId}`);
});
