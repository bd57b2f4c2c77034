import test from 'ava';
import type { Manifest, ManifestApplication, ManifestWarning } from '../../src/core/manifest.js';
import { buildReportModel, cliQuote, psQuote, type ReportInput, type ReportVerdict } from '../../src/core/report-model.js';
import { buildRunRecord, type RunRecord } from '../../src/core/run-record.js';
import { emptyBindingsSummary } from '../../src/core/bindings-summary.js';

const SET = '20261101T020000Z-abc123';
const sha = (c: string): string => c.repeat(64).slice(0, 64);

function app(name: string, references: string[] = [], extra: Partial<ManifestApplication> = {}): ManifestApplication {
  return {
    name,
    description: `${name} application`,
    isDefault: false,
    status: 'Started',
    references,
    backupStatus: 'Exported',
    exportedIn: SET,
    fingerprint: sha('f'),
    reasons: ['new application'],
    resources: [{ type: 'System.BizTalk:BizTalkAssembly', luid: `${name}.Schemas, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef`, properties: { Gacutil: 'True' } }],
    bindingsFingerprint: sha('b'),
    bindings: emptyBindingsSummary(),
    packagedAssemblies: [],
    artifacts: [
      { kind: 'msi', name: `${name}.msi`, sha256: sha('1'), size: 40_000 },
      { kind: 'bindings', name: `${name}.bindings.xml`, sha256: sha('2'), size: 1_500 },
    ],
    ...extra,
  };
}

function manifest(apps: ManifestApplication[], extra: Partial<Manifest> = {}): Manifest {
  return {
    schemaVersion: 1,
    setId: SET,
    createdAt: '2026-11-01T02:00:00.000Z',
    createdBy: { user: 'CONTOSO\\svc', host: 'BTS01' },
    tool: { name: 'BizTalkBackup', version: '0.1.0' },
    group: { server: 'SQL01', database: 'BizTalkMgmtDb', biztalkVersion: '3.13.717.0', source: 'simulator' },
    parent: null,
    full: false,
    importOrder: apps.map((a) => a.name),
    applications: apps,
    extras: [],
    warnings: [],
    failures: [],
    redactions: [],
    ...extra,
  };
}

const verified = (end: string, objectsRead: number, exitCode = 0, setId?: string): RunRecord =>
  buildRunRecord({ operation: 'verify', start: new Date(Date.parse(end) - 1000), end: new Date(end), exitCode, counts: { objectsRead }, setId, warnings: 0, errorCodes: [], host: 'h', user: 'u', tool: 'BizTalkBackup', toolVersion: '0.1.0' });

const masked = (application: string, port: string): ManifestWarning => ({ kind: 'MaskedPassword', application, message: `password of ${port} masked`, location: { port, field: 'password' } });

const base = (m: Manifest, extra: Partial<ReportInput> = {}): ReportInput => ({ manifest: m, store: 'D:\\Backups', generatedAt: '2026-11-02T08:00:00.000Z', runRecords: [verified('2026-11-01T03:00:00.000Z', 12)], ...extra });

const ordered = [app('Shared'), app('Orders', ['Shared']), app('Billing', ['Orders', 'Shared'])];

