// The module as a package: manifest, export list, help on every cmdlet and parameter, ShouldProcess and pipeline
// metadata, format views, and static rules on the ps files (parser-based, standing in for PSScriptAnalyzer).
import test from 'ava';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PwshSession, findPwsh, manifestPath, psFixtures, psQuote, repoRoot } from '../support/pwsh.js';

const pwsh = findPwsh();
let session: PwshSession;

test.before(async () => {
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh (installs PowerShell 7 into .tools/pwsh)');
  session = await PwshSession.start(pwsh);
});

test.after.always(async () => {
  if (session !== undefined) await session.dispose();
});

async function publicFiles(): Promise<string[]> {
  const files = await readdir(path.join(repoRoot, 'ps', 'Public'));
  return files.filter((f) => f.endsWith('.ps1')).map((f) => f.slice(0, -4)).sort();
}

interface Manifest {
  FunctionsToExport: string[];
  CmdletsToExport: string[];
  AliasesToExport: string[];
  VariablesToExport: string[];
  CompatiblePSEditions: string[];
  PowerShellVersion: string;
  RootModule: string;
  FormatsToProcess: string[];
  PrivateData: { PSData: { Tags: string[]; ProjectUri: string; LicenseUri: string; ReleaseNotes: string } };
}

test('the manifest exports exactly the files in ps/Public, and nothing else', async (t) => {
  const [manifest] = await session.json<Manifest[]>(`Import-PowerShellDataFile -LiteralPath ${psQuote(manifestPath)}`);
  const expected = await publicFiles();
  t.true(expected.length >= 7);
  t.deepEqual([...(manifest?.FunctionsToExport ?? [])].sort(), expected);
  t.deepEqual(manifest?.CmdletsToExport, []);
  t.deepEqual(manifest?.AliasesToExport, []);
  t.deepEqual(manifest?.VariablesToExport, []);
  const exported = await session.json<string[]>("Get-Command -Module BizTalkBackup | ForEach-Object { $_.Name } | Sort-Object");
  t.deepEqual(exported, expected, 'what the imported module exports');
});

