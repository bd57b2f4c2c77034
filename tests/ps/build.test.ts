// build.ps1 under the repository's pwsh: assembles a module folder that imports in a fresh pwsh and backs up the
// sample group, and packs the .nupkg that Publish-Module/Install-Module use. Uses the dist/ already compiled
// (-SkipCompile): compiling is `npm run build`, which the test command has just run.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { coreCli, findPwsh, psQuote, repoRoot } from '../support/pwsh.js';

const run = promisify(execFile);
const pwsh = findPwsh();

test('build.ps1 assembles out/BizTalkBackup/, smoke-tests it in a fresh pwsh, and packs the .nupkg', async (t) => {
  t.timeout(400_000);
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh');
  if (!existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli}`);
  const out = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-ps-build-'));
  try {
    const build = await run(pwsh, ['-NoProfile', '-NonInteractive', '-File', path.join(repoRoot, 'build.ps1'), '-SkipCompile', '-Package', '-OutputPath', out], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 380_000,
      env: { ...process.env, POWERSHELL_TELEMETRY_OPTOUT: '1', NO_COLOR: '1' },
    });
    const commands = (await readdir(path.join(repoRoot, 'ps', 'Public'))).filter((f) => f.endsWith('.ps1')).length;
    t.regex(build.stdout, new RegExp(`smoke test passed in PowerShell 7\\.\\d+\\.\\d+: ${commands} commands; 5 applications exported`));
    t.regex(build.stdout, new RegExp(`package installs and imports: ${commands} commands`));
    // ExplorerOM's bridge source and the 32-bit helper script travel with the compiled adapter
    for (const asset of ['ExplorerOmBridge.cs', 'explorerom-x86.ps1']) t.true(existsSync(path.join(out, 'BizTalkBackup', 'dist', 'src', 'adapters', 'explorerom', asset)), asset);

    const moduleFolder = path.join(out, 'BizTalkBackup');
    for (const file of ['BizTalkBackup.psd1', 'BizTalkBackup.psm1', 'BizTalkBackup.Format.ps1xml', 'en-US/about_BizTalkBackup.help.txt', 'package.json', 'dist/src/cli/main.js', 'node_modules/yargs/package.json']) {
      t.true(existsSync(path.join(moduleFolder, file)), file);
    }
    t.deepEqual((await readdir(path.join(moduleFolder, 'ps', 'Public'))).sort(), (await readdir(path.join(repoRoot, 'ps', 'Public'))).sort());
    t.deepEqual(await readdir(path.join(moduleFolder, 'dist')), ['src'], 'no compiled tests or benchmarks');
    for (const devOnly of ['typescript', 'ava', '@types']) t.false(existsSync(path.join(moduleFolder, 'node_modules', devOnly)), `${devOnly} is not shipped`);
    t.true((await readdir(out)).includes('BizTalkBackup.0.1.0.nupkg'));

    // Independently of build.ps1's own smoke test: a fresh pwsh imports the folder and backs up the sample group.
    const store = path.join(out, 'store');
    const script = [
      "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'",
      `Import-Module ${psQuote(path.join(moduleFolder, 'BizTalkBackup.psd1'))}`,
      `$r = @(Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -EnableException -WarningAction SilentlyContinue)`,
      "'{0}|{1}|{2}' -f (Get-Module BizTalkBackup).ModuleBase, @($r | Where-Object BackupStatus -EQ 'Exported').Count, @($r | Where-Object { $_.PSObject.TypeNames[0] -eq 'BizTalkBackup.BackupSet' }).Count",
    ].join('\n');
    const fresh = await run(pwsh, ['-NoProfile', '-NonInteractive', '-Command', script], { timeout: 120_000 });
    t.is(fresh.stdout.trim(), `${moduleFolder}|5|1`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
