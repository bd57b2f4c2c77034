// Which node the module runs the core with, and why (issue 12): $env:BTSBACKUP_NODE, the bundled node of the bitness
// the back end needs (Windows only: the bundled ones are Windows binaries), node on PATH. The choice is pure
// (Select-BtsNode, Get-BtsNodeBitness), so every branch is tested here on Linux; a node that cannot start is
// BizTalkBackup.E_NODE_START with a hint.
import test from 'ava';
import { existsSync } from 'node:fs';
import { copyFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { PwshSession, psQuote, repoRoot, startPwshFixture, stopPwshFixture } from '../support/pwsh.js';

let session: PwshSession;
let tmp: string;

test.before(async () => ({ session, tmp } = await startPwshFixture('node')));
test.after.always(() => stopPwshFixture(session, tmp));

interface Choice {
  Path: string;
  Source: string;
  Reason: string;
}

const inModule = (script: string): string => `& (Get-Module BizTalkBackup) { ${script} }`;
const select = async (args: string): Promise<Choice> => (await session.json<Choice[]>(inModule(`Select-BtsNode ${args}`)))[0]!;
const bundled = "-BundledX64 'C:\\m\\node\\win-x64\\node.exe' -BundledX86 'C:\\m\\node\\win-x86\\node.exe'";

test('Select-BtsNode: $env:BTSBACKUP_NODE wins over everything', async (t) => {
  const c = await select(`-EnvironmentNode 'D:\\node\\node.exe' -OnWindows $true -Bitness x86 ${bundled} -PathNode '/usr/bin/node'`);
  t.deepEqual([c.Path, c.Source], ['D:\\node\\node.exe', 'environment']);
  t.regex(c.Reason, /BTSBACKUP_NODE/);
});

test('Select-BtsNode: on Windows the bundled node of the bitness the back end needs, before node on PATH', async (t) => {
  const x86 = await select(`-OnWindows $true -Bitness x86 -BitnessReason 'ExplorerOM is 32-bit only' ${bundled} -PathNode 'C:\\nodejs\\node.exe'`);
  t.deepEqual([x86.Path, x86.Source], ['C:\\m\\node\\win-x86\\node.exe', 'bundled']);
  t.regex(x86.Reason, /x86.*ExplorerOM is 32-bit only/);
  const x64 = await select(`-OnWindows $true -Bitness x64 ${bundled} -PathNode 'C:\\nodejs\\node.exe'`);
  t.deepEqual([x64.Path, x64.Source], ['C:\\m\\node\\win-x64\\node.exe', 'bundled']);
});

test('Select-BtsNode: node on PATH when the module has no bundled node, or off Windows (the bundled ones are Windows binaries)', async (t) => {
  const linux = await select(`-OnWindows $false -Bitness x64 ${bundled} -PathNode '/usr/bin/node'`);
  t.deepEqual([linux.Path, linux.Source], ['/usr/bin/node', 'path']);
  t.regex(linux.Reason, /Windows binaries/);
  const checkout = await select(`-OnWindows $true -Bitness x64 -PathNode 'C:\\nodejs\\node.exe'`);
  t.deepEqual([checkout.Path, checkout.Source], ['C:\\nodejs\\node.exe', 'path']);
  t.regex(checkout.Reason, /no bundled node/);
  const none = await select(`-OnWindows $false -Bitness x64`);
  t.deepEqual([none.Path, none.Source], ['', 'none']);
});

test('Get-BtsNodeBitness: simulator, store commands and BTSTask take the OS bitness; a 32-bit-only ExplorerOM (and the deployment API beside it) takes x86', async (t) => {
  const bitness = async (args: string): Promise<string> => (await session.json<{ Bitness: string; Reason: string }[]>(inModule(`Get-BtsNodeBitness ${args}`)))[0]!.Bitness;
  t.is(await bitness("-Request @{ simulator = $true } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86'"), 'x64');
  t.is(await bitness("-Request @{ server = 'S'; catalog = 'btstask' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86'"), 'x64');
  t.is(await bitness("-Request @{ server = 'S' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86' -ExplorerOmPath 'C:\\bts\\Microsoft.BizTalk.ExplorerOM.dll'"), 'x86');
  t.is(await bitness("-Request @{ server = 'S'; catalog = 'explorerom' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'MSIL'"), 'x64');
  t.is(await bitness("-Request @{ server = 'S' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture ''"), 'x64');
  t.is(await bitness('-Request @{ simulator = $true } -Is64BitOperatingSystem $false'), 'x86');
  t.is(await bitness("-Request @{ store = 'D:\\b' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86'"), 'x64', 'a store command never loads ExplorerOM');
  // -Backend: the deployment API loads in process like ExplorerOM (same folder, same bitness); BTSTask and the simulator need neither.
  t.is(await bitness("-Request @{ backend = 'deployment-api' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86'"), 'x86');
  t.is(await bitness("-Request @{ backend = 'auto'; server = 'S' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86'"), 'x86');
  t.is(await bitness("-Request @{ backend = 'deployment-api'; catalog = 'btstask' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86'"), 'x86');
  t.is(await bitness("-Request @{ backend = 'btstask'; server = 'S' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86'"), 'x64');
  t.is(await bitness("-Request @{ backend = 'btstask'; catalog = 'explorerom' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86'"), 'x86');
  t.is(await bitness("-Request @{ backend = 'simulator' } -Is64BitOperatingSystem $true -ExplorerOmArchitecture 'X86'"), 'x64');
});

test('Get-BtsExplorerOmArchitecture reads the headers (PowerShell 7 reports ProcessorArchitecture None): the 32-bit-only stand-in is X86 and takes the x86 node, AnyCPU is MSIL, anything else nothing', async (t) => {
  const standIns = path.join(repoRoot, '.cache', 'explorerom');
  const x86 = path.join(standIns, 'standin-x86', 'Microsoft.BizTalk.ExplorerOM.dll');
  const anyCpu = path.join(standIns, 'bridge', 'Microsoft.BizTalk.ExplorerOM.dll');
  if (!existsSync(x86) || !existsSync(anyCpu)) throw new Error('the ExplorerOM stand-ins are not built: run tests/setup/50-explorerom.sh');
  const read = async (file: string): Promise<string> =>
    (await session.json<string[]>(inModule(`$a = Get-BtsExplorerOmArchitecture -Request @{ explorerom = ${psQuote(file)} }; $n = Get-BtsNodeBitness -Request @{ server = 'S'; explorerom = ${psQuote(file)} } -Is64BitOperatingSystem $true -ExplorerOmArchitecture $a.Architecture -ExplorerOmPath $a.Path; '{0}|{1}' -f $a.Architecture, $n.Bitness`)))[0]!;
  t.is(await read(x86), 'X86|x86');
  t.is(await read(anyCpu), 'MSIL|x64');
  t.is(await read(path.join(repoRoot, 'node_modules', 'edge-js', 'lib', 'native', 'win32', 'x64', 'msvcp140.dll')), 'Amd64|x64');
  t.is(await read(path.join(repoRoot, 'package.json')), '|x64');
});

test.serial('-Verbose says which node and why', async (t) => {
  const r = await session.capture('Get-BtsAppInventory -Simulator -Verbose | Out-Null', `Remove-Item Env:BTSBACKUP_NODE -ErrorAction SilentlyContinue; & (Get-Module BizTalkBackup) { $script:NodeInfo = $null }`);
  t.deepEqual(r.Errors, []);
  const line = r.Verbose.find((l) => l.startsWith('Using node '));
  t.regex(line ?? '', /^Using node \d+\.\d+\.\d+ at .+ \(path: 'node' on PATH, as the module has no bundled node/);
});

test.serial('a node that cannot start (a Windows node.exe here: wrong architecture) is E_NODE_START with a hint, before any output', async (t) => {
  const windowsNode = path.join(tmp, 'node.exe');
  await copyFile(path.join(repoRoot, 'node_modules', 'edge-js', 'lib', 'native', 'win32', 'x64', '22', 'edge_coreclr.node'), windowsNode);
  await chmod(windowsNode, 0o755);
  const r = await session.capture('Get-BtsAppInventory -Simulator', `$env:BTSBACKUP_NODE = ${psQuote(windowsNode)}; & (Get-Module BizTalkBackup) { $script:NodeInfo = $null }`);
  await session.run('Remove-Item Env:BTSBACKUP_NODE -ErrorAction SilentlyContinue');
  t.deepEqual(r.Output, []);
  t.is(r.Terminating?.Id.split(',')[0], 'BizTalkBackup.E_NODE_START');
  t.is(r.Terminating?.Category, 'ResourceUnavailable');
  t.is(r.Terminating?.Target, windowsNode);
  t.regex(r.Terminating?.Message ?? '', /environment/);
  t.regex(r.Terminating?.Hint ?? '', /BTSBACKUP_NODE/);
});