const verdictCases: { title: string; input: ReportInput; verdict: ReportVerdict; blockers?: RegExp[]; gaps?: RegExp[] }[] = [
  { title: 'verified, recent, complete: ready', input: base(manifest(ordered)), verdict: 'ready' },
  { title: 'never verified: a gap', input: base(manifest(ordered), { runRecords: [] }), verdict: 'ready-with-gaps', gaps: [/not been verified/] },
  { title: 'a verification before the set was written does not count', input: base(manifest(ordered), { runRecords: [verified('2026-10-30T00:00:00.000Z', 3)] }), verdict: 'ready-with-gaps', gaps: [/not been verified/] },
  { title: 'a verification of another set (run log set id) does not count', input: base(manifest(ordered), { runRecords: [verified('2026-11-01T03:00:00.000Z', 3, 0, '20261020T020000Z-000000')] }), verdict: 'ready-with-gaps', gaps: [/not been verified/] },
  { title: 'a verification of this very set counts', input: base(manifest(ordered), { runRecords: [verified('2026-11-01T03:00:00.000Z', 3, 0, SET)] }), verdict: 'ready' },
  { title: 'the last verification failed: not ready', input: base(manifest(ordered), { runRecords: [verified('2026-11-01T03:00:00.000Z', 3), verified('2026-11-01T04:00:00.000Z', 3, 12)] }), verdict: 'not-ready', blockers: [/verification .* failed/] },
  { title: 'older than 7 days: a gap', input: base(manifest(ordered), { generatedAt: '2026-11-20T00:00:00.000Z' }), verdict: 'ready-with-gaps', gaps: [/18 days old/] },
  {
    title: 'a failed application with no older backup: not ready, named',
    input: base(manifest(ordered, { failures: [{ application: 'Portal', code: 'E_BTSTASK_FAILED', message: 'ExportApp failed' }] })),
    verdict: 'not-ready',
    blockers: [/"Portal" failed to back up \(E_BTSTASK_FAILED\) and is not in this set/],
  },
  {
    title: 'masked passwords without a secrets file: a gap',
    input: base(manifest(ordered, { warnings: [masked('Billing', 'Bank.Sftp')] })),
    verdict: 'ready-with-gaps',
    gaps: [/1 masked password\(s\) .* no secrets file/],
  },
  {
    title: 'a secrets file without the value: not ready, naming the port',
    input: base(manifest(ordered, { warnings: [masked('Billing', 'Bank.Sftp'), masked('Orders', 'Ftp')] }), { secrets: { file: 'prod.secrets', keys: [{ port: 'Ftp', field: 'password' }] } }),
    verdict: 'not-ready',
    blockers: [/send port "Bank\.Sftp" \(password\) in "Billing"/],
  },
  {
    title: 'a secrets file with every value: ready',
    input: base(manifest(ordered, { warnings: [masked('Billing', 'Bank.Sftp')] }), { secrets: { file: 'prod.secrets', keys: [{ application: 'billing', port: 'Bank.Sftp', field: 'password' }] } }),
    verdict: 'ready',
  },
  {
    title: 'a reference to an application not in the set: not ready',
    input: base(manifest([app('Orders', ['Shared'])])),
    verdict: 'not-ready',
    blockers: [/"Orders" references "Shared", which is not in this set/],
  },
  {
    title: 'missing dependency, stale artifact, missing install action: gaps',
    input: base(
      manifest(ordered, {
        warnings: [
          { kind: 'MissingDependency', application: 'Orders', message: 'Contoso.Helpers is referenced but not found' },
          { kind: 'StaleArtifact', application: 'Shared', message: 'GAC differs' },
          { kind: 'MissingInstallAction', application: 'Billing', message: 'no GacOnInstall' },
        ],
      }),
    ),
    verdict: 'ready-with-gaps',
    gaps: [/Missing dependency in "Orders"/, /Stale artifact in "Shared"/, /1 resource\(s\) lack an install action/],
  },
  {
    title: 'live: an application added in the group is not ready, a changed one a gap',
    input: base(manifest(ordered), { live: { results: [{ application: 'New', status: 'Added', reasons: [] }, { application: 'Orders', status: 'Changed', reasons: ['x'] }] } }),
    verdict: 'not-ready',
    blockers: [/"New" is in the group but not in this set/],
    gaps: [/"Orders" changed in the group/],
  },
];

for (const c of verdictCases) {
  test(`verdict: ${c.title}`, (t) => {
    const model = buildReportModel(c.input);
    t.is(model.verdict, c.verdict, JSON.stringify({ blockers: model.blockers, gaps: model.gaps }));
    for (const re of c.blockers ?? []) t.true(model.blockers.some((b) => re.test(b)), `${String(re)} in ${JSON.stringify(model.blockers)}`);
    for (const re of c.gaps ?? []) t.true(model.gaps.some((g) => re.test(g)), `${String(re)} in ${JSON.stringify(model.gaps)}`);
    if (c.verdict !== 'not-ready') t.deepEqual(model.blockers, []);
  });
}

