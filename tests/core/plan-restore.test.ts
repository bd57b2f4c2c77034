import test from 'ava';
import { emptyBindingsSummary, type BindingsSummary } from '../../src/core/bindings-summary.js';
import { MANIFEST_SCHEMA_VERSION, type ArtifactRef, type Manifest, type ManifestApplication } from '../../src/core/manifest.js';
import { countSteps, planRestore, type ObjectCheck, type PlanRestoreOptions, type RestorePlan, type TargetInventory } from '../../src/core/plan-restore.js';
import { isBtsBackupError } from '../../src/errors/index.js';

const hex = (n: number): string => n.toString(16).padStart(64, '0');
let counter = 0;
const obj = (kind: ArtifactRef['kind'], name: string, extra: Partial<ArtifactRef> = {}): ArtifactRef => ({ kind, name, sha256: hex(++counter), size: 10, ...extra });

function app(name: string, references: string[] = [], bindings: Partial<BindingsSummary> = {}, extra: Partial<ManifestApplication> = {}): ManifestApplication {
  return {
    name,
    description: '',
    isDefault: false,
    status: 'Started',
    references,
    backupStatus: 'Exported',
    exportedIn: 'set1',
    fingerprint: `fp-${name}`,
    reasons: [],
    // ListApp lists the bindings ExportApp generates as a resource of their own
    resources: [{ type: 'System.BizTalk:BizTalkBinding', luid: `Application/${name}`, properties: {} }],
    bindingsFingerprint: `b-${name}`,
    bindings: { ...emptyBindingsSummary(), ...bindings },
    packagedAssemblies: [],
    artifacts: [obj('msi', `${name}.msi`), obj('bindings', `${name}.bindings.xml`)],
    ...extra,
  };
}

function manifest(applications: ManifestApplication[], warnings: Manifest['warnings'] = []): Manifest {
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    setId: 'set1',
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: { user: 'u', host: 'h' },
    tool: { name: 'BizTalkBackup', version: 'test' },
    group: { server: 's', database: 'd', source: 'simulator' },
    parent: null,
    full: true,
    importOrder: applications.map((a) => a.name),
    applications,
    extras: [],
    warnings,
    failures: [],
    redactions: [],
  };
}

const emptyTarget = (): TargetInventory => ({
  applications: [
    { name: 'BizTalk.System', isSystem: true, isDefault: false, references: [], resourceCount: 1, fingerprint: null },
    { name: 'BizTalk Application 1', isSystem: false, isDefault: true, references: [], resourceCount: 0, fingerprint: 'empty' },
  ],
  hosts: [
    { name: 'SendHost', trusted: false, type: 'InProcess' },
    { name: 'TrustedHost', trusted: true, type: 'InProcess' },
  ],
  handlers: [{ adapter: 'FILE', host: 'SendHost', direction: 'Send' }],
});

const allOk = (m: Manifest, override: Record<string, ObjectCheck> = {}): Map<string, ObjectCheck> =>
  new Map(m.applications.flatMap((a) => a.artifacts).map((a) => [a.sha256, override[a.name] ?? { status: 'ok' as const }]));

function options(m: Manifest, extra: Partial<PlanRestoreOptions> = {}): PlanRestoreOptions {
  return { mode: 'import', objectChecks: allOk(m), hasSecret: () => false, ...extra };
}

const statusOf = (plan: RestorePlan, name: string): string | undefined => plan.applications.find((a) => a.name === name)?.status;
const codesOf = (plan: RestorePlan, name: string): string[] => plan.applications.find((a) => a.name === name)?.problems.map((p) => p.code) ?? [];

const sendPort = (host: string, hostTrusted: boolean, transport = 'FILE') => ({ name: `P-${host}`, transport, address: 'x', host, hostTrusted, filter: '', configHash: '' });

interface Case {
  title: string;
  apps: ManifestApplication[];
  warnings?: Manifest['warnings'];
  target?: (t: TargetInventory) => void;
  options?: (m: Manifest) => Partial<PlanRestoreOptions>;
  expect: Record<string, { status: string; codes?: string[] }>;
  order?: string[];
}

