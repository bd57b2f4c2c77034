// Set-BtsAppSecret and Get-BtsAppSecret against the real core and the embedded sample group: the secrets file is
// written from PowerShell, a restore reads it, and the password (a canary) shows up in no output stream, no process
// argv or environment besides the passphrase's, no request file and no file but the simulated target group (which
// plays the BizTalk database). The core is run through a recording wrapper that notes each node child's argv,
// environment and request file before handing over to dist/src/cli/main.js.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readSecretsFile } from '../../src/adapters/secrets/secrets-file.js';
import { PwshSession, coreCli, findPwsh, psQuote, type Captured } from '../support/pwsh.js';
import { filesUnder } from '../support/cli.js';

const pwsh = findPwsh();
let session: PwshSession;
let tmp: string;
let privateTemp: string;
let store: string;
let secretsFile: string;
let callLog: string;
let wrapper: string;
let target: string;

// The canary's ASCII stem is what the scans look for: it survives UTF-8, UTF-16 and JSON \u escaping of the rest.
const CANARY_STEM = 'Canary-5d1e9b7c';
const CANARY = `${CANARY_STEM}-S\u00fcd\u20ac-Zz!`;
const SFTP_VALUE = 'Sftp-Value-31f0aa';
const PASSPHRASE = 'restore drill passphrase';
const FTP_KEY = 'Zahlungsverkehr.Send.Bank.Ftp||password';
const SFTP_KEY = 'Billing.Send.Bank.Sftp||AdapterConfig/password';

/** Every captured stream and raw host output, for the final canary check. */
const seen: string[] = [];

interface Call {
  argv: string[];
  request: string | null;
  requestText: string | null;
  env: Record<string, string>;
}

test.before(async () => {
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh (installs PowerShell 7 into .tools/pwsh)');
  if (!existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli} (npm run build)`);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-ps-secrets-'));
  privateTemp = path.join(tmp, 'temp');
  await mkdir(privateTemp);
  store = path.join(tmp, 'store');
  secretsFile = path.join(tmp, 'secrets.bin');
  callLog = path.join(tmp, 'calls.ndjson');
  wrapper = path.join(tmp, 'recording-core.mjs');
  target = path.join(tmp, 'target-group.json');
  writeFileSync(
    wrapper,
    [
      "import { appendFileSync, existsSync, readFileSync } from 'node:fs';",
      "import { pathToFileURL } from 'node:url';",
      'const args = process.argv.slice(2);',
      "const at = args.indexOf('--request');",
      'const request = at >= 0 ? args[at + 1] : null;',
      "const requestText = request !== null && existsSync(request) ? readFileSync(request, 'utf8') : null;",
      `appendFileSync(${JSON.stringify(callLog)}, JSON.stringify({ argv: process.argv, request, requestText, env: process.env }) + '\\n');`,
      `await import(pathToFileURL(${JSON.stringify(coreCli)}).href);`,
    ].join('\n'),
  );
  session = await PwshSession.start(pwsh);
  // Request files go to the private temp folder (GetTempPath reads TMPDIR), so the scan sees them if any is left.
  await session.run(`$env:TMPDIR = ${psQuote(privateTemp)}; $env:TEMP = ${psQuote(privateTemp)}; $env:TMP = ${psQuote(privateTemp)}; Remove-Item Env:BIZTALKBACKUP_SECRETS_PASSPHRASE -ErrorAction SilentlyContinue`);
  const exported = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -WarningAction SilentlyContinue`);
  if (exported.Errors.length > 0 || exported.Terminating !== null) throw new Error(`export failed: ${JSON.stringify(exported)}`);
});

