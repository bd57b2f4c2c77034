// Issue 14: a resource exported without its install-time action is a warning in the CLI's output and in PowerShell's
// warning stream, with the exact BTSTask fix.
import test from 'ava';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSampleGroupState, SAMPLE_ASSEMBLIES } from '../../src/adapters/simulator/sample-group.js';
import { makeTempDir, runCli } from '../support/cli.js';
import { PwshSession, coreCli, findPwsh, psQuote } from '../support/pwsh.js';

/** The sample group with the Billing facts assembly not added to the GAC on MSI install. */
async function misconfiguredGroup(dir: string): Promise<string> {
  const state = createSampleGroupState();
  const billing = state.applications.find((a) => a.name === 'Contoso.Billing')!;
  billing.resources.find((r) => r.luid === SAMPLE_ASSEMBLIES.billingFacts)!.properties['Gacutil'] = 'False';
  const file = path.join(dir, 'group.json');
  await writeFile(file, JSON.stringify(state), 'utf8');
  return file;
}

const FIX = 'BTSTask AddResource /ApplicationName:"Contoso.Billing" /Type:System.BizTalk:Assembly /Overwrite';

test('export prints one MissingInstallAction warning with the fix; --json logs it at warning level', async (t) => {
  const dir = await makeTempDir('cli-install-audit');
  try {
    const group = await misconfiguredGroup(dir);
    const human = await runCli(['export', '--simulator-state', group, '--store', path.join(dir, 'a')]);
    t.is(human.exitCode, 0, human.stderr);
    const lines = human.stderr.split(/\r?\n/).filter((l) => l.includes('GacOnInstall'));
    t.is(lines.length, 1);
    t.true(lines[0]!.startsWith('WARNING: Contoso.Billing: Resource System.BizTalk:Assembly Contoso.Billing.Facts'));
    t.true(lines[0]!.includes(FIX));
    const json = await runCli(['export', '--simulator-state', group, '--store', path.join(dir, 'b'), '--json']);
    t.is(json.exitCode, 0);
    const logged = json.err.filter((l) => l['type'] === 'log' && String(l['message']).includes('GacOnInstall'));
    t.is(logged.length, 1);
    t.is(logged[0]!['level'], 'warning');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Export-BtsAppBackup writes it to the warning stream', async (t) => {
  const pwsh = findPwsh();
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh (installs PowerShell 7 into .tools/pwsh)');
  if (!existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli} (npm run build)`);
  const dir = await makeTempDir('ps-install-audit');
  const session = await PwshSession.start(pwsh);
  try {
    const group = await misconfiguredGroup(dir);
    const r = await session.capture(`Export-BtsAppBackup -SimulatorState ${psQuote(group)} -Path ${psQuote(path.join(dir, 'store'))} -Name 'Contoso.Billing','Contoso.Orders','Contoso.Shared'`);
    t.deepEqual(r.Errors, []);
    const warnings = r.Warnings.filter((w) => w.includes('GacOnInstall'));
    t.is(warnings.length, 1);
    t.true(warnings[0]!.includes(FIX));
  } finally {
    await session.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});