const cases: Case[] = [
  {
    title: 'a fresh group: every application planned in reference order',
    apps: [app('C', ['B']), app('B', ['A']), app('A')],
    expect: { A: { status: 'Planned' }, B: { status: 'Planned' }, C: { status: 'Planned' } },
    order: ['A', 'B', 'C'],
  },
  {
    title: 'a host named in the bindings is missing',
    apps: [app('A', [], { sendPorts: [sendPort('GhostHost', false)] }), app('B')],
    expect: { A: { status: 'Blocked', codes: ['E_HOST_MISSING'] }, B: { status: 'Planned' } },
  },
  {
    title: 'a host has the wrong trust level',
    apps: [app('A', [], { services: [{ name: 'Orch', host: 'TrustedHost', hostTrusted: false }] })],
    expect: { A: { status: 'Blocked', codes: ['E_TRUST_MISMATCH'] } },
  },
  {
    title: 'an adapter handler is missing on an existing host',
    apps: [app('A', [], { sendPorts: [sendPort('SendHost', false, 'SFTP')] })],
    expect: { A: { status: 'Blocked', codes: ['E_HOST_MISSING'] } },
  },
  {
    title: 'a cycle blocks its members and names them; the others go on',
    apps: [app('A', ['B']), app('B', ['A']), app('C')],
    expect: { A: { status: 'Blocked', codes: ['E_REFERENCE_CYCLE'] }, B: { status: 'Blocked', codes: ['E_REFERENCE_CYCLE'] }, C: { status: 'Planned' } },
  },
  {
    title: 'a referenced application left out by -Name is an error naming both',
    apps: [app('A'), app('B', ['A'])],
    options: () => ({ include: ['B'] }),
    expect: { B: { status: 'Blocked', codes: ['E_REFERENCE_MISSING'] }, A: { status: 'Skipped' } },
  },
  {
    title: '--include-referenced pulls the referenced application in',
    apps: [app('A'), app('B', ['A']), app('Other')],
    options: () => ({ include: ['B'], includeReferenced: true }),
    expect: { A: { status: 'Planned' }, B: { status: 'Planned' }, Other: { status: 'Skipped' } },
    order: ['A', 'B'],
  },
  {
    title: 'a referenced application already in the target is fine',
    apps: [app('B', ['A'])],
    target: (t) => t.applications.push({ name: 'A', isSystem: false, isDefault: false, references: [], resourceCount: 3, fingerprint: 'x' }),
    expect: { B: { status: 'Planned' } },
  },
  {
    title: 'an application referencing one that is in no set and not in the target',
    apps: [app('B', ['Nowhere'])],
    expect: { B: { status: 'Blocked', codes: ['E_REFERENCE_MISSING'] } },
  },
  {
    title: 'a dependent of a blocked application is blocked too',
    apps: [app('A', [], { sendPorts: [sendPort('GhostHost', false)] }), app('B', ['A'])],
    expect: { A: { status: 'Blocked', codes: ['E_HOST_MISSING'] }, B: { status: 'Blocked', codes: ['E_REFERENCE_MISSING'] } },
  },
  {
    title: 'a corrupt object blocks its application before any call',
    apps: [app('A'), app('B')],
    options: (m) => ({ objectChecks: allOk(m, { 'A.msi': { status: 'mismatch', actualSha256: hex(999) } }) }),
    expect: { A: { status: 'Blocked', codes: ['E_CHECKSUM_MISMATCH'] }, B: { status: 'Planned' } },
  },
  {
    title: 'a missing object blocks its application',
    apps: [app('A'), app('B')],
    options: (m) => ({ objectChecks: allOk(m, { 'B.bindings.xml': { status: 'missing' } }) }),
    expect: { A: { status: 'Planned' }, B: { status: 'Blocked', codes: ['E_OBJECT_MISSING'] } },
  },
  {
    title: 'path-traversal and device names in the manifest are refused',
    apps: [
      app('A', [], {}, { artifacts: [obj('msi', '..\\..\\Windows\\evil.msi'), obj('bindings', 'A.bindings.xml')] }),
      app('B', [], {}, { artifacts: [obj('msi', 'B.msi'), obj('dependency', 'CON.dll')] }),
      app('C', [], {}, { artifacts: [obj('msi', 'C:evil.msi')] }),
      app('D', [], {}, { artifacts: [obj('msi', 'D.msi'), obj('bindings', 'd.MSI')] }),
      app('E'),
    ],
    expect: { A: { status: 'Blocked', codes: ['E_PATH_UNSAFE'] }, B: { status: 'Blocked', codes: ['E_PATH_UNSAFE'] }, C: { status: 'Blocked', codes: ['E_PATH_UNSAFE'] }, D: { status: 'Blocked', codes: ['E_PATH_UNSAFE'] }, E: { status: 'Planned' } },
  },
  {
    title: 'an existing, different application without --overwrite is E_TARGET_EXISTS',
    apps: [app('A')],
    target: (t) => t.applications.push({ name: 'a', isSystem: false, isDefault: false, references: [], resourceCount: 2, fingerprint: 'other' }),
    expect: { A: { status: 'Blocked', codes: ['E_TARGET_EXISTS'] } },
  },
  {
    title: 'with --overwrite the same application is planned with /Overwrite',
    apps: [app('A')],
    target: (t) => t.applications.push({ name: 'A', isSystem: false, isDefault: false, references: [], resourceCount: 2, fingerprint: 'other' }),
    options: () => ({ overwrite: true }),
    expect: { A: { status: 'Planned' } },
  },
  {
    title: 'an application whose target fingerprint matches is Unchanged with no steps',
    apps: [app('A'), app('B', ['A'])],
    target: (t) => t.applications.push({ name: 'A', isSystem: false, isDefault: false, references: [], resourceCount: 2, fingerprint: 'fp-A' }),
    expect: { A: { status: 'Unchanged' }, B: { status: 'Planned' } },
  },
  {
    title: 'BizTalk.System in a set is never touched',
    apps: [app('BizTalk.System'), app('A')],
    expect: { 'BizTalk.System': { status: 'Skipped' }, A: { status: 'Planned' } },
  },
  {
    title: 'a masked password without a secret blocks the application',
    apps: [app('A'), app('B')],
    warnings: [{ kind: 'MaskedPassword', application: 'A', message: 'm', location: { port: 'P', field: 'password' } }],
    expect: { A: { status: 'Blocked', codes: ['E_SECRET_MISSING'] }, B: { status: 'Planned' } },
  },
  {
    title: 'a masked password with a secret is planned for injection',
    apps: [app('A')],
    warnings: [{ kind: 'MaskedPassword', application: 'A', message: 'm', location: { port: 'P', field: 'password' } }],
    options: () => ({ hasSecret: (a, l) => a === 'A' && l.port === 'P' }),
    expect: { A: { status: 'Planned' } },
  },
  {
    title: 'problems are reported together, not only the first',
    apps: [app('A', ['Nowhere'], { sendPorts: [sendPort('GhostHost', false)] })],
    warnings: [{ kind: 'MaskedPassword', application: 'A', message: 'm', location: { port: 'P', field: 'password' } }],
    options: (m) => ({ objectChecks: allOk(m, { 'A.msi': { status: 'missing' } }) }),
    expect: { A: { status: 'Blocked', codes: ['E_REFERENCE_MISSING', 'E_HOST_MISSING', 'E_SECRET_MISSING', 'E_OBJECT_MISSING'] } },
  },
];

