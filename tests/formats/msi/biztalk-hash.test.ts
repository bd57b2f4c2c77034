import test from 'ava';
import { spawnSync } from 'node:child_process';
import { applicationComponentHash, assemblyFolderHash } from '../../../src/formats/msi/biztalk-hash.js';
import { findPwsh, psQuote } from '../../support/pwsh.js';

// The oracle is .NET itself: the HashAssemblyFullyQualifiedName steps written against System.Reflection.AssemblyName,
// MD5 and System.Guid in PowerShell, so Guid's byte order and AssemblyName's parsing are .NET's, not ours.
const ORACLE = String.raw`
param([string[]]$names)
$md5 = [System.Security.Cryptography.MD5]::Create()
$unicode = [System.Text.UnicodeEncoding]::new()
foreach ($full in $names) {
  if ($full.StartsWith('app:')) { ([guid]::new($md5.ComputeHash($unicode.GetBytes($full.Substring(4))))).ToString('N').ToUpperInvariant(); continue }
  $an = [System.Reflection.AssemblyName]::new($full)
  $token = ''
  if ($an.GetPublicKeyToken()) { $token = -join ($an.GetPublicKeyToken() | ForEach-Object { $_.ToString('x2') }) }
  $nameHash = ([guid]::new($md5.ComputeHash($unicode.GetBytes($an.Name)))).ToByteArray()
  $suffix = $unicode.GetBytes("$($an.Version)-$token")
  $hash = $md5.ComputeHash([byte[]]($nameHash + $suffix))
  for ($i = 0; $i -lt 9; $i++) { $hash[10 + $i % 6] = $hash[10 + $i % 6] -bxor $hash[$i]; $hash[$i] = $nameHash[$i] }
  ([guid]::new($hash)).ToString('N')
}
`;

const ASSEMBLIES = [
  'Contoso.Orders.Orchestrations, Version=1.2.0.0, Culture=neutral, PublicKeyToken=f1e2d3c4b5a69788',
  'Orders, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35',
  'Zahlungsverkehr.Süd.Schemas, Version=10.20.300.4000, Culture=neutral, PublicKeyToken=0123456789abcdef',
  'Unsigned.Helper, Version=2.0.0.0, Culture=neutral, PublicKeyToken=null',
];
const APPLICATIONS = ['Contoso.Orders', 'Zahlungsverkehr Süd', 'Платежи 支付'];

test('assembly folder and application component hashes agree with .NET computing BizTalk\'s algorithm', (t) => {
  const pwsh = findPwsh();
  if (pwsh === undefined) {
    t.fail('pwsh is required for this oracle (tests/setup installs it under .tools/pwsh)');
    return;
  }
  const args = [...ASSEMBLIES, ...APPLICATIONS.map((a) => `app:${a}`)].map(psQuote).join(',');
  const run = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-Command', `& { ${ORACLE} } -names @(${args})`], { encoding: 'utf8', timeout: 60_000 });
  t.is(run.status, 0, run.stderr);
  const lines = run.stdout.split(/\r?\n/).filter((l) => l !== '');
  t.deepEqual(lines, [...ASSEMBLIES.map(assemblyFolderHash), ...APPLICATIONS.map(applicationComponentHash)]);
  for (const line of lines.slice(0, ASSEMBLIES.length)) t.regex(line, /^[0-9a-f]{32}$/);
});

test('the folder hash depends on name, version and token, not on culture spelling or spacing', (t) => {
  const base = assemblyFolderHash('Orders, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35');
  t.is(assemblyFolderHash('Orders,Version=1.0.0.0,Culture=neutral,PublicKeyToken=31BF3856AD364E35'), base);
  t.not(assemblyFolderHash('Orders, Version=1.0.0.1, Culture=neutral, PublicKeyToken=31bf3856ad364e35'), base);
  t.not(assemblyFolderHash('Orders, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e36'), base);
  t.not(assemblyFolderHash('Order, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35'), base);
});
