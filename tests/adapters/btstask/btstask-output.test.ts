import { readFile } from 'node:fs/promises';
import test from 'ava';
import { checkBtsTaskRun, parseBtsTaskOutput } from '../../../src/adapters/btstask/btstask-output.js';
import { isBtsBackupError } from '../../../src/errors/index.js';

const fixture = (name: string): Promise<string> => readFile(new URL(`../../../../tests/fixtures/btstask-output/${name}`, import.meta.url), 'utf8');

test('recorded: an Error: entry continued by its inner exception, then the failed summary (BTDF #301)', async (t) => {
  const out = parseBtsTaskOutput(await fixture('failed-temp-cab-in-use.txt'));
  t.is(out.errors.length, 1);
  t.true(out.errors[0]?.startsWith('Failed to add resource (Luid="System.BizTalk:BizTalkAssembly"'));
  t.true(out.errors[0]?.split('\n')[1]?.startsWith("The process cannot access the file 'C:\\Users\\asathia\\AppData\\Local\\Temp\\BT\\PID12132\\lqkbptht.cab'"));
  t.deepEqual(out.summary, { succeeded: false, errors: 1, warnings: 0 });
  t.deepEqual(out.text, []);
});

test('recorded: a six-line Error: entry, a blank line and an indented summary (BTDF #332)', async (t) => {
  const out = parseBtsTaskOutput(await fixture('failed-resource-already-in-store.txt'));
  t.is(out.errors.length, 1);
  const lines = out.errors[0]?.split('\n') ?? [];
  t.is(lines.length, 7);
  t.is(lines[0], 'Failed to add resource(s).');
  t.is(lines[6], 'Overwrite flag will be ignored if the resource is associated with another application.');
  t.deepEqual(out.summary, { succeeded: false, errors: 1, warnings: 0 });
});

test('recorded: exit code 1 with the recorded error lines -> E_BTSTASK_FAILED keeping both', async (t) => {
  const stdout = await fixture('failed-resource-already-in-store.txt');
  const error = t.throws(() => checkBtsTaskRun('AddResource', { exitCode: 1, stdout, stderr: '' }, 'sdm.pubsub3.test'));
  t.true(isBtsBackupError(error));
  t.is((error as { code?: string }).code, 'E_BTSTASK_FAILED');
  const details = (error as { details?: Record<string, unknown> }).details ?? {};
  t.is(details['exitCode'], 1);
  t.is((details['errors'] as string[]).length, 1);
  t.is(details['command'], 'AddResource');
});

test('recorded: one-line failures without a summary still fail with their exit code (BTDF #408, #444)', async (t) => {
  for (const name of ['failed-update-binding-information.txt', 'failed-validate-database.txt']) {
    const stdout = await fixture(name);
    const error = t.throws(() => checkBtsTaskRun('ImportBindings', { exitCode: 1, stdout, stderr: '' }));
    t.is((error as { code?: string }).code, 'E_BTSTASK_FAILED', name);
    t.deepEqual((error as { details?: Record<string, unknown> }).details?.['errors'], [stdout.trim().replace(/^Error: /, '')], name);
  }
});

test('recorded: the output of a hung BTSTask has no summary -> E_BTSTASK_OUTPUT even with exit 0 (BTDF #460)', async (t) => {
  const stdout = await fixture('hang-importing-bindings.txt');
  const out = parseBtsTaskOutput(stdout);
  t.is(out.information.length, 1);
  t.is(out.summary, undefined);
  const error = t.throws(() => checkBtsTaskRun('ImportBindings', { exitCode: 0, stdout, stderr: '' }));
  t.is((error as { code?: string }).code, 'E_BTSTASK_OUTPUT');
});

test('recorded: the banner shape of BizTalk console tools is recognised and kept apart (bm.exe, BTDF #299)', async (t) => {
  const out = parseBtsTaskOutput(await fixture('bm-banner-and-error.txt'));
  t.deepEqual(out.banner, ['Microsoft (R) Business Activity Monitoring Utility Version 3.10.229.0', 'Copyright (C) Microsoft Corporation. All rights reserved.']);
  t.deepEqual(out.text, ["Using 'BAMPrimaryImport' BAM Primary Import database on server 'BTS2013DEV'..."]);
  t.deepEqual(out.errors, ['Security management of the BAM view failed.\nThe specified account is already in the view.']);
});

const success = [
  'Microsoft (R) BizTalk Application Deployment Utility Version 3.13.717.0',
  'Copyright (c) Microsoft Corporation. All rights reserved.',
  '',
  'Information: Exporting application "Contoso.Orders" to package "C:\\Backup\\Contoso.Orders.msi"...',
  'Warning: Global parties were not exported.',
  'Information: Done.',
  'Command succeeded with 0 errors, 1 warnings.',
  '',
].join('\r\n');

test('a success: banner, information and warning lines in order, summary', (t) => {
  const out = checkBtsTaskRun('ExportApp', { exitCode: 0, stdout: success, stderr: '' });
  t.is(out.banner.length, 2);
  t.deepEqual(out.information, ['Exporting application "Contoso.Orders" to package "C:\\Backup\\Contoso.Orders.msi"...', 'Done.']);
  t.deepEqual(out.warnings, ['Global parties were not exported.']);
  t.deepEqual(out.summary, { succeeded: true, errors: 0, warnings: 1 });
});

const inconsistent: [string, string][] = [
  ['no summary at all (truncated)', success.split('\r\n').slice(0, 5).join('\r\n')],
  ['exit 0 but the summary says failed', success.replace('Command succeeded with 0 errors, 1 warnings.', 'Command failed with 2 errors, 1 warnings.')],
  ['exit 0 but an Error: line', success.replace('Information: Done.', 'Error: Something broke.')],
  ['empty output', ''],
  ['not BTSTask at all', 'Usage: something else\r\n'],
];
for (const [title, stdout] of inconsistent) {
  test(`exit 0 with ${title} -> E_BTSTASK_OUTPUT`, (t) => {
    const error = t.throws(() => checkBtsTaskRun('ExportApp', { exitCode: 0, stdout, stderr: '' }));
    t.is((error as { code?: string }).code, 'E_BTSTASK_OUTPUT');
  });
}

test('a non-zero exit keeps the exit code even when the summary counts differently, and falls back to stderr', (t) => {
  const error = t.throws(() => checkBtsTaskRun('ExportApp', { exitCode: 3, stdout: '', stderr: 'Unhandled Exception: System.IO.IOException\r\n   at X\r\n' }));
  t.is((error as { code?: string }).code, 'E_BTSTASK_FAILED');
  const details = (error as { details?: Record<string, unknown> }).details ?? {};
  t.is(details['exitCode'], 3);
  t.deepEqual(details['errors'], ['Unhandled Exception: System.IO.IOException', 'at X']);
});

test('LF line ends and a BOM parse the same as CRLF', (t) => {
  const out = parseBtsTaskOutput(`\uFEFF${success.replace(/\r\n/g, '\n')}`);
  t.is(out.banner.length, 2);
  t.deepEqual(out.summary, { succeeded: true, errors: 0, warnings: 1 });
});
