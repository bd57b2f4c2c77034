// build.ps1 under the repository's pwsh: assembles a module folder (the core bundled into core/) that imports in a
// fresh pwsh and backs up the sample group. Uses the dist/ already compiled (-SkipCompile): compiling is
// `npm run build`, which the test command has just run. The package (-Package) is tests/ps/install.test.ts's.
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

test('build.ps1 assembles out/BizTalkBackup/ with the bundled core and smoke-tests it in a fresh pwsh', async (t) => {
  t.timeout(400_000);
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh');
  if (!existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli}`);
  const out = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-ps-build-'));
  try {
    const build = await run(pwsh, ['-NoProfile', '-NonInteractive', '-File', path.join(repoRoot, 'build.ps1'), '-SkipCompile', '-OutputPath', out], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 380_000,
      env: { ...process.env, POWERSHELL_TELEMETRY_OPTOUT: '1', NO_COLOR: '1' },
    });
    const commands = (await readdir(path.join(repoRoot, 'ps', 'Public'))).filter((f) => f.endsWith('.ps1')).length;
    t.regex(build.stdout, new RegExp(`smoke test passed in PowerShell 7\\.\\d+\\.\\d+: ${commands} commands; 5 applications exported`));
    // ExplorerOM's bridge source and the 32-bit helper script travel beside the bundled core
    for (const asset of ['ExplorerOmBridge.cs', 'explorerom-x86.ps1']) t.true(existsSync(path.join(out, 'BizTalkBackup', 'core', asset)), asset);

    const moduleFolder = path.join(out, 'BizTalkBackup');
    for (const file of ['BizTalkBackup.psd1', 'BizTalkBackup.psm1', 'BizTalkBackup.Format.ps1xml', 'en-US/about_BizTalkBackup.help.txt', 'package.json', 'core/main.js', 'core/edge-probe-child.js']) {
      t.true(existsSync(path.join(moduleFolder, file)), file);
    }
    t.deepEqual((await readdir(path.join(moduleFolder, 'ps', 'Public'))).sort(), (await readdir(path.join(repoRoot, 'ps', 'Public'))).sort());
    t.deepEqual((await readdir(moduleFolder)).filter((f) => ['dist', 'node_modules', 'node', 'src', 'tests', 'bench'].includes(f)), [], 'no compiled tree, dependencies, sources or tests: the bundle replaces them; node only with -Package');
    t.deepEqual(await readdir(path.join(moduleFolder, 'core', 'node_modules')), ['edge-cs', 'edge-js'], 'edge-js (native, external to the bundle) and its C# compiler only');
    t.false((await readdir(out)).some((f) => f.endsWith('.nupkg')), 'no package without -Package');

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
    const core = await run(pwsh, ['-NoProfile', '-NonInteractive', '-Command', `Import-Module ${psQuote(path.join(moduleFolder, 'BizTalkBackup.psd1'))}; & (Get-Module BizTalkBackup) { $script:CoreScript }`], { timeout: 60_000 });
    t.is(core.stdout.trim(), path.join(moduleFolder, 'core', 'main.js'), 'the module runs the bundled core');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
