import test from 'ava';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, runCli } from '../support/cli.js';

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(path.join(at, entry.name));
      else out.push(path.relative(dir, path.join(at, entry.name)));
    }
  };
  await walk(dir);
  return out.sort();
}

/** Three sets, Contoso.Orders changed before each of the last two. */
async function threeSets(t: import('ava').ExecutionContext): Promise<{ store: string; sets: string[] }> {
  const dir = await makeTempDir('cli-prune');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const state = path.join(dir, 'group.json');
  const store = path.join(dir, 'store');
  if ((await runCli(['simulator-init', '--state', state])).exitCode !== 0) throw new Error('simulator-init failed');
  const sets: string[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) {
      const json = JSON.parse(await readFile(state, 'utf8')) as { applications: { name: string; references: string[] }[] };
      json.applications.find((a) => a.name === 'Contoso.Orders')!.references.push(`Contoso.Extra${i}`);
      await writeFile(state, JSON.stringify(json));
    }
    const run = await runCli(['export', '--simulator-state', state, '--store', store, '--json']);
    if (run.exitCode !== 0) throw new Error(run.stderr);
    sets.push(String(run.out[run.out.length - 1]!['setId']));
  }
  return { store, sets };
}

test('prune --dry-run prints the plan and changes nothing; the real prune executes that same plan', async (t) => {
  const { store, sets } = await threeSets(t);
  const before = await listing(store);
  const dry = await runCli(['prune', '--store', store, '--keep-last', '1', '--dry-run', '--json']);
  t.is(dry.exitCode, 0, dry.stderr);
  t.deepEqual(await listing(store), before, 'nothing changed');
  const steps = (lines: Record<string, unknown>[]) => lines.filter((l) => l['kind'] === 'PlanStep');
  t.deepEqual(steps(dry.out).filter((s) => s['action'] === 'RemoveSet').map((s) => s['target']), sets.slice(0, 2));
  t.true(steps(dry.out).some((s) => s['action'] === 'DeleteObject'));
  t.like(dry.out[dry.out.length - 1], { type: 'summary', command: 'prune', exitCode: 0, dryRun: true, counts: { kept: 1, removedSets: 2 } });

  const real = await runCli(['prune', '--store', store, '--keep-last', '1', '--json']);
  t.is(real.exitCode, 0, real.stderr);
  t.deepEqual(steps(real.out), steps(dry.out), 'printed plan = executed plan');
  t.deepEqual((await runCli(['list', '--store', store, '--json'])).out.filter((l) => l['kind'] === 'BackupSet').map((l) => l['setId']), [sets[2]]);
  const verify = await runCli(['verify', '--store', store, '--read-data', '--json']);
  t.is(verify.exitCode, 0);
  t.like(verify.out[verify.out.length - 1], { counts: { orphans: 0 } });
});

test('prune refuses unsafe policies (exit 2, E_POLICY_UNSAFE) and a corrupt manifest (exit 12, E_MANIFEST_CORRUPT), deleting nothing', async (t) => {
  const { store, sets } = await threeSets(t);
  const before = await listing(store);
  for (const args of [[], ['--keep-last', '0'], ['--keep-within', '0d']]) {
    const run = await runCli(['prune', '--store', store, ...args, '--json']);
    t.is(run.exitCode, 2, args.join(' '));
    t.like(run.err.find((l) => l['type'] === 'error'), { code: 'E_POLICY_UNSAFE' }, args.join(' '));
  }
  // A count that is not a number is refused before the command runs (option types are checked first): E_USAGE.
  const notANumber = await runCli(['prune', '--store', store, '--keep-last', 'x', '--json']);
  t.is(notANumber.exitCode, 2);
  t.like(notANumber.err.find((l) => l['type'] === 'error'), { code: 'E_USAGE', target: '--keep-last' });
  const manifest = path.join(store, 'sets', `${sets[0]!}.json`);
  await chmod(manifest, 0o644);
  await writeFile(manifest, '');
  const corrupt = await runCli(['prune', '--store', store, '--keep-last', '1', '--json']);
  t.is(corrupt.exitCode, 12);
  t.like(corrupt.err.find((l) => l['type'] === 'error'), { code: 'E_MANIFEST_CORRUPT' });
  const dry = await runCli(['prune', '--store', store, '--keep-last', '1', '--dry-run', '--json']);
  t.is(dry.exitCode, 12);
  t.deepEqual(await listing(store), before);
});