test.after.always(async () => {
  if (session !== undefined) await session.dispose();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const recording = (): string => `& (Get-Module BizTalkBackup) { $script:CoreScript = $args[0] } ${psQuote(wrapper)}`;
const passphrase = (text = PASSPHRASE): string => `(ConvertTo-SecureString ${psQuote(text)} -AsPlainText -Force)`;
/** A SecureString built inside pwsh from the canary's code points, so the script text itself stays ASCII. */
const secure = (value: string): string =>
  `(ConvertTo-SecureString -AsPlainText -Force -String (-join (@(${[...value].map((c) => c.codePointAt(0)).join(',')}) | ForEach-Object { [char]$_ })))`;

async function capture(script: string): Promise<Captured> {
  const r = await session.capture(script, recording());
  seen.push(JSON.stringify(r));
  return r;
}

async function run(script: string): Promise<string> {
  const raw = await session.run(`${recording()}\n${script}`);
  seen.push(raw);
  return raw;
}

function calls(): Call[] {
  if (!existsSync(callLog)) return [];
  return readFileSync(callLog, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Call);
}

const idOf = (id: string | undefined): string | undefined => id?.split(',')[0];
const locations = (r: Captured): Record<string, unknown>[] => r.Output.filter((o) => o.TypeNames[0] === 'BizTalkBackup.SecretLocation').map((o) => o.Properties);
/** Invoke-BtsCore's request files: btsbackup-<guid>.json in the temp folder (the simulator keeps its GAC there too). */
const requestFilesIn = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => /^btsbackup-[0-9a-f]{32}\.json$/.test(n));
const byKey = (r: Captured): Map<unknown, unknown> => new Map(locations(r).map((l) => [l['Key'], l['HasValue']]));

test.serial('Set-BtsAppSecret -WhatIf says what it would set, writes no file and starts no node', async (t) => {
  const before = calls().length;
  const raw = await run(`Set-BtsAppSecret -Path ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} -Values @{ ${psQuote(FTP_KEY)} = ${secure(CANARY)} } -WhatIf`);
  t.regex(raw, /What if: Performing the operation "Set 1 secret\(s\)[^"]*Zahlungsverkehr\.Send\.Bank\.Ftp\|\|password" on target "[^"]*secrets\.bin"/);
  t.false(existsSync(secretsFile));
  t.is(calls().length, before);
  const single = await run(`Set-BtsAppSecret -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} -Port 'P' -Field 'password' -Value ${secure(CANARY)} -WhatIf`);
  t.regex(single, /What if: Performing the operation "Set the secret of send port "P" \(password\)"/);
  t.false(existsSync(secretsFile));
  t.is(calls().length, before);
});

test.serial('Get-BtsAppSecret -Path before any value: both masked passwords of the set, HasValue false, with their keys', async (t) => {
  const r = await capture(`Get-BtsAppSecret -Path ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()}`);
  t.deepEqual(r.Errors, []);
  t.is(r.Terminating, null);
  t.deepEqual(byKey(r), new Map([[SFTP_KEY, false], [FTP_KEY, false]]));
  const ftp = locations(r).find((l) => l['Key'] === FTP_KEY);
  t.like(ftp, { Application: 'Zahlungsverkehr S\u00fcd', Port: 'Zahlungsverkehr.Send.Bank.Ftp', Location: null, Field: 'password', Store: store, SecretsFile: secretsFile });
  t.false(existsSync(secretsFile), 'listing creates no file');
});

test.serial('a plain string or an unknown key is refused and nothing is written', async (t) => {
  const plain = await capture(`Set-BtsAppSecret -Path ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} -Values @{ ${psQuote(FTP_KEY)} = 'clear text' }`);
  t.is(idOf(plain.Errors[0]?.Id), 'BizTalkBackup.E_USAGE');
  t.is(plain.Errors[0]?.Target, FTP_KEY);
  t.deepEqual(plain.Output, []);
  const unknown = await capture(`Set-BtsAppSecret -Path ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} -Values @{ 'No.Such.Port||password' = ${secure(CANARY)} }`);
  t.is(idOf(unknown.Errors[0]?.Id), 'BizTalkBackup.E_USAGE');
  t.false(existsSync(secretsFile));
});

test.serial('Set-BtsAppSecret -Path -Values: both values reach the file through stdin; the request file and argv never hold them', async (t) => {
  const before = calls().length;
  const r = await capture(
    `Set-BtsAppSecret -Path ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} -Values @{ ${psQuote(FTP_KEY)} = ${secure(CANARY)}; ${psQuote(SFTP_KEY)} = ${secure(SFTP_VALUE)} } -Verbose`,
  );
  t.deepEqual(r.Errors, []);
  t.is(r.Terminating, null);
  t.deepEqual(byKey(r), new Map([[SFTP_KEY, true], [FTP_KEY, true]]));
  t.true(r.Output.every((o) => o.TypeNames[0] === 'BizTalkBackup.SecretLocation' && !('Value' in o.Properties)));
  t.true(r.Verbose.some((v) => v.includes('secrets set --request') && v.includes('(values on standard input)')));

  const made = calls().slice(before);
  t.is(made.length, 1);
  const [call] = made;
  t.deepEqual(call?.argv.slice(2), ['secrets', 'set', '--request', call?.request, '--json', '--stdin-channel', 'input-then-stop']);
  t.deepEqual(JSON.parse(call?.requestText ?? '{}'), { secretsFile, store });
  t.is(call?.env['BIZTALKBACKUP_SECRETS_PASSPHRASE'], PASSPHRASE, 'the passphrase travels in the environment');
  t.false(existsSync(call?.request ?? ''), 'the request file is deleted');
  t.true(call?.request?.startsWith(privateTemp + path.sep), 'the request file was written to the temp folder the scan checks');
  t.deepEqual(await requestFilesIn(privateTemp), []);

  // The file decrypts to exactly the values given: no newline added, non-ASCII intact.
  const entries = await readSecretsFile(secretsFile, PASSPHRASE);
  const values = new Map(entries.map((e) => [`${e.port}|${e.location ?? ''}|${e.field}`, e.value]));
  t.is(values.get(FTP_KEY), CANARY);
  t.is(values.get(SFTP_KEY), SFTP_VALUE);
});

test.serial('Set-BtsAppSecret -Port -Field -Credential adds one entry (the user name is not stored); piped objects work with -Path', async (t) => {
  const r = await capture(
    `$credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList 'svc-user', ${secure(`${CANARY}-rl`)}
     Set-BtsAppSecret -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} -Application 'Contoso.Orders' -Port 'Orders.Receive' -Location 'Orders.Receive.Sftp' -Field 'AdapterConfig/password' -Credential $credential`,
  );
  t.deepEqual(r.Errors, []);
  t.deepEqual(locations(r).map((l) => [l['Application'], l['Port'], l['Location'], l['Field'], l['HasValue'], l['Key']]), [
    ['Contoso.Orders', 'Orders.Receive', 'Orders.Receive.Sftp', 'AdapterConfig/password', true, 'Orders.Receive|Orders.Receive.Sftp|AdapterConfig/password'],
  ]);
  const piped = await capture(
    `[pscustomobject]@{ Port = 'Billing.Send.Bank.Sftp'; Location = $null; Field = 'AdapterConfig/password'; Value = ${secure(SFTP_VALUE)} } |
       Set-BtsAppSecret -Path ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} -Name 'Contoso.*'`,
  );
  t.deepEqual(piped.Errors, []);
  t.deepEqual(byKey(piped), new Map([[SFTP_KEY, true]]), '-Name limits the set to Contoso.Billing');
  const entries = await readSecretsFile(secretsFile, PASSPHRASE);
  const receive = entries.find((e) => e.location === 'Orders.Receive.Sftp');
  t.deepEqual(receive, { application: 'Contoso.Orders', port: 'Orders.Receive', location: 'Orders.Receive.Sftp', field: 'AdapterConfig/password', value: `${CANARY}-rl` });
  t.false(JSON.stringify(entries).includes('svc-user'));
  t.true(entries.some((e) => e.value === CANARY), 'the earlier entries are kept');
});

test.serial('Get-BtsAppSecret shows both set; -Missing shows none; without -Path it lists the file; the default table is short', async (t) => {
  const r = await capture(`Get-BtsAppBackup -Path ${psQuote(store)} | Get-BtsAppSecret -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()}`);
  t.deepEqual(r.Errors, []);
  t.deepEqual(byKey(r), new Map([[SFTP_KEY, true], [FTP_KEY, true]]));
  const missing = await capture(`Get-BtsAppSecret -Path ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} -Missing`);
  t.deepEqual(missing.Errors, []);
  t.deepEqual(missing.Output, []);
  const file = await capture(`Get-BtsAppSecret -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()}`);
  t.deepEqual(
    locations(file).map((l) => `${String(l['Application'])}/${String(l['Key'])}`).sort(),
    [`Contoso.Billing/${SFTP_KEY}`, 'Contoso.Orders/Orders.Receive|Orders.Receive.Sftp|AdapterConfig/password', `Zahlungsverkehr S\u00fcd/${FTP_KEY}`],
    'the piped SFTP value replaced the one set for Contoso.Billing',
  );
  t.true(locations(file).every((l) => l['HasValue'] === true));
  const text = await run(`Get-BtsAppSecret -Path ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} | Out-String -Width 200`);
  t.regex(text, /Application\s+Port\s+Location\s+Field\s+HasValue/);
  t.regex(text, /Contoso\.Billing\s+Billing\.Send\.Bank\.Sftp\s+AdapterConfig\/password\s+True/);
  t.notRegex(text, /SecretsFile|Key/);
});

test.serial('a wrong passphrase is BizTalkBackup.E_SECRETS_LOCKED and leaves the file as it was', async (t) => {
  const before = await readFile(secretsFile);
  const listed = await capture(`Get-BtsAppSecret -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase('not the passphrase')}`);
  t.deepEqual(listed.Output, []);
  t.is(idOf(listed.Errors[0]?.Id), 'BizTalkBackup.E_SECRETS_LOCKED');
  t.is(listed.Errors[0]?.Command, 'Get-BtsAppSecret');
  const set = await capture(`Set-BtsAppSecret -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase('not the passphrase')} -Port 'P' -Field 'password' -Value ${secure(CANARY)} -EnableException`);
  t.is(idOf(set.Terminating?.Id), 'BizTalkBackup.E_SECRETS_LOCKED');
  t.deepEqual(await readFile(secretsFile), before);
});

/** The sample group's state file without its applications: a fresh group to restore into. */
function emptyGroup(file: string): void {
  const init = spawnSync(process.execPath, [coreCli, 'simulator-init', '--state', file], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const group = JSON.parse(readFileSync(file, 'utf8')) as { applications: { isSystem: boolean; isDefault: boolean }[] };
  group.applications = group.applications.filter((a) => a.isSystem || a.isDefault);
  writeFileSync(file, JSON.stringify(group));
}

test.serial('Import-BtsAppBackup with the secrets file written from PowerShell restores every application, passwords included', async (t) => {
  // Without the secrets the two applications with masked passwords are refused: the check below can fail.
  const control = path.join(tmp, 'control-group.json');
  emptyGroup(control);
  const refused = await capture(`Import-BtsAppBackup -Path ${psQuote(store)} -SimulatorState ${psQuote(control)} -Force`);
  t.true(refused.Errors.length > 0);
  t.true(refused.Output.some((o) => o.Properties['Status'] !== 'Imported'));

  emptyGroup(target);
  const r = await capture(`Import-BtsAppBackup -Path ${psQuote(store)} -SimulatorState ${psQuote(target)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${passphrase()} -Force`);
  t.deepEqual(r.Errors, []);
  t.is(r.Terminating, null);
  const statuses = r.Output.filter((o) => o.TypeNames[0] === 'BizTalkBackup.RestoreApplication').map((o) => [o.Properties['Application'], o.Properties['Status']]);
  t.is(statuses.length, 5);
  t.true(statuses.every(([, status]) => status === 'Imported'), JSON.stringify(statuses));
  t.false(r.Warnings.some((w) => /secret|\*{6}/i.test(w)), JSON.stringify(r.Warnings));
  const group = JSON.stringify(JSON.parse(await readFile(target, 'utf8')));
  t.true(group.includes(CANARY), 'the password reached the restored bindings');
  t.true(group.includes(SFTP_VALUE));
});

test.serial('the canary is in no output stream, no argv or environment, no request file and no file but the restored group', async (t) => {
  t.true(seen.length >= 10);
  for (const text of seen) t.false(text.includes(CANARY_STEM), text.slice(0, 200));
  const made = calls();
  t.true(made.filter((c) => c.argv.includes('secrets')).length >= 6);
  for (const call of made) {
    t.false(JSON.stringify(call).includes(CANARY_STEM), `node ${call.argv.slice(2).join(' ')}`);
    t.false(existsSync(call.request ?? ''), 'every request file is deleted');
  }
  const files = await filesUnder(tmp);
  t.true(files.includes(secretsFile));
  t.true(files.includes(callLog));
  t.deepEqual(await requestFilesIn(privateTemp), [], 'no request file left in the temp folder');
  for (const file of files.filter((f) => f !== target)) {
    const bytes = await readFile(file);
    t.false(bytes.includes(Buffer.from(CANARY_STEM, 'utf8')), file);
    t.false(bytes.includes(Buffer.from(CANARY_STEM, 'utf16le')), file);
  }
});
