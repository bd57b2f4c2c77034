// The module as a user installs it (issue 12): build.ps1 -Package builds the .nupkg (bundled core, node.exe for
// Windows x64 and x86, edge-js's binaries for their ABI); a local folder registered as a PSResource repository;
// Install-PSResource into a fresh CurrentUser module path (a temporary HOME); then, in a fresh pwsh, Import-Module
// by name and Export-BtsAppBackup -Simulator, Get-BtsAppBackup, Test-BtsAppBackup -ReadData and
// Import-BtsAppBackup -Simulator -Drill. Off Windows the module runs node from PATH (the bundled ones are Windows
// binaries), so the test also checks that the installed package holds those binaries, for the right machine type.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parsePackagePins } from '../../src/core/package-plan.js';
import { PE_MACHINE, readPeHeader } from '../../src/formats/pe/pe-header.js';
import { coreCli, findPwsh, psQuote, repoRoot } from '../support/pwsh.js';

const run = promisify(execFile);
const pwsh = findPwsh();

test('build.ps1 -Package: the .nupkg installs with Install-PSResource from a local repository and backs up, verifies and drills in a fresh pwsh', async (t) => {
  t.timeout(600_000);
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh');
  if (!existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli}`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-ps-install-'));
  const home = path.join(tmp, 'home');
  const feed = path.join(tmp, 'feed');
  const store = path.join(tmp, 'store');
  // A fresh user: CurrentUser module path, PSResourceGet's repository list and caches all under a temporary HOME.
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', NO_COLOR: '1' };
  for (const name of ['PSModulePath', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'BTSBACKUP_NODE']) delete env[name];
  env['PATH'] = `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`;
  try {
    await mkdir(home, { recursive: true });
    await mkdir(feed, { recursive: true });
    const started = Date.now();
    const build = await run(pwsh, ['-NoProfile', '-NonInteractive', '-File', path.join(repoRoot, 'build.ps1'), '-SkipCompile', '-SkipSmokeTest', '-Package', '-OutputPath', path.join(tmp, 'out')], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 400_000,
      env,
    });
    t.log(`build.ps1 -Package: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const nupkg = path.join(tmp, 'out', 'BizTalkBackup.0.1.0.nupkg');
    t.regex(build.stdout, /package: \d+\.\d MB \(budget 120 MB\)/);
    const pins = parsePackagePins(JSON.parse(readFileSync(path.join(repoRoot, 'package-pins.json'), 'utf8')));
    const { size } = await stat(nupkg);
    t.true(size < pins.maxPackageBytes, `${size} bytes`);
    t.log(`package: ${(size / 1e6).toFixed(1)} MB`);
    await copyFile(nupkg, path.join(feed, path.basename(nupkg)));

    // 1st pwsh: register the folder as a repository and install from it.
    const install = [
      "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'",
      `Register-PSResourceRepository -Name BtsLocal -Uri ${psQuote(feed)} -Trusted`,
      'Install-PSResource -Name BizTalkBackup -Repository BtsLocal -Scope CurrentUser -TrustRepository -Quiet',
      "(Get-InstalledPSResource -Name BizTalkBackup -Scope CurrentUser).InstalledLocation",
    ].join('\n');
    const installed = await run(pwsh, ['-NoProfile', '-NonInteractive', '-Command', install], { env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
    t.true(installed.stdout.trim().startsWith(home), `installed under the fresh HOME: ${installed.stdout.trim()}`);

    // 2nd pwsh, fresh: import by name (found on the default CurrentUser module path) and use it as an administrator would.
    const use = [
      "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; $WarningPreference = 'SilentlyContinue'",
      'Import-Module BizTalkBackup',
      "$verbose = @(Get-BtsAppInventory -Simulator -Name 'Contoso.Orders' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message } | Where-Object { $_ -like 'Using node *' })",
      `$export = @(Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -EnableException)`,
      `$sets = @(Get-BtsAppBackup -Path ${psQuote(store)} -EnableException)`,
      `$verify = @(Test-BtsAppBackup -Path ${psQuote(store)} -ReadData -EnableException)`,
      `$drill = @(Import-BtsAppBackup -Path ${psQuote(store)} -Simulator -Drill -Force -EnableException)`,
      '$type = { param($o) $o.PSObject.TypeNames[0] }',
      '[pscustomobject]@{',
      '  ModuleBase = (Get-Module BizTalkBackup).ModuleBase',
      '  CoreScript = & (Get-Module BizTalkBackup) { $script:CoreScript }',
      '  NodeChoice = $verbose -join " | "',
      "  Exported = @($export | Where-Object { (& $type $_) -eq 'BizTalkBackup.BackupApplication' -and $_.BackupStatus -eq 'Exported' }).Count",
      '  Sets = $sets.Count',
      "  Verified = @($verify | Where-Object { $_.Status -eq 'Verified' -and $_.Level -eq 'read-data' }).Count",
      '  VerifyTotal = $verify.Count',
      "  Drilled = @($drill | Where-Object { (& $type $_) -eq 'BizTalkBackup.RestoreDrill' -and $_.Status -eq 'Verified' }).Count",
      "  DrillTotal = @($drill | Where-Object { (& $type $_) -eq 'BizTalkBackup.RestoreDrill' }).Count",
      '} | ConvertTo-Json -Compress',
    ].join('\n');
    const used = await run(pwsh, ['-NoProfile', '-NonInteractive', '-Command', use], { env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    const r = JSON.parse(used.stdout.trim().split('\n').pop() ?? '{}') as Record<string, string | number>;
    const moduleBase = String(r['ModuleBase']);
    t.true(moduleBase.startsWith(home), `imported from the installed copy: ${moduleBase}`);
    t.is(r['CoreScript'], path.join(moduleBase, 'core', 'main.js'), 'the bundled core runs');
    t.regex(String(r['NodeChoice']), /\(path: 'node' on PATH, as the bundled nodes are Windows binaries\)/);
    t.is(r['Exported'], 5);
    t.is(r['Sets'], 1);
    t.is(r['Verified'], 5);
    t.is(r['VerifyTotal'], 5);
    t.is(r['Drilled'], 5);
    t.is(r['DrillTotal'], 5);

    // What the package carries for Windows: node.exe of each architecture, pinned, and edge-js's ABI folders for it.
    const major = pins.node.version.split('.')[0]!;
    for (const [folder, machine] of [
      ['win-x64', PE_MACHINE.amd64],
      ['win-x86', PE_MACHINE.i386],
    ] as const) {
      const exe = readFileSync(path.join(moduleBase, 'node', folder, 'node.exe'));
      t.is(readPeHeader(new Uint8Array(exe.buffer, exe.byteOffset, exe.byteLength))?.machine, machine, `node/${folder}/node.exe`);
    }
    for (const arch of ['x64', 'ia32']) {
      const abi = path.join(moduleBase, 'core', 'node_modules', 'edge-js', 'lib', 'native', 'win32', arch);
      t.deepEqual((await readdir(abi)).filter((f) => !f.endsWith('.dll')), [major], `edge-js win32/${arch} holds the ABI folder for node ${major} only`);
      t.deepEqual((await readdir(path.join(abi, major))).sort(), ['edge_coreclr.node', 'edge_nativeclr.node', 'node.version']);
    }
    t.false(existsSync(path.join(moduleBase, 'dist')), 'no compiled tree');
    t.false((await readdir(path.join(moduleBase, 'core'))).some((f) => f.endsWith('.map')), 'no source maps');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
