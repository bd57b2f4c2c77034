import test from 'ava';
import { fromSystemError } from '../../src/errors/index.js';

const systemError = (code: string, path?: string): Error => Object.assign(new Error(`${code}: boom`), { code, syscall: 'open', ...(path === undefined ? {} : { path }) });

const cases: { errno: string; code: string; category: string }[] = [
  { errno: 'EACCES', code: 'E_ACCESS_DENIED', category: 'PermissionDenied' },
  { errno: 'EPERM', code: 'E_ACCESS_DENIED', category: 'PermissionDenied' },
  { errno: 'EROFS', code: 'E_ACCESS_DENIED', category: 'PermissionDenied' },
  { errno: 'ENOSPC', code: 'E_DISK_FULL', category: 'WriteError' },
  { errno: 'ENOENT', code: 'E_IO', category: 'WriteError' },
  { errno: 'ENOTDIR', code: 'E_IO', category: 'WriteError' },
  { errno: 'EBUSY', code: 'E_STORE_BUSY', category: 'ResourceBusy' },
  { errno: 'EIO', code: 'E_IO', category: 'WriteError' },
];

for (const c of cases) {
  test(`an OS error ${c.errno} becomes ${c.code} naming the path, with a hint`, (t) => {
    const typed = fromSystemError(systemError(c.errno, '\\\\backupsrv\\bts$\\PROD\\sets\\x.json'));
    t.is(typed?.code as string | undefined, c.code);
    t.is(typed?.category, c.category);
    t.is(typed?.target, '\\\\backupsrv\\bts$\\PROD\\sets\\x.json');
    t.truthy(typed?.hint);
  });
}

test('anything that is not a known OS error is left alone (it is a bug, reported as such)', (t) => {
  t.is(fromSystemError(new TypeError('x is undefined')), undefined);
  t.is(fromSystemError(systemError('EWEIRD')), undefined);
  t.is(fromSystemError('EACCES'), undefined);
});
