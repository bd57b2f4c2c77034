import test from 'ava';
import { ownerOnlyAclCommand, windowsAccount } from '../../src/core/owner-only-acl.js';

// The command line that runs on Windows, tested here: chmod does nothing there (issue 16).
const cases: { folder: string; account: string }[] = [
  { folder: 'C:\\Users\\svc\\AppData\\Local\\Temp\\btsbackup-bind-a1b2c3', account: 'CONTOSO\\svc-biztalk' },
  { folder: 'C:\\Users\\Zoë Müller\\AppData\\Local\\Temp\\btsbackup-export-Zz09aa', account: 'ZAHLUNG\\zoë.müller' },
  { folder: '\\\\?\\D:\\temp with spaces\\btsbackup-restore-XXXXXX', account: 'svc' },
];
for (const c of cases) {
  test(`icacls for ${c.folder.slice(-28)}: inheritance removed, only ${c.account} granted, the folder one argument`, (t) => {
    const command = ownerOnlyAclCommand(c.folder, c.account);
    t.is(command.file, 'icacls.exe');
    t.deepEqual(command.args, [c.folder, '/inheritance:r', '/grant:r', `${c.account}:(OI)(CI)F`]);
  });
}

test('an account name that is empty or could smuggle another argument is refused', (t) => {
  for (const bad of ['', '  ', 'a\nb', 'x:(OI)F', 'a\0b']) t.throws(() => ownerOnlyAclCommand('C:\\t', bad), { instanceOf: RangeError }, JSON.stringify(bad));
});

test('the account is DOMAIN\\user when Windows names the domain', (t) => {
  t.is(windowsAccount('svc', 'CONTOSO'), 'CONTOSO\\svc');
  t.is(windowsAccount('svc', undefined), 'svc');
  t.is(windowsAccount('svc', ''), 'svc');
  t.is(windowsAccount('CONTOSO\\svc', 'OTHER'), 'CONTOSO\\svc');
});
