// The tar reader against archives written by the system's tar (ustar, as npm pack writes), and damaged ones.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isBtsBackupError } from '../../../src/errors/index.js';
import { readTarEntries } from '../../../src/formats/tar/tar-reader.js';

const run = promisify(execFile);

async function makeTar(files: Record<string, Uint8Array | string>): Promise<Uint8Array> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-tar-'));
  try {
    for (const [name, data] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, 'src', name)), { recursive: true });
      await writeFile(path.join(dir, 'src', name), data);
    }
    await run('tar', ['--format=ustar', '-cf', path.join(dir, 'a.tar'), '-C', path.join(dir, 'src'), ...Object.keys(files)]);
    return new Uint8Array(await readFile(path.join(dir, 'a.tar')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('readTarEntries returns every regular file with its bytes, in order (sizes across block boundaries, long prefixed names)', async (t) => {
  const big = new Uint8Array(1537).map((_, i) => i % 251);
  const long = `package/${'deep/'.repeat(25)}file.txt`;
  const tar = await makeTar({ 'package/package.json': '{"name":"x"}', 'package/bin/node.exe': big, [long]: 'x', 'package/empty': '' });
  const entries = readTarEntries(tar);
  t.deepEqual(entries.map((e) => e.name), ['package/package.json', 'package/bin/node.exe', long, 'package/empty']);
  t.deepEqual([...entries[1]!.data], [...big]);
  t.is(new TextDecoder().decode(entries[0]!.data), '{"name":"x"}');
  t.is(entries[3]!.data.length, 0);
});

test('readTarEntries: a changed header byte (checksum) or a cut-short file is E_INVALID_DATA', async (t) => {
  const tar = await makeTar({ 'package/bin/node.exe': new Uint8Array(2000).fill(7) });
  const tampered = tar.slice();
  tampered[0] = tampered[0]! ^ 1;
  for (const bad of [tampered, tar.subarray(0, 1024), tar.subarray(0, 700)]) {
    const error = t.throws(() => readTarEntries(bad, 'x.tgz'));
    t.true(isBtsBackupError(error) && error.code === 'E_INVALID_DATA');
  }
});
