// `btsbackup secrets`: every SecretLocation result carries its `port|location|field` key (the key `secrets set --store`
// takes), and the summary counts are right in --json mode too (they were counted from human-mode results only).
import test from 'ava';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cliPath, makeTempDir, repoRoot } from '../support/cli.js';

const PASSPHRASE = 'secrets cli passphrase';
const FTP_KEY = 'Zahlungsverkehr.Send.Bank.Ftp||password';
const SFTP_KEY = 'Billing.Send.Bank.Sftp||AdapterConfig/password';

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  out: Record<string, unknown>[];
}

function cli(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, BIZTALKBACKUP_SECRETS_PASSPHRASE: PASSPHRASE }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      const out = args.includes('--json') ? stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
      resolve({ exitCode: code ?? -1, stdout, stderr, out });
    });
  });
}

const results = (r: Run): Record<string, unknown>[] => r.out.filter((l) => l['kind'] === 'SecretLocation');

test('secrets list/set --json: keys on every location, summary counts of locations and missing values', async (t) => {
  const dir = await makeTempDir('cli-secrets');
  const store = path.join(dir, 'store');
  const file = path.join(dir, 'secrets.bin');
  t.is((await cli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);

  const before = await cli(['secrets', 'list', '--secrets-file', file, '--store', store, '--json']);
  t.is(before.exitCode, 0, before.stderr);
  t.deepEqual(results(before).map((r) => [r['key'], r['hasValue']]).sort(), [[SFTP_KEY, false], [FTP_KEY, false]]);
  t.like(before.out.at(-1), { type: 'summary', counts: { locations: 2, missing: 2 } });

  const set = await cli(['secrets', 'set', '--secrets-file', file, '--store', store, '--json'], JSON.stringify({ [FTP_KEY]: 'ftp-value-1' }));
  t.is(set.exitCode, 0, set.stderr);
  t.like(set.out.at(-1), { type: 'summary', counts: { set: 1, entries: 1, missing: 1 } });

  const one = await cli(['secrets', 'set', '--secrets-file', file, '--port', 'Orders.Receive', '--location', 'Orders.Receive.Sftp', '--field', 'password', '--json'], 'rl-value\n');
  t.is(one.exitCode, 0, one.stderr);
  t.deepEqual(results(one).map((r) => r['key']), ['Orders.Receive|Orders.Receive.Sftp|password']);
  t.like(one.out.at(-1), { counts: { set: 1, entries: 2, missing: 0 } });

  const after = await cli(['secrets', 'list', '--secrets-file', file, '--store', store, '--json']);
  t.like(after.out.at(-1), { counts: { locations: 2, missing: 1 } });
  const missing = await cli(['secrets', 'list', '--missing', '--secrets-file', file, '--store', store, '--json']);
  t.deepEqual(results(missing).map((r) => [r['key'], r['hasValue']]), [[SFTP_KEY, false]]);
  t.like(missing.out.at(-1), { counts: { locations: 1, missing: 1 } });
  const all = await cli(['secrets', 'list', '--secrets-file', file, '--json']);
  t.like(all.out.at(-1), { counts: { locations: 2, missing: 0 } });

  const human = await cli(['secrets', 'list', '--secrets-file', file, '--store', store]);
  t.regex(human.stdout, /Application\s+Port\s+Location\s+Field\s+Has value/);
  t.notRegex(human.stdout, /ftp-value-1|rl-value/);
});