test('readiness counts: applications by state, masked passwords with and without a value, verification how', (t) => {
  const m = manifest([app('Shared'), app('Orders', ['Shared'], { backupStatus: 'Unchanged', exportedIn: '20261020T020000Z-000000' }), app('Billing', ['Orders'], { backupStatus: 'Failed' })], {
    warnings: [masked('Orders', 'A'), masked('Orders', 'B'), masked('Orders', 'A')],
    failures: [{ application: 'Billing', code: 'E_BTSTASK_FAILED', message: 'no' }],
    redactions: [{ application: 'Shared', artifact: 'Shared.msi', file: 'app.config', kind: 'ConnectionStringPassword', location: { port: 'file:app.config', field: 'connectionStrings/Db' } }],
  });
  const model = buildReportModel(base(m, { secrets: { file: 's', keys: [{ port: 'A', field: 'password' }] } }));
  t.like(model.readiness.applications, { total: 3, exported: 1, unchanged: 1, failed: 1, withWarnings: 1 });
  t.like(model.readiness.maskedPasswords, { total: 3, withValue: 1, withoutValue: 2, secretsFile: 's' });
  t.deepEqual(model.readiness.verification, { state: 'verified', at: '2026-11-01T03:00:00.000Z', how: 'read-data' });
  t.is(buildReportModel(base(m, { runRecords: [verified('2026-11-01T03:00:00.000Z', 0)] })).readiness.verification.how, 'structure');
  const billing = model.applications.find((a) => a.name === 'Billing')!;
  t.is(billing.state, 'failed');
  t.is(billing.lastChangedIn, SET);
  t.true(model.blockers.some((b) => /"Billing" failed .* holds its older backup/.test(b)));
  t.is(model.applications.find((a) => a.name === 'Orders')!.lastChangedIn, '20261020T020000Z-000000');
  t.is(model.applications.find((a) => a.name === 'Orders')!.lastChangedAt, '2026-10-20T02:00:00.000Z');
  t.is(model.applications.find((a) => a.name === 'Shared')!.lastChangedAt, '2026-11-01T02:00:00.000Z');
});