test('the manifest targets Windows PowerShell 5.1 and PowerShell 7 and has the Gallery metadata', async (t) => {
  const [manifest] = await session.json<Manifest[]>(`Import-PowerShellDataFile -LiteralPath ${psQuote(manifestPath)}`);
  t.deepEqual([...(manifest?.CompatiblePSEditions ?? [])].sort(), ['Core', 'Desktop']);
  t.is(manifest?.PowerShellVersion, '5.1');
  t.is(manifest?.RootModule, 'BizTalkBackup.psm1');
  t.deepEqual(manifest?.FormatsToProcess, ['BizTalkBackup.Format.ps1xml']);
  const data = manifest?.PrivateData.PSData;
  t.true((data?.Tags ?? []).includes('BizTalk'));
  t.regex(data?.ProjectUri ?? '', /^https:\/\//);
  t.regex(data?.LicenseUri ?? '', /^https:\/\//);
  t.true((data?.ReleaseNotes ?? '').length > 20);
  const [valid] = await session.json<{ Name: string; Version: string }[]>(
    `Test-ModuleManifest -Path ${psQuote(manifestPath)} | Select-Object Name, @{ n = 'Version'; e = { $_.Version.ToString() } }`,
  );
  t.deepEqual(valid, { Name: 'BizTalkBackup', Version: '0.1.0' });
});

interface HelpReport {
  Name: string;
  Synopsis: string;
  Description: string;
  Examples: { Code: string; Remarks: string }[];
  Outputs: string;
  Notes: string;
  Undocumented: string[];
}

test('every cmdlet has comment-based help: synopsis, description, every parameter, 2+ examples, outputs, what is not backed up', async (t) => {
  const reports = await session.json<HelpReport[]>(`
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    foreach ($command in Get-Command -Module BizTalkBackup) {
      $help = Get-Help -Name $command.Name -Full
      $documented = @{}
      foreach ($parameter in @($help.parameters.parameter)) {
        $text = (@($parameter.description) | ForEach-Object { $_.Text }) -join ' '
        if ($text.Trim()) { $documented[$parameter.name] = $true }
      }
      [pscustomobject]@{
        Name = $command.Name
        Synopsis = [string]$help.Synopsis
        Description = (@($help.description) | ForEach-Object { $_.Text }) -join ' '
        Examples = @(@($help.examples.example) | ForEach-Object { [pscustomobject]@{ Code = [string]$_.code; Remarks = ((@($_.remarks) | ForEach-Object { $_.Text }) -join ' ').Trim() } })
        Outputs = (@($help.returnValues.returnValue) | ForEach-Object { $_.type.name }) -join ' '
        Notes = (@($help.alertSet.alert) | ForEach-Object { $_.Text }) -join ' '
        Undocumented = @($command.Parameters.Keys | Where-Object { $common -notcontains $_ -and -not $documented.ContainsKey($_) })
      }
    }`);
  t.deepEqual(reports.map((r) => r.Name).sort(), await publicFiles());
  for (const report of reports) {
    t.true(report.Synopsis.length > 10 && !report.Synopsis.startsWith(report.Name), `${report.Name}: synopsis`);
    t.true(report.Description.length > 50, `${report.Name}: description`);
    t.true(report.Examples.length >= 2, `${report.Name}: two or more examples`);
    for (const example of report.Examples) t.true(example.Remarks.length > 10, `${report.Name}: a sentence for example ${example.Code}`);
    t.regex(report.Outputs, /BizTalkBackup\.\w+/, `${report.Name}: outputs`);
    t.regex(report.Notes, /not backed up/i, `${report.Name}: what is not backed up`);
    t.deepEqual(report.Undocumented, [], `${report.Name}: every parameter documented`);
  }
});

interface CommandShape {
  Name: string;
  SupportsShouldProcess: boolean;
  ConfirmImpact: string;
  ByValue: string[];
  ByPropertyName: string[];
  Secrets: string[];
}

test('state-changing cmdlets support -WhatIf/-Confirm (Import and Remove at ConfirmImpact High), pipelines bind, secrets are SecureString', async (t) => {
  const shapes = await session.json<CommandShape[]>(`
    foreach ($command in Get-Command -Module BizTalkBackup) {
      $binding = $command.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
      $parameters = @($command.Parameters.Values)
      [pscustomobject]@{
        Name = $command.Name
        SupportsShouldProcess = [bool]$binding.SupportsShouldProcess
        ConfirmImpact = [string]$binding.ConfirmImpact
        ByValue = @($parameters | Where-Object { @($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipeline }).Count } | ForEach-Object { $_.Name })
        ByPropertyName = @($parameters | Where-Object { @($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName }).Count } | ForEach-Object { $_.Name })
        Secrets = @($parameters | Where-Object { $_.Name -match 'Password|Credential|Passphrase' } | ForEach-Object { '{0}:{1}' -f $_.Name, $_.ParameterType.Name })
      }
    }`);
  const byName = new Map(shapes.map((s) => [s.Name, s]));
  for (const name of ['Export-BtsAppBackup', 'Import-BtsAppBackup', 'Remove-BtsAppBackup']) t.true(byName.get(name)?.SupportsShouldProcess, `${name} supports ShouldProcess`);
  for (const name of ['Get-BtsAppInventory', 'Get-BtsAppBackup', 'Get-BtsAppArtifact', 'Test-BtsAppBackup', 'Compare-BtsAppBackup', 'Get-BtsAppBackupReport']) t.false(byName.get(name)?.SupportsShouldProcess, `${name} changes nothing`);
  t.is(byName.get('Import-BtsAppBackup')?.ConfirmImpact, 'High');
  t.is(byName.get('Remove-BtsAppBackup')?.ConfirmImpact, 'High');
  t.true(byName.get('Export-BtsAppBackup')?.ByPropertyName.includes('Name'), 'Get-BtsAppInventory | Export-BtsAppBackup');
  for (const name of ['Test-BtsAppBackup', 'Import-BtsAppBackup', 'Compare-BtsAppBackup', 'Get-BtsAppBackupReport']) t.deepEqual(byName.get(name)?.ByValue, ['InputObject'], `Get-BtsAppBackup | ${name}`);
  t.deepEqual(byName.get('Import-BtsAppBackup')?.Secrets, ['SecretsPassphrase:SecureString']);
});

test('every cmdlet that reaches a group (-Simulator) also takes -Backend, with the same choices', async (t) => {
  const shapes = await session.json<{ Name: string; Backend: string }[]>(
    "Get-Command -Module BizTalkBackup | Where-Object { $_.Parameters.ContainsKey('Simulator') } | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Backend = if ($_.Parameters.ContainsKey('Backend')) { (@($_.Parameters['Backend'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] })[0].ValidValues -join ',') } else { '' } } }",
  );
  t.true(shapes.length >= 5, shapes.map((s) => s.Name).join(', '));
  for (const shape of shapes) t.is(shape.Backend, 'Auto,DeploymentApi,BTSTask,Simulator', shape.Name);
});

test('the format file gives every result kind a short default table', async (t) => {
  const views = await session.json<string[]>(
    "Get-FormatData -TypeName 'BizTalkBackup.*' | ForEach-Object { $_.TypeNames[0] + ':' + $_.FormatViewDefinition[0].Control.GetType().Name } | Sort-Object",
  );
  t.deepEqual(
    views,
    ['Application', 'BackupApplication', 'BackupSet', 'BackupSetApplication', 'CompareResult', 'InspectResult', 'OrphanSummary', 'PlanStep', 'Report', 'RestoreApplication', 'RunRecord', 'SecretLocation', 'VerifyResult'].map((k) => `BizTalkBackup.${k}:TableControl`),
  );
});

interface Violation {
  Rule: string;
  File: string;
  Line: number;
  Message: string;
}

const rules = (root: string): string => `& ${psQuote(path.join(psFixtures, 'Test-BtsScriptRules.ps1'))} -ModuleRoot ${psQuote(root)}`;

test('static rules: no parse errors, Invoke-Expression, Write-Host, aliases or PS7-only syntax; approved verbs; ShouldProcess; one function per file', async (t) => {
  const violations = await session.json<Violation[]>(rules(repoRoot));
  t.deepEqual(violations.map((v) => `${v.Rule} ${v.File}:${v.Line} ${v.Message}`), []);
});

test('the static rules catch what they claim to catch', async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-ps-rules-'));
  try {
    await mkdir(path.join(root, 'ps', 'Public'), { recursive: true });
    await writeFile(path.join(root, 'BizTalkBackup.psm1'), '');
    await writeFile(path.join(root, 'BizTalkBackup.psd1'), '@{}');
    await writeFile(
      path.join(root, 'ps', 'Public', 'Remove-Thing.ps1'),
      [
        'function Remove-Thing {',
        '    [CmdletBinding()]',
        '    param([string]$Password)',
        "    $a = $x ?? 'y'",
        '    $b = $c ? 1 : 2',
        "    Write-Host 'hi'",
        "    iex 'Get-Date'",
        '    Get-Date | % { $_ } && Get-Date',
        "    $j = '{}' | ConvertFrom-Json -AsHashtable",
        '    $global:z = 1',
        "    $s = 'Zahlungsverkehr S\u00fcd'",
        '}',
        'function Grab-It { }',
      ].join('\r\n'),
    );
    // The other files that run on Windows PowerShell 5.1 are checked too: the 32-bit ExplorerOM helper and build.ps1.
    await mkdir(path.join(root, 'src', 'adapters', 'explorerom'), { recursive: true });
    await writeFile(path.join(root, 'src', 'adapters', 'explorerom', 'explorerom-x86.ps1'), "$a = $x ?? 'y'\r\n");
    await writeFile(path.join(root, 'build.ps1'), "$s = 'S\u00fcd'\r\n");
    const violations = await session.json<Violation[]>(rules(root));
    t.deepEqual(
      violations.filter((v) => !v.File.includes('Remove-Thing')).map((v) => `${v.Rule} ${v.File.replace(/\\/g, '/')}`).sort(),
      ['AsciiOnly build.ps1', 'PS7OnlySyntax src/adapters/explorerom/explorerom-x86.ps1'],
    );
    const found = new Set(violations.map((v) => v.Rule));
    for (const rule of [
      'PS7OnlySyntax',
      'PS7OnlyParameter',
      'AvoidWriteHost',
      'AvoidInvokeExpression',
      'AvoidAlias',
      'NoGlobalOrPS7Variable',
      'OneFunctionPerFile',
      'UseShouldProcessForStateChangingFunctions',
      'ConfirmImpactHigh',
      'AvoidPlainTextSecrets',
      'UseApprovedVerbs',
      'UseCmdletBinding',
      'AsciiOnly',
    ]) {
      t.true(found.has(rule), rule);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
