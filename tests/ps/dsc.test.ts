// Issue 13: the class-based DSC resource BtsAppBackup in real pwsh. One pwsh process `using module`s the module,
// instantiates the class and walks Get/Test/Set against a simulated group kept in a file: a missing store, Set()
// (export and verification), an application changed between calls (Test flips), an expired set (Set writes a new
// one), an unverified set, Ensure Absent, a bad MaxAge. The same process then runs Invoke-DscResource when the
// PSDesiredStateConfiguration module is there, and otherwise checks the DSC contract the way DSC reads it (the root
// module's AST, the class's attributes, one Key, Get/Test/Set signatures and return types, MOF-compatible property
// types, DscResourcesToExport). Which of the two ran is logged and asserted, never skipped silently.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, runCli } from '../support/cli.js';
import { coreCli, findPwsh, manifestPath, psQuote } from '../support/pwsh.js';

const pwsh = findPwsh();

function runPwshFile(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(pwsh!, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file], {
      env: { ...process.env, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

interface Step {
  step: string;
  [key: string]: unknown;
}

test('BtsAppBackup: Get/Test/Set against the simulator, Test flips when an application changes; Invoke-DscResource or the DSC contract', async (t) => {
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh (installs PowerShell 7 into .tools/pwsh)');
  if (!existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli} (npm run build)`);
  const dir = await makeTempDir('ps-dsc');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const state = path.join(dir, 'group.json');
  const store = path.join(dir, 'store');
  t.is((await runCli(['simulator-init', '--state', state])).exitCode, 0);

  const script = `using module ${psQuote(manifestPath)}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
function Out-Step([string]$Step, [hashtable]$Data = @{}) { $Data['step'] = $Step; '@@' + (ConvertTo-Json -InputObject $Data -Compress -Depth 5) }
function Get-Snapshot($Resource) { $g = $Resource.Get(); @{ state = $g.State; latest = $g.LatestSetId; apps = $g.ApplicationCount; age = $g.Age; test = $Resource.Test() } }

$r = [BtsAppBackup]::new()
$r.Path = ${psQuote(store)}
$r.SimulatorState = ${psQuote(state)}
$r.VerifyReadDataSubset = '*/7'
Out-Step 'missing' (Get-Snapshot $r)
$r.Set()
Out-Step 'after-set' (Get-Snapshot $r)
$verifies = @(Get-BtsAppBackupLog -LiteralPath ${psQuote(store)} | Where-Object Operation -EQ 'verify')
Out-Step 'verified-by-set' @{ count = $verifies.Count; setId = [string]$verifies[-1].SetId; objectsRead = $verifies[-1].Counts.objectsRead; subset = [BtsAppBackup]::ReadDataSubsetFor('*/7', ([System.DateTime]$verifies[-1].Start).ToUniversalTime()) }

# Change one application in the simulated group: a send port's address, as an administrator would.
$group = Get-Content -LiteralPath ${psQuote(state)} -Raw | ConvertFrom-Json
$orders = $group.applications | Where-Object name -EQ 'Contoso.Orders'
$orders.bindings = $orders.bindings.Replace('\\\\fileserver\\drop\\warehouse\\', '\\\\fileserver2\\drop\\warehouse\\')
[System.IO.File]::WriteAllText(${psQuote(state)}, (ConvertTo-Json -InputObject $group -Depth 50))
Out-Step 'changed' (Get-Snapshot $r)
$r.Set()
Out-Step 'after-second-set' (Get-Snapshot $r)

# Too old: a set confirmed longer ago than MaxAge; nothing changed, so Set()'s incremental export confirms it (a run-log
# record naming it, no new set) and Test() is true again.
$r.MaxAge = '00:00:01'
Start-Sleep -Milliseconds 1500
Out-Step 'expired' (Get-Snapshot $r)
$r.Set()
$r.MaxAge = '1.00:00:00'
Out-Step 'after-expired-set' (Get-Snapshot $r)
$facts = & (Get-Module BizTalkBackup) { param($p, $s) Get-BtsAppBackupState -Path $p -Group @{ SimulatorState = $s } } ${psQuote(store)} ${psQuote(state)}
$confirmations = @(Get-BtsAppBackupLog -LiteralPath ${psQuote(store)} | Where-Object Operation -EQ 'export')
Out-Step 'confirmed' @{ exports = $confirmations.Count; setId = [string]$confirmations[-1].SetId; exported = $confirmations[-1].Counts.exported; sets = @(Get-BtsAppBackup -LiteralPath ${psQuote(store)}).Count; confirmedAfterWritten = [bool]($facts.ConfirmedAt -gt $facts.CreatedAt.AddSeconds(1)) }

# A set nobody verified: an export outside the resource.
$null = Export-BtsAppBackup -LiteralPath ${psQuote(store)} -SimulatorState ${psQuote(state)} -Full -EnableException
Out-Step 'unverified' (Get-Snapshot $r)

$absent = [BtsAppBackup]::new(); $absent.Path = ${psQuote(store)}; $absent.SimulatorState = ${psQuote(state)}; $absent.Ensure = 'Absent'
Out-Step 'absent' @{ test = $absent.Test() }
$bad = [BtsAppBackup]::new(); $bad.Path = ${psQuote(store)}; $bad.MaxAge = 'soon'
try { $null = $bad.Test(); Out-Step 'bad-maxage' @{ thrown = '' } } catch { Out-Step 'bad-maxage' @{ thrown = $_.Exception.GetBaseException().Message } }
$when = [System.DateTime]::new(2026, 11, 30, 2, 0, 0, [System.DateTimeKind]::Utc)
Out-Step 'subset' @{ a = [BtsAppBackup]::ReadDataSubsetFor('*/7', $when); b = [BtsAppBackup]::ReadDataSubsetFor('*/7', $when.AddDays(1)); fixed = [BtsAppBackup]::ReadDataSubsetFor('3/7', $when); all = [BtsAppBackup]::ReadDataSubsetFor('all', $when); none = [BtsAppBackup]::ReadDataSubsetFor('', $when); hours = [string][BtsAppBackup]::ParseMaxAge('12:00:00'); days = [string][BtsAppBackup]::ParseMaxAge('7.00:00:00') }

# DSC itself, where it is installed; else the contract as DSC reads it.
$dsc = Get-Module -ListAvailable -Name PSDesiredStateConfiguration | Sort-Object Version | Select-Object -Last 1
if ($dsc) {
    Import-Module $dsc
    # DSC finds resources by module name on PSModulePath: a folder named BizTalkBackup pointing at this checkout.
    $modules = Join-Path ${psQuote(dir)} 'modules'
    $null = New-Item -ItemType Directory -Path $modules
    $linkType = 'SymbolicLink'
    if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) { $linkType = 'Junction' }
    $null = New-Item -ItemType $linkType -Path (Join-Path $modules 'BizTalkBackup') -Target (Split-Path ${psQuote(manifestPath)})
    $env:PSModulePath = $modules + [System.IO.Path]::PathSeparator + $env:PSModulePath
    $property = @{ Path = ${psQuote(store)}; SimulatorState = ${psQuote(state)} }
    $module = @{ ModuleName = 'BizTalkBackup'; ModuleVersion = '0.1.0' }
    $tested = Invoke-DscResource -Name BtsAppBackup -ModuleName $module -Method Test -Property $property
    $got = Invoke-DscResource -Name BtsAppBackup -ModuleName $module -Method Get -Property $property
    Out-Step 'dsc' @{ ran = 'Invoke-DscResource'; version = [string]$dsc.Version; test = [bool]$tested.InDesiredState; state = [string]$got.State }
}
else {
    $tokens = $null; $errors = $null
    $manifest = Import-PowerShellDataFile -LiteralPath ${psQuote(manifestPath)}
    $root = Join-Path (Split-Path ${psQuote(manifestPath)}) $manifest.RootModule
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($root, [ref]$tokens, [ref]$errors)
    $classes = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.TypeDefinitionAst] -and @($n.Attributes | Where-Object { $_.TypeName.Name -eq 'DscResource' }).Count -gt 0 }, $true))
    $type = [BtsAppBackup]
    $mof = @('System.String', 'System.String[]', 'System.Boolean', 'System.Boolean[]', 'System.Int16', 'System.Int32', 'System.Int64', 'System.UInt16', 'System.UInt32', 'System.UInt64', 'System.Int32[]', 'System.Int64[]', 'System.Double', 'System.Single', 'System.Char', 'System.Byte', 'System.SByte', 'System.DateTime', 'System.Management.Automation.PSCredential', 'Microsoft.Management.Infrastructure.CimInstance', 'Microsoft.Management.Infrastructure.CimInstance[]', 'System.Collections.Hashtable')
    $properties = @($type.GetProperties() | ForEach-Object {
        $attribute = $_.GetCustomAttributes([System.Management.Automation.DscPropertyAttribute], $true) | Select-Object -First 1
        if ($attribute) { @{ name = $_.Name; type = $_.PropertyType.FullName; key = [bool]$attribute.Key; notConfigurable = [bool]$attribute.NotConfigurable; mof = $mof -contains $_.PropertyType.FullName } }
    })
    $method = { param($name) $m = $type.GetMethod($name, [type[]]@()); if ($m) { '{0}()->{1}' -f $m.Name, $m.ReturnType.FullName } else { 'missing' } }
    Out-Step 'dsc' @{
        ran = 'contract'
        parseErrors = @($errors).Count
        astClasses = @($classes | ForEach-Object { $_.Name })
        attribute = @($type.GetCustomAttributes([System.Management.Automation.DscResourceAttribute], $true)).Count
        exported = @($manifest.DscResourcesToExport)
        defaultConstructor = $null -ne $type.GetConstructor([type[]]@())
        properties = $properties
        methods = @((& $method 'Get'), (& $method 'Test'), (& $method 'Set'))
    }
}
`;
  const file = path.join(dir, 'dsc-walk.ps1');
  await writeFile(file, script, 'utf8');
  const run = await runPwshFile(file);
  t.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
  const steps = new Map(
    run.stdout
      .split('\n')
      .filter((l) => l.startsWith('@@'))
      .map((l) => JSON.parse(l.slice(2)) as Step)
      .map((s) => [s.step, s] as const),
  );
  const step = (name: string): Step => {
    const found = steps.get(name);
    if (found === undefined) throw new Error(`no step ${name}:\n${run.stdout}\n${run.stderr}`);
    return found;
  };

  t.like(step('missing'), { state: 'Missing', test: false, apps: 0 });
  const first = step('after-set');
  t.like(first, { state: 'Current', test: true, apps: 5 });
  t.regex(String(first['latest']), /^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  t.regex(String(first['age']), /^\d{2}:\d{2}:\d{2}$/, 'the age as a TimeSpan string');
  t.like(step('verified-by-set'), { count: 1, setId: first['latest'] });
  // '*/7' re-read the day's seventh of the set's objects: exactly what a verify of that part reads, and less than all.
  // (Which objects fall in a part depends on their hashes, new each run: a part of a small set may hold none.)
  const verified = step('verified-by-set');
  t.regex(String(verified['subset']), /^[1-7]\/7$/);
  const part = await runCli(['verify', '--store', store, '--set', String(first['latest']), '--read-data-subset', String(verified['subset']), '--json']);
  const whole = await runCli(['verify', '--store', store, '--set', String(first['latest']), '--read-data', '--json']);
  const objectsRead = (r: typeof part): number => Number((r.out.at(-1)!['counts'] as Record<string, unknown>)['objectsRead']);
  t.is(Number(verified['objectsRead']), objectsRead(part), "Set() verified with the day's part of '*/7'");
  t.true(objectsRead(part) < objectsRead(whole), 'a part, not every object');

  t.like(step('changed'), { state: 'Changed', test: false, latest: first['latest'] }, 'Test() flips when an application changes');
  const second = step('after-second-set');
  t.like(second, { state: 'Current', test: true });
  t.not(second['latest'], first['latest'], 'Set() wrote a new set for the change');

  t.like(step('expired'), { state: 'Expired', test: false, latest: second['latest'] });
  const third = step('after-expired-set');
  t.like(third, { state: 'Current', test: true, latest: second['latest'] });
  t.like(step('confirmed'), { exports: 3, setId: second['latest'], exported: 0, sets: 2, confirmedAfterWritten: true }, 'an expired set is confirmed by an incremental export that writes no set (no full export), and its age counts from then');

  t.like(step('unverified'), { state: 'Unverified', test: false });
  t.not(step('unverified')['latest'], third['latest']);
  t.like(step('absent'), { test: true });
  t.regex(String(step('bad-maxage')['thrown']), /^BizTalkBackup\.E_USAGE: MaxAge 'soon'/);
  t.like(step('subset'), { fixed: '3/7', all: 'all', none: '', hours: '12:00:00', days: '7.00:00:00' });
  const subset = step('subset');
  t.regex(String(subset['a']), /^[1-7]\/7$/);
  t.is(Number(String(subset['b']).split('/')[0]), (Number(String(subset['a']).split('/')[0]) % 7) + 1, 'the next day reads the next part');

  const dsc = step('dsc');
  t.log(`DSC check that ran here: ${String(dsc['ran'])}`);
  if (dsc['ran'] === 'Invoke-DscResource') {
    t.like(dsc, { test: false, state: 'Unverified' });
    return;
  }
  t.is(dsc['ran'], 'contract');
  t.is(dsc['parseErrors'], 0);
  t.deepEqual(dsc['astClasses'], ['BtsAppBackup'], 'the root module defines the resource class, where DSC looks');
  t.is(dsc['attribute'], 1);
  t.deepEqual(dsc['exported'], ['BtsAppBackup']);
  t.true(dsc['defaultConstructor']);
  t.deepEqual(dsc['methods'], ['Get()->BtsAppBackup', 'Test()->System.Boolean', 'Set()->System.Void']);
  const properties = dsc['properties'] as { name: string; type: string; key: boolean; notConfigurable: boolean; mof: boolean }[];
  t.deepEqual(properties.filter((p) => p.key).map((p) => p.name), ['Path'], 'exactly one Key');
  t.deepEqual(properties.filter((p) => !p.mof).map((p) => `${p.name}: ${p.type}`), [], 'every property has a MOF type');
  t.deepEqual(properties.filter((p) => p.notConfigurable).map((p) => p.name).sort(), ['Age', 'ApplicationCount', 'LatestSetId', 'State']);
  t.true(properties.some((p) => p.name === 'MaxAge' && p.type === 'System.String'), 'MaxAge is a TimeSpan written as a string');
});