test('runbook: prerequisites, then one step per application in import order with exact commands, then GAC, then verification', (t) => {
  const m = manifest([app('Shared'), app('Orders', ['Shared']), app("O'Brien [EU]", ['Orders'])], { warnings: [masked("O'Brien [EU]", 'Ftp')] });
  const model = buildReportModel(base(m, { store: '\\\\backup01\\BizTalk Backups' }));
  t.deepEqual(model.runbook.map((s) => s.phase), ['prerequisites', 'prerequisites', 'prerequisites', 'prerequisites', 'prerequisites', 'applications', 'applications', 'applications', 'gac', 'verify']);
  t.deepEqual(model.runbook.map((s) => s.number), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  t.deepEqual(model.runbook.filter((s) => s.phase === 'applications').map((s) => s.application), ['Shared', 'Orders', "O'Brien [EU]"]);
  const last = model.runbook[7]!;
  t.is(last.commands[0]!.ps, `Import-BtsAppBackup -Path '\\\\backup01\\BizTalk Backups' -SetId ${SET} -Name 'O''Brien \`[EU\`]' -SecretsFile '<secrets file>' -SecretsPassphrase $passphrase`);
  t.is(last.commands[0]!.cli, `btsbackup restore --store "\\\\backup01\\BizTalk Backups" --set ${SET} --name "O'Brien [[]EU]" --secrets-file "<secrets file>"`);
  t.is(model.runbook[6]!.commands[0]!.cli, `btsbackup restore --store "\\\\backup01\\BizTalk Backups" --set ${SET} --name Orders`);
  t.regex(model.runbook[9]!.commands[0]!.cli, /^btsbackup compare --store .* --against 20261101T020000Z-abc123$/);
});

test('a failed application without an older backup is a runbook step that says so, in reference order', (t) => {
  const m = manifest([app('Shared')], { failures: [{ application: 'Portal', code: 'E_PACKAGE_MISMATCH', message: 'x' }] });
  const model = buildReportModel(base(m));
  const step = model.runbook.find((s) => s.application === 'Portal')!;
  t.deepEqual(step.commands, []);
  t.regex(step.details[0]!, /Not in this backup.*E_PACKAGE_MISMATCH/);
  t.deepEqual(model.graph.nodes.map((n) => [n.name, n.state]), [['Shared', 'exported'], ['Portal', 'failed']]);
});

test('what the backup does not hold: hosts with trust and type, handlers, SSO, certificates, localhost web directories, unpackaged pipelines', (t) => {
  const orders = app('Orders', [], {
    bindings: {
      sendPorts: [{ name: 'S', transport: 'FILE', address: 'x', host: 'SendHost', hostTrusted: true, filter: '', configHash: '' }],
      receiveLocations: [{ port: 'R', name: 'RL', transport: 'WCF-BasicHttp', address: '/svc', host: 'IsoHost', hostTrusted: false, enabled: true, configHash: '' }],
      sendPortGroups: [],
      services: [{ name: 'Orch', host: 'AppHost', hostTrusted: false }],
    },
    resources: [
      { type: 'System.BizTalk:WebDirectory', luid: 'http://localhost/Svc', properties: {} },
      { type: 'System.BizTalk:WebDirectory', luid: 'http://web01/Svc', properties: {} },
      { type: 'System.BizTalk:BizTalkAssembly', luid: 'Orders.Pipelines, Version=1.0.0.0', properties: {} },
    ],
  });
  const externals = new Map([
    [
      'Orders',
      {
        ssoAffiliateApplications: [{ name: 'SapAffiliate', where: 'send port "S"' }],
        certificates: [{ thumbprint: 'ab'.repeat(20), where: 'send port "S"' }],
        pipelines: [
          { name: 'P1', assembly: 'Orders.Pipelines, Version=1.0.0.0', where: 'send port "S"' },
          { name: 'P2', assembly: 'Partner.Components, Version=2.0.0.0', where: 'receive location "RL"' },
          { name: 'XMLReceive', assembly: 'Microsoft.BizTalk.DefaultPipelines, Version=3.0.1.0', where: 'receive location "RL"' },
        ],
      },
    ],
  ]);
  const model = buildReportModel(base(manifest([orders]), { bindingExternals: externals }));
  t.deepEqual(model.notHeld.hosts.map((h) => [h.name, h.type, h.trusted]), [['AppHost', 'InProcess', false], ['IsoHost', 'Isolated', false], ['SendHost', 'InProcess', true]]);
  t.deepEqual(model.notHeld.handlers.map((h) => `${h.adapter}/${h.direction}/${h.host}`), ['WCF-BasicHttp/Receive/IsoHost', 'FILE/Send/SendHost']);
  t.deepEqual(model.notHeld.ssoAffiliateApplications, [{ name: 'SapAffiliate', usedBy: ['Orders'] }]);
  t.deepEqual(model.notHeld.certificates.map((c) => c.thumbprint), ['AB'.repeat(20)]);
  t.deepEqual(model.notHeld.webDirectories, [{ application: 'Orders', url: 'http://localhost/Svc' }]);
  t.deepEqual(model.notHeld.unpackaged.map((u) => u.what), ['pipeline P2 (Partner.Components)']);
  t.true(model.notHeld.serviceConfiguration.some((s) => s.startsWith('BTSNTSvc.exe.config')));
  t.deepEqual(model.graph.edges, []);
});

test('graph: references as edges between applications of the set, nodes in import order', (t) => {
  const model = buildReportModel(base(manifest(ordered)));
  t.deepEqual(model.graph.nodes.map((n) => `${n.importOrder}:${n.name}`), ['1:Shared', '2:Orders', '3:Billing']);
  t.deepEqual(model.graph.edges, [{ from: 'Orders', to: 'Shared' }, { from: 'Billing', to: 'Orders' }, { from: 'Billing', to: 'Shared' }]);
});

test('the model is deterministic and holds no secret value', (t) => {
  const input = base(manifest(ordered, { warnings: [masked('Billing', 'Bank')] }), { secrets: { file: 'f', keys: [{ port: 'Bank', field: 'password' }] } });
  t.deepEqual(buildReportModel(input), buildReportModel(input));
});

const quoting: [string, string, string][] = [
  ['plain', "'plain'", 'plain'],
  ["O'Brien", "'O''Brien'", '"O\'Brien"'],
  ['with space', "'with space'", '"with space"'],
  ['say "hi"', "'say \"hi\"'", '"say \\"hi\\""'],
  ['C:\\dir\\', "'C:\\dir\\'", 'C:\\dir\\'],
  ['C:\\my dir\\', "'C:\\my dir\\'", '"C:\\my dir\\\\"'],
  ['@splat', "'@splat'", '"@splat"'],
];
for (const [value, ps, cli] of quoting) {
  test(`quoting ${value}`, (t) => {
    t.is(psQuote(value), ps);
    t.is(cliQuote(value), cli);
  });
}

test('a manifest application without a bindings summary reads as no bindings (as restore reads it), not a crash', (t) => {
  const bare = app('Legacy') as Partial<ManifestApplication>;
  delete bare.bindings;
  const model = buildReportModel(base(manifest([app('Shared'), bare as ManifestApplication])));
  t.deepEqual(model.applications.find((a) => a.name === 'Legacy')!.hosts, []);
  t.is(model.applications.length, 2);
});
