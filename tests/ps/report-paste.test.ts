// The report's runbook tells an administrator to paste its commands. Pasted into a real pwsh, each PowerShell command
// and each CLI line must pass hostile names (an application, a host, a store path) as plain text: no $(...), no `&`
// after a broken quote, no splatting runs anything, and the name reaches the cmdlet / CLI as written.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest, ManifestApplication } from '../../src/core/manifest.js';
import { emptyBindingsSummary } from '../../src/core/bindings-summary.js';
import { wildcardToRegExp } from '../../src/core/filter-names.js';
import { buildReportModel } from '../../src/core/report-model.js';
import { makeTempDir } from '../support/cli.js';
import { findPwsh } from '../support/pwsh.js';

const pwsh = findPwsh();
const SET = '20261101T020000Z-abc123';
const CANARY = 'Invoke-Canary';
const HOSTILE = [
  `x'; ${CANARY}; '`,
  `q"&${CANARY}&"`,
  `d$(${CANARY})`,
  `v$PSHOME`,
  `t\`$(${CANARY})`,
  `s\u201c; ${CANARY}; \u201c`,
  `@splat`,
  `p%PATH%!x!`,
  `multi\n${CANARY}\n`,
];

function app(name: string, host: string): ManifestApplication {
  const bindings = emptyBindingsSummary();
  bindings.sendPorts.push({ name: 'Out', host, hostTrusted: false, transport: `FTP"&${CANARY}&"` } as (typeof bindings.sendPorts)[number]);
  return {
    name,
    description: '',
    isDefault: false,
    status: 'Started',
    references: [],
    backupStatus: 'Exported',
    exportedIn: SET,
    fingerprint: 'f'.repeat(64),
    reasons: [],
    resources: [],
    bindingsFingerprint: 'b'.repeat(64),
    bindings,
    packagedAssemblies: [],
    artifacts: [{ kind: 'msi', name: 'a.msi', sha256: '1'.repeat(64), size: 1 }],
  };
}

test('every runbook command pasted into pwsh runs nothing a name holds and passes the name as written', async (t) => {
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh (installs PowerShell 7 into .tools/pwsh)');
  const dir = await makeTempDir('report-paste');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const apps = HOSTILE.map((name) => app(name, `H-${name}`));
  const manifest: Manifest = {
    schemaVersion: 1,
    setId: SET,
    createdAt: '2026-11-01T02:00:00.000Z',
    createdBy: { user: 'u', host: 'h' },
    tool: { name: 'BizTalkBackup', version: '0.1.0' },
    group: { server: 'SQL01', database: 'BizTalkMgmtDb', biztalkVersion: '3.13.717.0', source: 'simulator' },
    parent: null,
    full: true,
    importOrder: apps.map((a) => a.name),
    applications: apps,
    extras: [],
    warnings: [{ kind: 'MaskedPassword', application: HOSTILE[0]!, message: 'masked', location: { port: 'Out', field: 'password' } }],
    failures: [],
    redactions: [],
  };
  let cliNamed = 0;
  for (const store of [`\\\\srv\\d$\\Backups`, `D:\\B$(${CANARY})`, `D:\\Back"&${CANARY}&"ups`]) {
    const model = buildReportModel({ manifest, store, generatedAt: '2026-11-02T00:00:00.000Z', runRecords: [], secrets: { file: `s$(${CANARY}).json`, keys: [] } });
    const lines = model.runbook.flatMap((s) => s.commands.flatMap((c) => [c.ps, c.cli])).filter((l) => !l.startsWith('& ') && !l.startsWith('"%') && !l.startsWith('(no '));
    const script = [
      '$ErrorActionPreference = "Stop"',
      '$global:injected = 0; $global:calls = [System.Collections.Generic.List[object]]::new(); $passphrase = "pp"',
      `function global:${CANARY} { $global:injected++ }`,
      'function global:Import-BtsAppBackup { param($Path, $SetId, $Name, $SecretsFile, $SecretsPassphrase, $Mode) $global:calls.Add(@{ cmd = "Import"; path = "$Path"; name = "$Name"; secrets = "$SecretsFile" }) }',
      'function global:Compare-BtsAppBackup { param($Path, $SetId) $global:calls.Add(@{ cmd = "Compare"; path = "$Path" }) }',
      'function global:Set-WmiInstance { param($Namespace, $Class, $Arguments) $global:calls.Add(@{ cmd = "Wmi"; name = "$($Arguments.Name)$($Arguments.HostName)"; adapter = "$($Arguments.AdapterName)" }) }',
      'function global:btsbackup { $global:calls.Add(@{ cmd = "cli"; args = @($args | ForEach-Object { "$_" }) }) }',
      'function global:Get-BtsAppInventory { }',
      `$lines = Get-Content -Raw -LiteralPath '${path.join(dir, 'lines.json')}' | ConvertFrom-Json`,
      '$errors = @(); foreach ($line in $lines) { try { Invoke-Expression $line } catch { $errors += "$line => $_" } }',
      '@{ injected = $global:injected; errors = $errors; calls = $global:calls } | ConvertTo-Json -Depth 5 -Compress',
    ].join('\n');
    await writeFile(path.join(dir, 'lines.json'), JSON.stringify(lines), 'utf8');
    await writeFile(path.join(dir, 'paste.ps1'), script, 'utf8');
    const run = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-File', path.join(dir, 'paste.ps1')], { encoding: 'utf8', timeout: 60_000 });
    t.is(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { injected: number; errors: string[] | null; calls: { cmd: string; path?: string; name?: string; adapter?: string; secrets?: string; args?: string[] }[] };
    t.is(result.injected, 0, `store ${store}: a pasted command ran code from a name`);
    t.deepEqual(result.errors ?? [], [], `store ${store}`);
    // Every name reached the cmdlet, the WMI call and the CLI as written (a -Name is a wildcard pattern matching only it).
    const imported = result.calls.filter((c) => c.cmd === 'Import' && c.name !== '');
    t.is(imported.length, HOSTILE.length);
    for (const [i, name] of HOSTILE.entries()) {
      t.true(wildcardToRegExp(imported[i]!.name!).test(name), `-Name ${imported[i]!.name} for ${name}`);
      t.is(imported[i]!.path, store);
    }
    t.deepEqual(result.calls.filter((c) => c.cmd === 'Wmi' && c.adapter === '').map((c) => c.name).sort(), HOSTILE.map((n) => `H-${n}`).sort());
    for (const call of result.calls.filter((c) => c.cmd === 'cli' && c.args!.includes('--store'))) {
      const args = call.args!;
      t.is(args[args.indexOf('--store') + 1], store);
      const name = args.indexOf('--name');
      if (name >= 0) cliNamed++;
      if (name >= 0) t.true(HOSTILE.some((h) => wildcardToRegExp(args[name + 1]!).test(h)), args.join(' '));
    }
  }
  // With the plain store path, '@splat' (read alike by cmd.exe and PowerShell once quoted) keeps its CLI line; the
  // quote's application needs the secrets file, whose name holds $(...).
  t.is(cliNamed, 1);
});