for (const c of cases) {
  test(`planRestore: ${c.title}`, (t) => {
    const m = manifest(c.apps, c.warnings);
    const target = emptyTarget();
    c.target?.(target);
    const plan = planRestore(m, target, options(m, c.options?.(m)));
    for (const [name, want] of Object.entries(c.expect)) {
      t.is(statusOf(plan, name), want.status, `${name} status`);
      if (want.codes !== undefined) t.deepEqual([...codesOf(plan, name)].sort(), [...want.codes].sort(), `${name} codes`);
      const entry = plan.applications.find((a) => a.name === name);
      if (want.status !== 'Planned') t.deepEqual(entry?.steps, [], `${name} has no steps`);
    }
    if (c.order !== undefined) t.deepEqual(plan.applications.filter((a) => a.status === 'Planned').map((a) => a.name), c.order);
  });
}

test('import steps: explicit /ApplicationName, references ImportApp skips, then the bindings; /Overwrite only when asked', (t) => {
  const m = manifest([app('A'), app('B', ['A'])], [{ kind: 'MaskedPassword', application: 'B', message: 'm', location: { port: 'P', field: 'password' } }]);
  const plan = planRestore(m, emptyTarget(), options(m, { hasSecret: () => true, environment: 'PROD', installOnThisServer: true }));
  const b = plan.applications.find((a) => a.name === 'B')!;
  t.deepEqual(
    b.steps.map((s) => s.action),
    ['ImportApp', 'AddReference', 'ImportBindings', 'InstallMsi'],
  );
  const importApp = b.steps[0]!;
  t.true(importApp.action === 'ImportApp' && importApp.application === 'B' && importApp.overwrite === false && importApp.environment === 'PROD');
  const bindings = b.steps[2]!;
  t.true(bindings.action === 'ImportBindings' && bindings.secrets.length === 1);
  t.deepEqual(countSteps(plan), { ImportApp: 2, AddReference: 1, ImportBindings: 2, InstallMsi: 2, InstallAssembly: 0 });
  // every application-scoped step names its application
  for (const step of plan.applications.flatMap((a) => a.steps)) t.not(step.application, '');
});

