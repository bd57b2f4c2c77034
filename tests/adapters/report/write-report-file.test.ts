import test from 'ava';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeReportFile } from '../../../src/adapters/report/write-report-file.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { makeTempDir } from '../../support/cli.js';

test('--out naming a folder: E_IO whose target is that folder (not the temp file), and no temp file left', async (t) => {
  const dir = await makeTempDir('report-out-folder');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const folder = path.join(dir, 'reports');
  await mkdir(folder);
  const error = await t.throwsAsync(writeReportFile(folder, '<html></html>'), { instanceOf: BtsBackupError });
  t.is(error?.code, 'E_IO');
  t.is(error?.target, folder);
  t.deepEqual(await readdir(dir), ['reports']);
});
