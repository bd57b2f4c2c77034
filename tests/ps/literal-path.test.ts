// -LiteralPath beside -Path (issue 17, PowerShell convention) on the cmdlets the first pass left out:
// Get-BtsAppArtifact (-Path resolves wildcards to every matching file, -LiteralPath is taken as typed, piped files
// bind by PSPath as with Get-Content) and Get/Set-BtsAppSecret (the store -Path/-LiteralPath pair; -SecretsFile is
// always taken as typed, so a pattern never picks another file to write passwords into).
// Several checks share one pwsh session per test: pwsh is slow on a loaded machine.
import test from 'ava';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PwshSession, coreCli, findPwsh, psQuote, } from '../support/pwsh.js';

const pwsh = findPwsh();
let session: PwshSession;
let tmp: string;
let store: string;

const PASSPHRASE = 'literal path passphrase';
const FTP_KEY = 'Zahlungsverkehr.Send.Bank.Ftp||password';
const SFTP_KEY = 'Billing.Send.Bank.Sftp||AdapterConfig/password';

test.before(async () => {
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh (installs PowerShell 7 into .tools/pwsh)');
  if (!existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli} (npm run build)`);
  session = await PwshSession.start(pwsh);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-ps-literal-'));
  store = path.join(tmp, 'store[prod]');
  const exported = await session.capture(`Export-BtsAppBackup -Simulator -LiteralPath ${psQuote(store)} -WarningAction SilentlyContinue`);
  if (exported.Errors.length > 0 || exported.Terminating !== null) throw new Error(`export failed: ${JSON.stringify(exported)}`);
});

test.after.always(async () => {
  if (session !== undefined) await session.dispose();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const idOf = (id: string | undefined): string | undefined => id?.split(',')[0];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test.serial('Get-BtsAppArtifact: -Path reads every file a wildcard matches, -LiteralPath takes [ ] and * as typed, Get-ChildItem *.msi pipes by PSPath', async (t) => {
  // The largest object of the store is an application MSI (as tests/ps/cmdlets.test.ts relies on).
  const msi = filesUnder(path.join(store, 'objects')).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (msi === undefined) throw new Error('the store holds no object');
  const dir = path.join(tmp, 'msis');
  mkdirSync(dir);
  for (const name of ['Orders[1].msi', 'Orders2.msi', 'Shared.msi']) copyFileSync(msi, path.join(dir, name));
  writeFileSync(path.join(dir, 'readme.txt'), 'not an MSI');

  const r = await session.capture(
    `Set-Location -LiteralPath ${psQuote(dir)}
     $byWildcard = @(Get-BtsAppArtifact -Path ${psQuote(path.join(dir, '*.msi'))}).Count
     $relativeWildcard = @(Get-BtsAppArtifact 'Orders?.msi').Count
     $bracketed = @(Get-BtsAppArtifact -LiteralPath ${psQuote(path.join(dir, 'Orders[1].msi'))}).Count
     $piped = @(Get-ChildItem *.msi | Get-BtsAppArtifact).Count
     [pscustomobject]@{ byWildcard = $byWildcard; relativeWildcard = $relativeWildcard; bracketed = $bracketed; piped = $piped }
     Get-BtsAppArtifact -LiteralPath ${psQuote(path.join(dir, '*.msi'))}`,
  );
  const counts = r.Output[0]?.Properties;
  t.is(counts?.byWildcard, 3, '-Path *.msi: each of the three MSIs is read');
  t.is(counts?.relativeWildcard, 1, "'Orders?.msi' matches Orders2.msi only, relative to the current location");
  t.is(counts?.bracketed, 1, '-LiteralPath reads the file whose name holds [ ]');
  t.is(counts?.piped, 3, 'Get-ChildItem *.msi | Get-BtsAppArtifact reads each piped file');
  t.is(r.Output.length, 1, 'the counts, and no result for the -LiteralPath that matches nothing');
  t.is(r.Errors.length, 1, 'no binding or read error but the last: -LiteralPath *.msi names one file that does not exist');
  t.not(idOf(r.Errors[0]?.Id), undefined);
});

test.serial('Get/Set-BtsAppSecret: -LiteralPath takes a store holding [ ] as typed, -Path resolves its wildcard, -SecretsFile is never a pattern', async (t) => {
  const secretsFile = path.join(tmp, 'secrets[12].bin');
  // Before -SecretsFile was taken as typed, 'secrets[12].bin' (not there yet) resolved to this unrelated file.
  const decoy = path.join(tmp, 'secrets1.bin');
  writeFileSync(decoy, 'someone else\'s file');
  const pass = `(ConvertTo-SecureString ${psQuote(PASSPHRASE)} -AsPlainText -Force)`;
  const value = "(ConvertTo-SecureString 'Ftp-Value-8c2e' -AsPlainText -Force)";

  const set = await session.capture(`Set-BtsAppSecret -LiteralPath ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${pass} -Values @{ ${psQuote(FTP_KEY)} = ${value} } -Confirm:$false`);
  t.deepEqual(set.Errors, []);
  t.is(set.Terminating, null);
  t.true(existsSync(secretsFile), 'the secrets file is created under the name as typed');
  t.is(readFileSync(decoy, 'utf8'), 'someone else\'s file', 'the file a wildcard would have matched is untouched');

  const listed = await session.capture(
    `Get-BtsAppSecret -LiteralPath ${psQuote(store)} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${pass} -Missing
     Get-BtsAppSecret -Path ${psQuote(path.join(tmp, 'store?prod*'))} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${pass}`,
  );
  t.deepEqual(listed.Errors, []);
  const rows = listed.Output.map((o) => o.Properties);
  t.deepEqual(rows.map((l) => [l['Key'], l['HasValue']]), [[SFTP_KEY, false], [SFTP_KEY, false], [FTP_KEY, true]], '-Missing, then the whole set');
  t.true(rows.every((l) => l['Store'] === store && l['SecretsFile'] === secretsFile), 'both forms name the one store and the file as typed');

  mkdirSync(path.join(tmp, 'store-prod2'));
  const ambiguous = await session.capture(`Set-BtsAppSecret -Path ${psQuote(path.join(tmp, 'store?prod*'))} -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase ${pass} -Values @{ ${psQuote(SFTP_KEY)} = ${value} } -Confirm:$false`);
  t.is(idOf((ambiguous.Terminating ?? ambiguous.Errors[0])?.Id), 'BizTalkBackup.E_PATH_AMBIGUOUS');
});