test('the environment variant of the bindings is used when the set holds one', (t) => {
  const a = app('A');
  a.artifacts.push(obj('bindings', 'A.PROD.bindings.xml'));
  const m = manifest([a]);
  const plan = planRestore(m, emptyTarget(), options(m, { environment: 'prod' }));
  const step = plan.applications[0]!.steps.find((s) => s.action === 'ImportBindings');
  t.true(step?.action === 'ImportBindings' && step.bindings.name === 'A.PROD.bindings.xml');
  const plain = planRestore(m, emptyTarget(), options(m));
  const plainStep = plain.applications[0]!.steps.find((s) => s.action === 'ImportBindings');
  t.true(plainStep?.action === 'ImportBindings' && plainStep.bindings.name === 'A.bindings.xml');
});

test('a -Name that matches nothing in the set is an error, not an empty restore', (t) => {
  const m = manifest([app('A')]);
  const error = t.throws(() => planRestore(m, emptyTarget(), options(m, { include: ['Typo'] })));
  t.true(isBtsBackupError(error) && error.code === 'E_APP_NOT_FOUND');
});

test('install mode: MSI and harvested DLLs; Unchanged when the GAC already holds the same bytes', (t) => {
  const dep = obj('dependency', 'Helpers.dll', { assembly: 'Helpers, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef' });
  const a = app('A', [], {}, { packagedAssemblies: [{ fullName: 'A, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef', sha256: hex(500) }] });
  a.artifacts.push(dep);
  const m = manifest([a]);
  const target = emptyTarget();
  target.applications.push({ name: 'A', isSystem: false, isDefault: false, references: [], resourceCount: 2, fingerprint: 'fp-A' });
  target.installedAssemblies = new Map();
  const plan = planRestore(m, target, options(m, { mode: 'install' }));
  t.deepEqual(plan.applications[0]!.steps.map((s) => s.action), ['InstallMsi', 'InstallAssembly']);
  target.installedAssemblies = new Map([
    ['a, version=1.0.0.0, culture=neutral, publickeytoken=0123456789abcdef', hex(500)],
    [dep.assembly!.toLowerCase(), dep.sha256],
  ]);
  const again = planRestore(m, target, options(m, { mode: 'install' }));
  t.is(again.applications[0]!.status, 'Unchanged');
  t.deepEqual(again.applications[0]!.steps, []);
  // install mode needs the group to know the application
  const missing = planRestore(m, emptyTarget(), options(m, { mode: 'install' }));
  t.deepEqual(codesOf(missing, 'A'), ['E_APP_NOT_FOUND']);
});

test('install mode refuses an assembly name that would leave the GAC', (t) => {
  const a = app('A');
  a.artifacts.push(obj('dependency', 'x.dll', { assembly: '.., Version=1.0.0.0, Culture=neutral, PublicKeyToken=null' }));
  const m = manifest([a]);
  const target = emptyTarget();
  target.applications.push({ name: 'A', isSystem: false, isDefault: false, references: [], resourceCount: 2, fingerprint: 'fp-A' });
  const plan = planRestore(m, target, options(m, { mode: 'install' }));
  t.deepEqual(codesOf(plan, 'A'), ['E_PATH_UNSAFE']);
});

test('a drill prefix renames the applications and their references to each other', (t) => {
  const m = manifest([app('A'), app('B', ['A'])]);
  const plan = planRestore(m, emptyTarget(), options(m, { namePrefix: 'Drill.' }));
  const b = plan.applications.find((a) => a.name === 'B')!;
  t.is(b.targetName, 'Drill.B');
  t.deepEqual(b.steps.filter((s) => s.action === 'AddReference').map((s) => (s.action === 'AddReference' ? s.referenced : '')), ['Drill.A']);
});
