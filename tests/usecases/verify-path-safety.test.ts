import test from 'ava';
import { caseCollisions, checkRelativePath, isSafeName, relativePathProblem } from '../../src/core/path-safety.js';

const unsafe: [string, RegExp][] = [
  ['', /empty/],
  ['/etc/passwd', /absolute/],
  ['\\Windows\\win.ini', /absolute/],
  ['\\\\server\\share\\x.msi', /UNC/],
  ['//server/share/x.msi', /UNC/],
  ['C:\\x.msi', /absolute drive/],
  ['C:x.msi', /drive-relative/],
  ['..', /".." segment/],
  ['a/../../b', /".." segment/],
  ['a\\..\\b', /".." segment/],
  ['./x', /"\." segment/],
  ['a//b', /empty path segment/],
  ['x.msi:Zone.Identifier', /colon/],
  ['CON', /reserved device/],
  ['con.xml', /reserved device/],
  ['NUL', /reserved device/],
  ['COM1.msi', /reserved device/],
  ['lpt9', /reserved device/],
  ['dir/AUX/x', /reserved device/],
  ['trailing.', /trailing dot or space/],
  ['trailing ', /trailing dot or space/],
  ['dir./x', /trailing dot or space/],
  ['a<b', /forbids/],
  ['a|b', /forbids/],
  ['a?b', /forbids/],
  ['a*b', /forbids/],
  ['a"b', /forbids/],
  ['a\u0001b', /forbids/],
  ['x'.repeat(256), /longer than/],
];

for (const [path, problem] of unsafe) {
  test(`unsafe: ${JSON.stringify(path.slice(0, 30))}`, (t) => {
    t.regex(relativePathProblem(path) ?? '(safe)', problem);
    t.throws(() => checkRelativePath(path, 'test'), { code: 'E_PATH_UNSAFE' });
  });
}

for (const path of ['Contoso.Orders.msi', 'Zahlungsverkehr Süd.bindings.xml', 'bin/Service.dll', 'BizTalkAssembly\\ABC\\Orders.dll', '_CON~1a2b3c4d.msi', 'COM10.txt', 'console.log', 'a.b.c']) {
  test(`safe: ${path}`, (t) => {
    t.is(relativePathProblem(path), undefined);
    t.notThrows(() => checkRelativePath(path, 'test'));
  });
}

test('isSafeName refuses separators; caseCollisions groups names equal but for case', (t) => {
  t.true(isSafeName('Orders.msi'));
  t.false(isSafeName('a/b'));
  t.false(isSafeName('a\\b'));
  t.deepEqual(caseCollisions(['App.msi', 'b', 'app.MSI', 'B', 'c']), [['App.msi', 'app.MSI'], ['b', 'B']]);
  t.deepEqual(caseCollisions(['x', 'x']), [], 'the same name twice is not a case collision');
});
