import test from 'ava';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../support/cli.js';
import { auditInstallActions, INSTALL_ACTION_RULES, type AuditedResource } from '../../src/core/audit-install-actions.js';
import { parseBtsTaskArguments, splitWindowsCommandLine } from '../../src/adapters/simulator/btstask-grammar.js';

const ASM = 'Contoso.Facts, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef';

/** One case per row of the table: a resource that has the action and the same resource without it. */
const rows: Record<string, { resource: AuditedResource; without: Record<string, string>; fix: string }> = {
  'System.BizTalk:BizTalkAssembly|Gacutil': {
    resource: { type: 'System.BizTalk:BizTalkAssembly', luid: ASM, properties: { FullName: ASM, SourceLocation: 'C:\\Build\\Contoso.Facts.dll', DestinationLocation: '%BTAD_InstallDir%\\Contoso.Facts.dll', UpdateGac: 'True', UpdateGacOnImport: 'True', Gacutil: 'True' } },
    without: { Gacutil: 'False' },
    fix: 'BTSTask AddResource /ApplicationName:"Contoso App" /Type:System.BizTalk:BizTalkAssembly /Overwrite /Source:"C:\\Build\\Contoso.Facts.dll" /Destination:"%BTAD_InstallDir%\\Contoso.Facts.dll" /Options:GacOnAdd,GacOnImport,GacOnInstall',
  },
  'System.BizTalk:Assembly|Gacutil': {
    resource: { type: 'System.BizTalk:Assembly', luid: ASM, properties: { SourceLocation: 'C:\\Build\\Contoso.Facts.dll', UpdateGac: 'False', UpdateGacOnImport: 'True', Gacutil: 'True', Regasm: 'True', Regsvcs: 'False' } },
    without: { Gacutil: 'false' },
    fix: 'BTSTask AddResource /ApplicationName:"Contoso App" /Type:System.BizTalk:Assembly /Overwrite /Source:"C:\\Build\\Contoso.Facts.dll" /Options:GacOnImport,GacOnInstall,RegasmOnInstall',
  },
  'System.BizTalk:File|DestinationLocation': {
    resource: { type: 'System.BizTalk:File', luid: 'Contoso.config', properties: { SourceLocation: 'C:\\Build\\Contoso.config', DestinationLocation: 'C:\\Contoso\\Contoso.config' } },
    without: { DestinationLocation: '  ' },
    fix: 'BTSTask AddResource /ApplicationName:"Contoso App" /Type:System.BizTalk:File /Overwrite /Source:"C:\\Build\\Contoso.config" /Destination:"%BTAD_InstallDir%\\Contoso.config"',
  },
};

test('the table has a test case for every row', (t) => {
  t.deepEqual(Object.keys(rows).sort(), INSTALL_ACTION_RULES.map((r) => `${r.type}|${r.property}`).sort());
});

for (const [id, row] of Object.entries(rows)) {
  test(`${id}: present is clean; missing (false or blank) and absent are one finding with the exact fix`, (t) => {
    const rule = INSTALL_ACTION_RULES.find((r) => `${r.type}|${r.property}` === id)!;
    t.deepEqual(auditInstallActions('Contoso App', [row.resource]), []);
    const missing = { ...row.resource, properties: { ...row.resource.properties, ...row.without } };
    const [finding, ...rest] = auditInstallActions('Contoso App', [missing]);
    t.deepEqual(rest, []);
    t.is(finding?.type, rule.type);
    t.is(finding?.luid, row.resource.luid);
    t.is(finding?.option, rule.option);
    t.is(finding?.fix, row.fix);
    t.true(finding!.consoleFix.includes(rule.console) && finding!.consoleFix.includes(row.resource.luid));
    const absent = { ...row.resource, properties: Object.fromEntries(Object.entries(row.resource.properties).filter(([name]) => name !== rule.property)) };
    t.is(auditInstallActions('Contoso App', [absent])[0]?.option, rule.option);
    // The fix is a command line the BTSTask emulator's grammar (as strict as BTSTask's) accepts.
    const parsed = parseBtsTaskArguments(splitWindowsCommandLine(row.fix).slice(1));
    if (!parsed.ok) return t.fail(parsed.problem.errors.join('; '));
    t.is(parsed.invocation.command.name, 'AddResource');
    t.is(parsed.invocation.values.get('ApplicationName'), 'Contoso App');
    t.is(parsed.invocation.values.get('Source'), row.resource.properties['SourceLocation']);
    t.is(parsed.invocation.values.get('Overwrite'), true);
  });
}

test('types without a rule (bindings, policies, web directories) and a type in another case are judged by the table', (t) => {
  const others: AuditedResource[] = [
    { type: 'System.BizTalk:BizTalkBinding', luid: 'Application/A', properties: {} },
    { type: 'System.BizTalk:Rules', luid: 'RULE/P/1.0', properties: {} },
    { type: 'System.BizTalk:WebDirectory', luid: 'http://localhost/x', properties: {} },
  ];
  t.deepEqual(auditInstallActions('A', others), []);
  const lower = auditInstallActions('A', [{ type: 'system.biztalk:file', luid: 'x.config', properties: {} }]);
  t.deepEqual(lower.map((f) => [f.type, f.option]), [['System.BizTalk:File', 'Destination']]);
  t.true(lower[0]!.fix.includes('/Source:"<path to x.config>"'));
});

test('the README documents every row of the table', async (t) => {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  for (const rule of INSTALL_ACTION_RULES) t.regex(readme, new RegExp(`^\\| \`${rule.type}\` \\| \`${rule.property}\` \\| \`${rule.option}\` \\|`, 'm'), `${rule.type} ${rule.property}`);
});
