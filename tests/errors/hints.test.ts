// Hints read in the language of the caller and name only what exists (issue 17): every command and flag a hint's
// CLI form names is a yargs command/option of the CLI, every cmdlet and parameter its module form names is exported by
// the module, the module form names no CLI flag; and no string in the sources names a CLI command that does not exist
// (`btsbackup simulator init`).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import yargs from 'yargs';
import { commands } from '../../src/cli/commands/index.js';
import { BtsBackupError, hints, type Hint } from '../../src/errors/index.js';
import { findPwsh, manifestPath, psQuote, repoRoot } from '../support/pwsh.js';

const globalFlags = new Set(['json', 'verbose', 'request', 'help', 'stdin-channel']);
const commonParameters = new Set(['Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'WhatIf', 'Confirm', 'ErrorVariable', 'OutVariable']);

/** Each CLI command's options, from its yargs builder. */
function cliOptions(): Map<string, Set<string>> {
  const options = new Map<string, Set<string>>();
  for (const command of commands) {
    const y = yargs([]);
    command.builder(y);
    const name = command.command.split(' ')[0] ?? command.command;
    const declared = (y as unknown as { getOptions(): { key: Record<string, boolean> } }).getOptions().key;
    options.set(name, new Set([...Object.keys(declared), ...globalFlags]));
  }
  return options;
}

/** Each exported cmdlet's parameters, from the real module in pwsh. */
function moduleParameters(): Map<string, Set<string>> {
  const pwsh = findPwsh();
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh');
  const script = `Import-Module ${psQuote(manifestPath)}; $all = @{}; foreach ($c in Get-Command -Module BizTalkBackup) { $all[$c.Name] = @($c.Parameters.Keys) }; ConvertTo-Json -InputObject $all -Compress`;
  const r = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-Command', script], { encoding: 'utf8', timeout: 60_000 });
  const parsed = JSON.parse(r.stdout) as Record<string, string[]>;
  return new Map(Object.entries(parsed).map(([name, parameters]) => [name, new Set(parameters)]));
}

const cliCommandsIn = (text: string): string[] => [...text.matchAll(/`btsbackup ([a-z][a-z-]*)/g)].map((m) => m[1] as string);
const flagsIn = (text: string): string[] => [...text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1] as string);
const cmdletsIn = (text: string): string[] => [...text.matchAll(/\b([A-Z][a-z]+-Bts[A-Za-z]+)\b/g)].map((m) => m[1] as string);
const parametersIn = (text: string): string[] => [...text.matchAll(/(?<![\w$:-])-([A-Z][A-Za-z]+)\b/g)].map((m) => m[1] as string);

const table = Object.entries(hints) as [string, Hint][];

test('every command and flag a hint names in CLI words exists in the CLI (on the command it names, when it names one)', (t) => {
  const options = cliOptions();
  const allFlags = new Set([...options.values()].flatMap((s) => [...s]));
  for (const [key, hint] of table) {
    const named = cliCommandsIn(hint.cli);
    for (const command of named) t.true(options.has(command), `${key}: \`btsbackup ${command}\` is not a command`);
    for (const flag of flagsIn(hint.cli)) {
      const on = named.filter((c) => options.has(c));
      if (on.length > 0) t.true(on.some((c) => options.get(c)?.has(flag)), `${key}: --${flag} is not an option of ${on.join(', ')}`);
      else t.true(allFlags.has(flag), `${key}: --${flag} is not an option of any command`);
    }
  }
});

test('every cmdlet and parameter a hint names in module words exists in the module; the module form names no CLI flag', (t) => {
  const cmdlets = moduleParameters();
  t.true(cmdlets.size >= 10, 'the module was read');
  const cli = cliOptions();
  const allParameters = new Set([...cmdlets.values()].flatMap((s) => [...s]));
  for (const [key, hint] of table) {
    // A CLI flag only inside a CLI command the module has no cmdlet for (`btsbackup simulator-init --state`).
    t.deepEqual(flagsIn(hint.ps.replace(/`btsbackup [^`]*`/g, '')), [], `${key}: the module form names a CLI flag`);
    for (const command of cliCommandsIn(hint.ps)) t.true(cli.has(command), `${key}: \`btsbackup ${command}\` is not a command`);
    const named = cmdletsIn(hint.ps);
    for (const cmdlet of named) t.true(cmdlets.has(cmdlet), `${key}: ${cmdlet} is not a cmdlet of the module`);
    for (const parameter of parametersIn(hint.ps)) {
      if (commonParameters.has(parameter)) continue;
      const on = named.filter((c) => cmdlets.has(c));
      if (on.length > 0) t.true(on.some((c) => cmdlets.get(c)?.has(parameter)), `${key}: -${parameter} is not a parameter of ${on.join(', ')}`);
      else t.true(allParameters.has(parameter), `${key}: -${parameter} is not a parameter of any cmdlet`);
    }
  }
});

test('the checks above catch what they claim to catch', (t) => {
  const options = cliOptions();
  t.false(options.has('simulator'), '`btsbackup simulator init` names no command');
  t.deepEqual(cliCommandsIn('Create one with `btsbackup simulator init --state <file>`.'), ['simulator']);
  t.deepEqual(flagsIn('e.g. --keep-last 7 --keep-daily 30'), ['keep-last', 'keep-daily']);
  t.deepEqual(parametersIn('e.g. -KeepLast 7 -KeepDaily 30, or -Confirm:$false; $env:X-Y'), ['KeepLast', 'KeepDaily', 'Confirm']);
  t.deepEqual(cmdletsIn('Run `Test-BtsAppBackup -ReadData`.'), ['Test-BtsAppBackup']);
});

test('an error line carries both forms of a table hint, and a plain string hint as it is', (t) => {
  const json = new BtsBackupError('E_POLICY_UNSAFE', 'x', { hint: hints.retentionPolicy }).toJSON();
  t.is(json['hint'], hints.retentionPolicy.cli);
  t.is(json['psHint'], hints.retentionPolicy.ps);
  const plain = new BtsBackupError('E_IO', 'x', { hint: 'Check the path.' }).toJSON();
  t.is(plain['hint'], 'Check the path.');
  t.false('psHint' in plain);
});

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(entries.map(async (e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [])));
  return files.flat();
}

test('no string in the sources names a CLI command that does not exist', async (t) => {
  const options = cliOptions();
  const files = await sourceFiles(path.join(repoRoot, 'src'));
  t.true(files.length > 50);
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const command of cliCommandsIn(text)) t.true(options.has(command), `${path.relative(repoRoot, file)}: \`btsbackup ${command}\``);
  }
});
