import { readFile } from 'node:fs/promises';
import test from 'ava';
import { checkBtsTaskRun, FAILURE_TEXT_LIMIT, maskSecretsInText, parseBtsTaskOutput } from '../../../src/adapters/btstask/btstask-output.js';
import { decodeConsoleText } from '../../../src/adapters/btstask/console-text.js';
import { isBtsBackupError } from '../../../src/errors/index.js';

const fixtureBytes = (name: string): Promise<Buffer> => readFile(new URL(`../../../../tests/fixtures/btstask-output/${name}`, import.meta.url));
const fixture = async (name: string): Promise<string> => (await fixtureBytes(name)).toString('utf8');
/** The German samples are stored as a German server writes them: code page 850. */
const fixture850 = async (name: string): Promise<string> => decodeConsoleText(await fixtureBytes(name), 850);
const code = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;
const details = (error: unknown): Record<string, unknown> => (error as { details?: Record<string, unknown> }).details ?? {};

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
  for (const [name, expected] of [
    ['failed-update-binding-information.txt', 'E_BTSTASK_FAILED'],
    ['failed-validate-database.txt', 'E_BTSTASK_DATABASE'],
  ] as const) {
    const stdout = await fixture(name);
    const error = t.throws(() => checkBtsTaskRun('ImportBindings', { exitCode: 1, stdout, stderr: '' }));
    t.is(code(error), expected, name);
    t.deepEqual(details(error)['errors'], [stdout.trim().replace(/^Error: /, '')], name);
  }
});

