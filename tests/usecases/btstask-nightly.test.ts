// Nights through the real BTSTask adapter, BTSTask.exe played by the emulator (a child process per call), on a clock
// the test moves: what each night asks of BTSTask, and a replaced file found by the content recheck.
import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BtsTaskGroup } from '../../src/adapters/btstask/btstask-group.js';
import { createFsStore } from '../../src/adapters/store/fs-store.js';
import type { GroupState } from '../../src/adapters/simulator/group-state.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { createEmulatorSetup, RecordingRunner } from '../support/btstask-emulator.js';
import { exportOptions, recordingReporter } from '../support/export-fixture.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 11, 1, 1, 0, 0);

test('through BTSTask: the first night reads everything; a quiet night runs ExportBindings once for the group; a replaced file is found on a recheck night, ListApp and ExportBindings then only for it', async (t) => {
  const setup = await createEmulatorSetup();
  t.teardown(() => setup.cleanup());
  const store = createFsStore(path.join(setup.dir, 'store'));
  const night = async (day: number, recheckDays: number) => {
    const recorder = new RecordingRunner(setup.runner({ timeoutMs: 60_000 }));
    const group = new BtsTaskGroup({ runner: recorder, gacRoot: setup.gacRoot, tempDir: setup.dir });
    let tick = START + day * DAY;
    const outcome = await exportBackup(group, store, exportOptions({ clock: { now: () => new Date((tick += 1000)) }, recheckDays }), recordingReporter());
    const commands = recorder.calls.map((args) => `${args[0]}${args.includes('/GroupLevel') ? ' /GroupLevel' : ''}`);
    const about = (command: string): string[] => recorder.calls.filter((args) => args[0] === command && !args.includes('/GroupLevel')).map((args) => String(args.find((a) => a.startsWith('/ApplicationName:'))).slice('/ApplicationName:'.length));
    return { outcome, commands, about };
  };
  const first = await night(0, 0);
  t.is(first.outcome.exitCode, 0);
  const apps = first.outcome.manifest!.applications.map((a) => a.name).sort();
  t.deepEqual(first.about('ExportBindings').sort(), apps);

  const quiet = await night(1, 0);
  t.false(quiet.outcome.committed);
  t.is(quiet.commands.filter((c) => c === 'ExportBindings /GroupLevel').length, 1);
  t.deepEqual(quiet.about('ExportBindings'), []);
  t.deepEqual(quiet.about('ExportApp'), []);

  // A file resource replaced under the same name (AddResource /Overwrite): ListApp shows nothing new.
  const state = JSON.parse(await readFile(setup.stateFile, 'utf8')) as GroupState;
  const file = state.applications.find((a) => a.name === 'Contoso.Billing')!.resources.find((r) => r.luid === 'Contoso.Billing.config')!.files[0]!;
  file.text = `${file.text ?? ''}<!-- hot fix -->`;
  await writeFile(setup.stateFile, JSON.stringify(state), 'utf8');
  t.false((await night(2, 0)).outcome.committed, 'without a recheck BTSTask cannot see it');

  // --recheck-days 1: every application's content is read (ExportApp), no ListApp first; only Billing differs.
  const recheck = await night(3, 1);
  t.is(recheck.outcome.exitCode, 0);
  t.deepEqual(recheck.about('ExportApp').sort(), apps);
  // (BizTalk.System and the empty default application are listed every night: the BTSTask catalog cannot tell them.)
  t.deepEqual(recheck.about('ListApp').filter((name) => apps.includes(name)), ['Contoso.Billing']);
  t.deepEqual(recheck.about('ExportBindings'), ['Contoso.Billing']);
  const billing = recheck.outcome.manifest!.applications.find((a) => a.name === 'Contoso.Billing')!;
  t.is(billing.backupStatus, 'Exported');
  t.deepEqual(billing.reasons, ['content changed (recheck): File Contoso.Billing.config']);
  t.true(recheck.outcome.manifest!.applications.filter((a) => a.name !== 'Contoso.Billing').every((a) => a.backupStatus === 'Unchanged' && a.contentReadAt !== undefined));
});