test('recorded: the output of a hung BTSTask has no summary: exit 0 is still success, a failure keeps its line (BTDF #460)', async (t) => {
  const stdout = await fixture('hang-importing-bindings.txt');
  const out = parseBtsTaskOutput(stdout);
  t.is(out.information.length, 1);
  t.is(out.summary, undefined);
  t.notThrows(() => checkBtsTaskRun('ImportBindings', { exitCode: 0, stdout, stderr: '' }));
  const error = t.throws(() => checkBtsTaskRun('ImportBindings', { exitCode: 1, stdout, stderr: '' }));
  t.is(code(error), 'E_BTSTASK_FAILED');
  t.is(details(error)['stdout'], stdout);
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

// The exit code decides, in every language: output without a summary (or one we cannot read) is accepted with 0.
const tolerated: [string, string][] = [
  ['no summary at all', success.split('\r\n').slice(0, 5).join('\r\n')],
  ['empty output', ''],
  ['a summary in a language the parser does not know', success.replace('Command succeeded with 0 errors, 1 warnings.', 'La commande a réussi avec 0 erreurs et 1 avertissements.')],
];
test('constructed: a successful run whose output has no summary line is success (exit code 0)', async (t) => {
  const out = checkBtsTaskRun('ExportApp', { exitCode: 0, stdout: await fixture('constructed-no-summary-success.txt'), stderr: '' });
  t.is(out.summary, undefined);
  t.is(out.information.length, 2);
});

for (const [title, stdout] of tolerated) {
  test(`exit 0 with ${title} -> success`, (t) => {
    t.notThrows(() => checkBtsTaskRun('ExportApp', { exitCode: 0, stdout, stderr: '' }));
  });
}

const inconsistent: [string, string][] = [
  ['the summary says failed', success.replace('Command succeeded with 0 errors, 1 warnings.', 'Command failed with 2 errors, 1 warnings.')],
  ['an Error: line', success.replace('Information: Done.', 'Error: Something broke.')],
  ['the German summary says failed', success.replace('Command succeeded with 0 errors, 1 warnings.', 'Der Befehl ist mit 1 Fehlern und 0 Warnungen fehlgeschlagen.')],
  ['a Fehler: line', success.replace('Information: Done.', 'Fehler: Etwas ist schiefgegangen.')],
];
for (const [title, stdout] of inconsistent) {
  test(`exit 0 but ${title} -> E_BTSTASK_OUTPUT`, (t) => {
    const error = t.throws(() => checkBtsTaskRun('ExportApp', { exitCode: 0, stdout, stderr: '' }));
    t.is(code(error), 'E_BTSTASK_OUTPUT');
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

test('constructed: detail lines stay with their error across blank lines; an unindented line after a blank is text again', async (t) => {
  const out = parseBtsTaskOutput(await fixture('constructed-add-resources-cab-locked.txt'));
  t.is(out.errors.length, 1);
  const lines = out.errors[0]?.split('\n') ?? [];
  t.is(lines.length, 3);
  t.is(lines[0], 'Failed to add resource(s).');
  t.regex(lines[1] ?? '', /already in store\.$/);
  t.regex(lines[2] ?? '', /\\BT\\PID12132\\x\.cab' because it is being used by another process\.$/);
  t.deepEqual(out.summary, { succeeded: false, errors: 1, warnings: 0 });
  const mixed = parseBtsTaskOutput('Error: First.\r\n\r\n  detail\r\n\r\nListing line\r\n  indented after text\r\n');
  t.deepEqual(mixed.errors, ['First.\ndetail']);
  t.deepEqual(mixed.text, ['Listing line', 'indented after text']);
});

const causes: [string, string, boolean][] = [
  ['constructed-add-resources-cab-locked.txt', 'E_BTSTASK_FILE_LOCKED', true],
  ['failed-temp-cab-in-use.txt', 'E_BTSTASK_FILE_LOCKED', true],
  ['constructed-access-denied.txt', 'E_BTSTASK_ACCESS_DENIED', true],
  ['constructed-validate-database.txt', 'E_BTSTASK_DATABASE', false],
  ['failed-validate-database.txt', 'E_BTSTASK_DATABASE', false],
  ['constructed-export-temp-space.txt', 'E_BTSTASK_TEMP_PATH', false],
  ['failed-resource-already-in-store.txt', 'E_BTSTASK_FAILED', false],
];
for (const [name, expected, transient] of causes) {
  test(`known cause: ${name} -> ${expected}${transient ? ' (transient)' : ''}, with a hint and the whole text`, async (t) => {
    const stdout = await fixture(name);
    const error = t.throws(() => checkBtsTaskRun('ExportApp', { exitCode: 1, stdout, stderr: '' }, { target: 'Contoso.Orders', tempPath: 'C:\\Documents and Settings\\svc bts\\Temp' }));
    t.is(code(error), expected);
    t.is(details(error)['transient'] === true, transient);
    t.is(details(error)['stdout'], stdout);
    t.is((error as { target?: string }).target, 'Contoso.Orders');
    t.truthy((error as { hint?: string }).hint);
    if (expected === 'E_BTSTASK_TEMP_PATH') t.true((error as { hint?: string }).hint?.includes('svc bts'));
  });
}

test('German (code page 850): a localised success summary passes, Warnung: lines are warnings, umlauts intact', async (t) => {
  const stdout = await fixture850('de-success-cp850.txt');
  const out = checkBtsTaskRun('ExportApp', { exitCode: 0, stdout, stderr: '' });
  t.deepEqual(out.summary, { succeeded: true, errors: 0, warnings: 1 });
  t.deepEqual(out.warnings, ['Globale Parteien wurden nicht exportiert.']);
  t.true(out.information[0]?.includes('"Zahlungsverkehr Süd"'));
  t.is(out.banner.length, 2);
});

test('German (code page 850): localised failures keep their text and are classified (locked CAB, access denied)', async (t) => {
  for (const [name, expected] of [
    ['de-cab-locked-cp850.txt', 'E_BTSTASK_FILE_LOCKED'],
    ['de-access-denied-cp850.txt', 'E_BTSTASK_ACCESS_DENIED'],
  ] as const) {
    const stdout = await fixture850(name);
    const error = t.throws(() => checkBtsTaskRun('ImportApp', { exitCode: 1, stdout, stderr: '' }));
    t.is(code(error), expected, name);
    const errors = details(error)['errors'] as string[];
    t.is(errors.length, 1);
    t.is(errors[0]?.split('\n')[0], 'Fehler beim Hinzufügen der Ressource(n).');
    t.is(errors[0]?.split('\n').length, 2);
    t.deepEqual(details(error)['summary'], { succeeded: false, errors: 1, warnings: 0 });
    t.true((error as Error).message.includes('Fehler beim Hinzufügen'));
  }
});

test('a failure in a language the parser does not know keeps its whole text: the lines become the errors', (t) => {
  const stdout = 'Erreur : Impossible d\'exporter l\'application « Süd ».\r\nLa commande a échoué avec 1 erreurs et 0 avertissements.\r\n';
  const error = t.throws(() => checkBtsTaskRun('ExportApp', { exitCode: 1, stdout, stderr: '' }));
  t.is(code(error), 'E_BTSTASK_FAILED');
  t.is(details(error)['stdout'], stdout);
  t.deepEqual(details(error)['errors'], ["Erreur : Impossible d'exporter l'application « Süd ».", 'La commande a échoué avec 1 erreurs et 0 avertissements.']);
});

test('failure details are bounded (head and tail of huge output) and never carry a password', (t) => {
  const huge = `Error: Failed to update binding information.\r\n${'x'.repeat(200_000)}\r\nAddress ftp://bank:Geheim123@ftp.example.com/in; Password=Geheim123;\r\nCommand failed with 1 errors, 0 warnings.\r\n`;
  const error = t.throws(() => checkBtsTaskRun('ImportBindings', { exitCode: 1, stdout: huge, stderr: '', stdoutOmittedBytes: 5_000_000 }));
  const kept = details(error)['stdout'] as string;
  t.true(kept.length < FAILURE_TEXT_LIMIT + 200);
  t.true(kept.startsWith('Error: Failed to update binding information.'));
  t.true(kept.includes('Command failed with 1 errors, 0 warnings.'));
  t.false(JSON.stringify((error as unknown as { toJSON(): unknown }).toJSON()).includes('Geheim123'));
  t.is(details(error)['stdoutOmittedBytes'], 5_000_000);
  t.is(maskSecretsInText('sftp://u:p@h/x pwd = "a b"; AccountKey=abc=='), 'sftp://u:******@h/x pwd = ******; AccountKey=******');
});

test('a BTSTask ended by a signal is E_BTSTASK_STOPPED, not a BTSTask error', (t) => {
  const error = t.throws(() => checkBtsTaskRun('ExportApp', { exitCode: 128, stdout: '', stderr: '', signal: 'SIGINT' }));
  t.is(code(error), 'E_BTSTASK_STOPPED');
});

test('a megabyte of hostile text (one long line of letters, repeated markers) is parsed, classified and masked in linear time', (t) => {
  const long = `Error: Access to the path ${'Access to the path '.repeat(30_000)}${'x'.repeat(500_000)}\r\nDer Befehl ${'1 Fehler '.repeat(20_000)}\r\n`;
  const started = Date.now();
  const error = t.throws(() => checkBtsTaskRun('ExportApp', { exitCode: 1, stdout: long, stderr: `http${'s'.repeat(200_000)}` }));
  t.truthy(code(error));
  t.is(maskSecretsInText('y'.repeat(300_000)).length, 300_000);
  t.true(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
});
