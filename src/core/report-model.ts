// The disaster-recovery report: one document an administrator rebuilds a group from. Built here from plain data (a
// set's manifest, the store's run log, which secrets a secrets file holds, what the bindings name); rendered to HTML,
// Markdown and JSON by src/formats/report. Pure: the clock, the store and the secrets file are read by the caller.
import { emptyBindingsSummary } from './bindings-summary.js';
import type { CompareResult } from './compare-applications.js';
import type { Manifest, ManifestApplication, ManifestWarning } from './manifest.js';
import { ResourceType } from './model.js';
import { compareNames, orderByReferences } from './order-applications.js';
import type { RunRecord } from './run-record.js';
import { setIdTime } from './set-id.js';
import { secretLocationKey, type SecretLocationRef } from './secrets.js';

export const REPORT_SCHEMA = 'BizTalkBackup.Report';
export const REPORT_VERSION = 1;
/** A set older than this is a gap: whatever changed since is not in it. */
export const DEFAULT_STALE_AFTER_DAYS = 7;

/** What the bindings of one application name outside BizTalk's own data (read by src/formats/report/binding-externals). */
export interface BindingExternals {
  ssoAffiliateApplications: { name: string; where: string }[];
  certificates: { thumbprint: string; where: string }[];
  pipelines: { name: string; assembly: string; where: string }[];
}

/** A secret a secrets file holds a value for: where only, never the value. */
export interface SecretKeyRef extends SecretLocationRef {
  application?: string;
}

export interface ReportInput {
  manifest: Manifest;
  /** The store as the user named it (commands are written with it). */
  store: string;
  /** When the report is made (ISO): the caller's clock. */
  generatedAt: string;
  /** The store's run log: the latest verification of this set is read from it. */
  runRecords: readonly RunRecord[];
  /** The secrets file given (--secrets), and the locations it holds a value for. */
  secrets?: { file: string; keys: readonly SecretKeyRef[] };
  /** Per application name, what its stored bindings name (applications without stored bindings are absent). */
  bindingExternals?: ReadonlyMap<string, BindingExternals>;
  /** With --live: the group compared with this set. */
  live?: { results: readonly CompareResult[] };
  staleAfterDays?: number;
}

export type ReportVerdict = 'ready' | 'ready-with-gaps' | 'not-ready';
export type ReportAppState = 'exported' | 'unchanged' | 'failed' | 'warnings';

export interface ReportCommand {
  /** What the command does, when a step has several. */
  label?: string;
  ps: string;
  cli: string;
}

export interface RunbookStep {
  number: number;
  phase: 'prerequisites' | 'applications' | 'gac' | 'verify';
  title: string;
  /** The application this step restores, for application steps. */
  application?: string;
  details: string[];
  commands: ReportCommand[];
}

export interface ReportMaskedPassword {
  application: string;
  key: string;
  where: string;
  hasValue: boolean;
}

export interface ReportHost {
  name: string;
  trusted: boolean;
  /** Isolated when a receive location of an isolated adapter (HTTP, SOAP, WCF-BasicHttp ...) runs in it. */
  type: 'InProcess' | 'Isolated';
  usedBy: string[];
}

export interface ReportHandler {
  adapter: string;
  host: string;
  direction: 'Receive' | 'Send';
  usedBy: string[];
}

export interface ReportApplication {
  name: string;
  importOrder: number;
  state: ReportAppState;
  backupStatus: 'Exported' | 'Unchanged' | 'Failed';
  description: string;
  references: string[];
  /** The set that last exported it (its artifacts come from there), and when that set was written. */
  lastChangedIn: string | null;
  lastChangedAt: string | null;
  reasons: string[];
  failure?: { code: string; message: string };
  resources: { type: string; luid: string }[];
  artifacts: { kind: string; name: string; size: number; sha256: string }[];
  warnings: { kind: string; message: string }[];
  hosts: string[];
}

export interface ReportModel {
  schema: typeof REPORT_SCHEMA;
  version: typeof REPORT_VERSION;
  generatedAt: string;
  store: string;
  setId: string;
  createdAt: string;
  createdBy: { user: string; host: string };
  tool: { name: string; version: string };
  group: { server: string; database: string; biztalkVersion: string | null; source: string };
  parent: string | null;
  full: boolean;
  verdict: ReportVerdict;
  /** Why the set is not ready (empty unless not-ready). */
  blockers: string[];
  /** What a restore from it would lack (ready with gaps). */
  gaps: string[];
  readiness: {
    ageDays: number;
    verification: { state: 'verified' | 'failed' | 'not-verified'; at: string | null; how: 'structure' | 'read-data' | null };
    applications: { total: number; exported: number; unchanged: number; failed: number; withWarnings: number };
    maskedPasswords: { total: number; withValue: number; withoutValue: number; secretsFile: string | null; items: ReportMaskedPassword[] };
    dependencies: { harvested: number; missing: { application: string; message: string }[] };
    staleArtifacts: { application: string; message: string }[];
    missingInstallActions: { application: string; message: string }[];
    live: { added: string[]; changed: string[]; removed: string[] } | null;
  };
  graph: {
    nodes: { name: string; state: ReportAppState; importOrder: number }[];
    edges: { from: string; to: string }[];
    hosts: ReportHost[];
    handlers: ReportHandler[];
  };
  runbook: RunbookStep[];
  notHeld: {
    hosts: ReportHost[];
    handlers: ReportHandler[];
    ssoAffiliateApplications: { name: string; usedBy: string[] }[];
    certificates: { thumbprint: string; usedBy: string[]; where: string[] }[];
    webDirectories: { application: string; url: string }[];
    serviceConfiguration: string[];
    unpackaged: { application: string; what: string; why: string }[];
    always: string[];
  };
  applications: ReportApplication[];
}

/** Adapters whose receive locations run in an isolated host (IIS). */
const ISOLATED_ADAPTERS = new Set(['http', 'soap', 'wcf-basichttp', 'wcf-wshttp', 'wcf-customisolated', 'wcf-webhttp', 'wcf-basichttprelay']);
/** Pipelines BizTalk itself provides: never packaged by an application. */
const BUILT_IN_PIPELINE_ASSEMBLIES = ['microsoft.biztalk.defaultpipelines', 'microsoft.biztalk.edi.defaultpipelines', 'microsoft.biztalk.edi.', 'microsoft.biztalk.adapter.'];

const lower = (s: string): string => s.toLowerCase();
const uniqueSorted = (values: Iterable<string>): string[] => [...new Set(values)].sort(compareNames);

/** Builds the report of one backup set. Pure and deterministic: the same input gives the same model. */
export function buildReportModel(input: ReportInput): ReportModel {
  const { manifest } = input;
  const staleAfterDays = input.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS;
  const applications = reportApplications(manifest);
  const byName = new Map(applications.map((a) => [lower(a.name), a] as const));

  const failed = applications.filter((a) => a.state === 'failed');
  const ageDays = Math.max(0, (Date.parse(input.generatedAt) - Date.parse(manifest.createdAt)) / 86_400_000);
  const verification = latestVerification(input.runRecords, manifest);
  const masked = maskedPasswords(manifest, input.secrets);
  const warningsOf = (kind: ManifestWarning['kind']): { application: string; message: string }[] =>
    manifest.warnings.filter((w) => w.kind === kind).map((w) => ({ application: w.application ?? '', message: w.message }));
  const missingDependencies = warningsOf('MissingDependency');
  const staleArtifacts = warningsOf('StaleArtifact');
  const missingInstallActions = warningsOf('MissingInstallAction');
  const harvested = new Set(manifest.applications.flatMap((a) => a.artifacts.filter((f) => f.kind === 'dependency').map((f) => lower(f.assembly ?? f.name)))).size;
  const live = input.live === undefined ? null : liveDrift(input.live.results);

  const { hosts, handlers } = hostsAndHandlers(manifest.applications);
  const externals = input.bindingExternals ?? new Map<string, BindingExternals>();
  const notHeld = whatIsNotHeld(manifest, hosts, handlers, externals);

  const blockers: string[] = [];
  const gaps: string[] = [];
  for (const app of failed) {
    blockers.push(
      app.artifacts.length === 0
        ? `Application "${app.name}" failed to back up (${app.failure?.code ?? 'failed'}) and is not in this set.`
        : `Application "${app.name}" failed to back up (${app.failure?.code ?? 'failed'}); this set holds its older backup from ${app.lastChangedIn ?? 'an earlier set'}.`,
    );
  }
  for (const app of applications) {
    for (const ref of app.references) {
      if (!byName.has(lower(ref))) blockers.push(`Application "${app.name}" references "${ref}", which is not in this set.`);
    }
  }
  if (verification.state === 'failed') blockers.push(`The last verification (${verification.at ?? ''}) failed: run verify to see which objects.`);
  const withoutValue = masked.filter((m) => !m.hasValue);
  if (input.secrets !== undefined) {
    for (const m of withoutValue) blockers.push(`No value in the secrets file for the masked password of ${m.where} in "${m.application}".`);
  } else if (masked.length > 0) {
    gaps.push(`${masked.length} masked password(s) need values at restore; no secrets file was given to check them.`);
  }
  if (live !== null) {
    for (const name of live.added) blockers.push(`Application "${name}" is in the group but not in this set.`);
    for (const name of live.changed) gaps.push(`Application "${name}" changed in the group since this set.`);
  }
  if (verification.state === 'not-verified') gaps.push('The set has not been verified since it was written.');
  if (ageDays > staleAfterDays) gaps.push(`The set is ${Math.floor(ageDays)} days old (more than ${staleAfterDays}).`);
  for (const d of missingDependencies) gaps.push(`Missing dependency in "${d.application}": ${d.message}`);
  for (const s of staleArtifacts) gaps.push(`Stale artifact in "${s.application}": ${s.message}`);
  if (missingInstallActions.length > 0) gaps.push(`${missingInstallActions.length} resource(s) lack an install action (see the applications' warnings).`);
  for (const w of notHeld.webDirectories) gaps.push(`Web directory ${w.url} of "${w.application}" is on localhost.`);
  for (const u of notHeld.unpackaged) gaps.push(`"${u.application}" uses ${u.what}, which is not in this set.`);

  const verdict: ReportVerdict = blockers.length > 0 ? 'not-ready' : gaps.length > 0 ? 'ready-with-gaps' : 'ready';
  const counts = {
    total: applications.length,
    exported: applications.filter((a) => a.backupStatus === 'Exported').length,
    unchanged: applications.filter((a) => a.backupStatus === 'Unchanged').length,
    failed: failed.length,
    withWarnings: applications.filter((a) => a.warnings.length > 0).length,
  };
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    generatedAt: input.generatedAt,
    store: input.store,
    setId: manifest.setId,
    createdAt: manifest.createdAt,
    createdBy: manifest.createdBy,
    tool: manifest.tool,
    group: { server: manifest.group.server, database: manifest.group.database, biztalkVersion: manifest.group.biztalkVersion ?? null, source: manifest.group.source },
    parent: manifest.parent,
    full: manifest.full,
    verdict,
    blockers,
    gaps,
    readiness: {
      ageDays: Math.round(ageDays * 10) / 10,
      verification,
      applications: counts,
      maskedPasswords: { total: masked.length, withValue: masked.length - withoutValue.length, withoutValue: withoutValue.length, secretsFile: input.secrets?.file ?? null, items: masked },
      dependencies: { harvested, missing: missingDependencies },
      staleArtifacts,
      missingInstallActions,
      live,
    },
    graph: {
      nodes: applications.map((a) => ({ name: a.name, state: a.state, importOrder: a.importOrder })),
      edges: applications.flatMap((a) => a.references.filter((r) => byName.has(lower(r))).map((r) => ({ from: a.name, to: byName.get(lower(r))!.name }))),
      hosts,
      handlers,
    },
    runbook: buildRunbook(input, applications, hosts, handlers, masked),
    notHeld,
    applications,
  };
}

/** Every application of the set, and every one that failed without an older backup, in import order. */
function reportApplications(manifest: Manifest): ReportApplication[] {
  const failureOf = new Map(manifest.failures.map((f) => [lower(f.application), f] as const));
  const nodes: { name: string; references: string[]; app?: ManifestApplication }[] = manifest.applications.map((app) => ({ name: app.name, references: app.references, app }));
  const known = new Set(nodes.map((n) => lower(n.name)));
  for (const failure of manifest.failures) {
    if (!known.has(lower(failure.application))) {
      known.add(lower(failure.application));
      nodes.push({ name: failure.application, references: [] });
    }
  }
  // The manifest's import order first; anything it does not list (a failure) placed by its references.
  const position = new Map(manifest.importOrder.map((name, i) => [lower(name), i] as const));
  const ordered = orderByReferences(nodes).sort((a, b) => (position.get(lower(a.name)) ?? Number.MAX_SAFE_INTEGER) - (position.get(lower(b.name)) ?? Number.MAX_SAFE_INTEGER));
  return ordered.map((node, index) => {
    const failure = failureOf.get(lower(node.name));
    const warnings = manifest.warnings.filter((w) => w.application !== undefined && lower(w.application) === lower(node.name)).map((w) => ({ kind: w.kind, message: w.message }));
    const app = node.app;
    const backupStatus = failure !== undefined ? 'Failed' : (app?.backupStatus ?? 'Failed');
    const state: ReportAppState = backupStatus === 'Failed' ? 'failed' : warnings.length > 0 ? 'warnings' : backupStatus === 'Exported' ? 'exported' : 'unchanged';
    const bindings = app?.bindings ?? emptyBindingsSummary();
    const hosts = uniqueSorted([...bindings.sendPorts.map((p) => p.host), ...bindings.receiveLocations.map((l) => l.host), ...bindings.services.map((s) => s.host)].filter((h) => h !== ''));
    return {
      name: node.name,
      importOrder: index + 1,
      state,
      backupStatus,
      description: app?.description ?? '',
      references: app?.references ?? [],
      lastChangedIn: app?.exportedIn ?? null,
      lastChangedAt: app === undefined ? null : app.exportedIn === manifest.setId ? manifest.createdAt : (setIdTime(app.exportedIn)?.toISOString() ?? null),
      reasons: app?.reasons ?? [],
      ...(failure === undefined ? {} : { failure: { code: failure.code, message: failure.message } }),
      resources: (app?.resources ?? []).map((r) => ({ type: r.type, luid: r.luid })),
      artifacts: (app?.artifacts ?? []).map((f) => ({ kind: f.kind, name: f.name, size: f.size, sha256: f.sha256 })),
      warnings,
      hosts,
    };
  });
}

/** The newest verify run that started after the set was written: verify checks every set unless told otherwise. */
function latestVerification(records: readonly RunRecord[], manifest: Manifest): ReportModel['readiness']['verification'] {
  const created = Date.parse(manifest.createdAt);
  const runs = records
    .filter((r) => r.operation === 'verify' && Date.parse(r.start) >= created && (r.setId === null || r.setId === manifest.setId) && r.result !== 'interrupted')
    .sort((a, b) => a.end.localeCompare(b.end));
  const last = runs[runs.length - 1];
  if (last === undefined) return { state: 'not-verified', at: null, how: null };
  return { state: last.result === 'ok' ? 'verified' : 'failed', at: last.end, how: (last.counts['objectsRead'] ?? 0) > 0 ? 'read-data' : 'structure' };
}

/** Masked passwords (bindings) and redacted secrets (files in MSIs): each needs a value at restore. */
function maskedPasswords(manifest: Manifest, secrets: ReportInput['secrets']): ReportMaskedPassword[] {
  const out = new Map<string, ReportMaskedPassword>();
  const add = (application: string, location: SecretLocationRef): void => {
    const key = secretLocationKey(location);
    const id = `${lower(application)}\u0000${key}`;
    if (out.has(id)) return;
    const hasValue = secrets !== undefined && secrets.keys.some((k) => secretLocationKey(k) === key && (k.application === undefined || lower(k.application) === lower(application)));
    const where = location.port.startsWith('file:') ? `file "${location.port.slice(5)}" (${location.field})` : location.location === undefined ? `send port "${location.port}" (${location.field})` : `receive location "${location.location}" of "${location.port}" (${location.field})`;
    out.set(id, { application, key, where, hasValue });
  };
  for (const w of manifest.warnings) if (w.kind === 'MaskedPassword' && w.location !== undefined && w.application !== undefined) add(w.application, w.location);
  for (const r of manifest.redactions) if (r.location !== undefined) add(r.application, r.location);
  return [...out.values()].sort((a, b) => compareNames(a.application, b.application) || compareNames(a.key, b.key));
}

function liveDrift(results: readonly CompareResult[]): { added: string[]; changed: string[]; removed: string[] } {
  const of = (status: CompareResult['status']): string[] => uniqueSorted(results.filter((r) => r.status === status).map((r) => r.application));
  return { added: of('Added'), changed: of('Changed'), removed: of('Removed') };
}

/** The hosts and adapter handlers the bindings name: they must exist, with the same trust, before any import. */
function hostsAndHandlers(apps: readonly ManifestApplication[]): { hosts: ReportHost[]; handlers: ReportHandler[] } {
  const hosts = new Map<string, ReportHost>();
  const handlers = new Map<string, ReportHandler>();
  const host = (name: string, trusted: boolean, app: string, isolated: boolean): void => {
    if (name === '') return;
    const entry = hosts.get(lower(name)) ?? { name, trusted, type: 'InProcess' as const, usedBy: [] };
    entry.trusted ||= trusted;
    if (isolated) entry.type = 'Isolated';
    if (!entry.usedBy.includes(app)) entry.usedBy.push(app);
    hosts.set(lower(name), entry);
  };
  const handler = (adapter: string, hostName: string, direction: 'Receive' | 'Send', app: string): void => {
    if (adapter === '' || hostName === '') return;
    const id = `${lower(adapter)}|${lower(hostName)}|${direction}`;
    const entry = handlers.get(id) ?? { adapter, host: hostName, direction, usedBy: [] };
    if (!entry.usedBy.includes(app)) entry.usedBy.push(app);
    handlers.set(id, entry);
  };
  for (const app of apps) {
    // A manifest without a bindings summary reads as no bindings, as restore reads it (plan-restore).
    const bindings = app.bindings ?? emptyBindingsSummary();
    for (const p of bindings.sendPorts) {
      host(p.host, p.hostTrusted, app.name, false);
      handler(p.transport, p.host, 'Send', app.name);
    }
    for (const l of bindings.receiveLocations) {
      host(l.host, l.hostTrusted, app.name, ISOLATED_ADAPTERS.has(lower(l.transport)));
      handler(l.transport, l.host, 'Receive', app.name);
    }
    for (const s of bindings.services) host(s.host, s.hostTrusted, app.name, false);
  }
  const sortUsers = <T extends { usedBy: string[] }>(x: T): T => ({ ...x, usedBy: [...x.usedBy].sort(compareNames) });
  return {
    hosts: [...hosts.values()].map(sortUsers).sort((a, b) => compareNames(a.name, b.name)),
    handlers: [...handlers.values()].map(sortUsers).sort((a, b) => compareNames(a.host, b.host) || compareNames(a.direction, b.direction) || compareNames(a.adapter, b.adapter)),
  };
}

function whatIsNotHeld(manifest: Manifest, hosts: ReportHost[], handlers: ReportHandler[], externals: ReadonlyMap<string, BindingExternals>): ReportModel['notHeld'] {
  const sso = new Map<string, { name: string; usedBy: string[] }>();
  const certs = new Map<string, { thumbprint: string; usedBy: string[]; where: string[] }>();
  const unpackaged: { application: string; what: string; why: string }[] = [];
  const packagedAssemblies = new Set<string>();
  for (const app of manifest.applications) {
    for (const r of app.resources) if (r.type === ResourceType.BizTalkAssembly || r.type === ResourceType.Assembly) packagedAssemblies.add(lower(assemblySimpleName(r.luid)));
    for (const f of app.artifacts) if (f.kind === 'dependency') packagedAssemblies.add(lower(assemblySimpleName(f.assembly ?? f.name.replace(/\.dll$/i, ''))));
  }
  const names = [...externals.keys()].sort(compareNames);
  for (const application of names) {
    const found = externals.get(application)!;
    for (const s of found.ssoAffiliateApplications) {
      const entry = sso.get(lower(s.name)) ?? { name: s.name, usedBy: [] };
      if (!entry.usedBy.includes(application)) entry.usedBy.push(application);
      sso.set(lower(s.name), entry);
    }
    for (const c of found.certificates) {
      const key = c.thumbprint.toUpperCase();
      const entry = certs.get(key) ?? { thumbprint: key, usedBy: [], where: [] };
      if (!entry.usedBy.includes(application)) entry.usedBy.push(application);
      if (!entry.where.includes(c.where)) entry.where.push(c.where);
      certs.set(key, entry);
    }
    const seen = new Set<string>();
    for (const p of found.pipelines) {
      const simple = lower(assemblySimpleName(p.assembly));
      if (simple === '' || BUILT_IN_PIPELINE_ASSEMBLIES.some((b) => simple === b || (b.endsWith('.') && simple.startsWith(b))) || packagedAssemblies.has(simple) || seen.has(simple)) continue;
      seen.add(simple);
      unpackaged.push({ application, what: `pipeline ${p.name} (${assemblySimpleName(p.assembly)})`, why: `named by ${p.where}; no application of this set packages its assembly` });
    }
  }
  for (const w of manifest.warnings) {
    if (w.kind === 'MissingDependency') unpackaged.push({ application: w.application ?? '', what: 'an assembly it references (pipeline component, functoid or helper)', why: w.message });
  }
  const webDirectories = manifest.applications.flatMap((app) =>
    app.resources.filter((r) => r.type === ResourceType.WebDirectory && /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(?::\d+)?(\/|$)/i.test(r.luid)).map((r) => ({ application: app.name, url: r.luid })),
  );
  return {
    hosts,
    handlers,
    ssoAffiliateApplications: [...sso.values()].sort((a, b) => compareNames(a.name, b.name)),
    certificates: [...certs.values()].sort((a, b) => compareNames(a.thumbprint, b.thumbprint)),
    webDirectories,
    serviceConfiguration: ['BTSNTSvc.exe.config and BTSNTSvc64.exe.config (host instance settings, custom configuration sections, assembly redirects)'],
    unpackaged,
    always: [
      'The BizTalk databases (BizTalkMgmtDb, BizTalkMsgBoxDb, BizTalkDTADb, SSODB, BizTalkRuleEngineDb, BAM) and the messages in them: the Backup BizTalk Server job holds them.',
      'The Enterprise SSO master secret: keep its backup file and password apart from this store.',
      'BizTalk Server itself, its configuration and cumulative updates.',
    ],
  };
}

/** `Contoso.Helpers, Version=1.0.0.0, ...` -> `Contoso.Helpers`. */
function assemblySimpleName(fullName: string): string {
  return (fullName.split(',')[0] ?? '').trim();
}

/** A PowerShell single-quoted string. */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** A command-line argument as cmd.exe and PowerShell both pass it: quoted when it holds anything but safe characters. */
export function cliQuote(value: string): string {
  // Bare only when safe; never a leading @ (PowerShell reads `@name` as splatting the variable $name).
  if (/^[A-Za-z0-9_.:\\/=,+-][A-Za-z0-9_.:\\/=,+@-]*$/.test(value)) return value;
  return `"${value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/**
 * True when cliQuote(value) means the same text in cmd.exe and in PowerShell. Inside double quotes cmd.exe still
 * expands %VAR% and has no escape for a quote (a \" ends its quoting: `&calc&` after it runs), PowerShell expands
 * $(...), $name and backtick escapes and ends the string at a typographic double quote; a line break ends a command in
 * cmd.exe. A value with any of them has no command line safe to paste.
 */
export function cliSafe(value: string): boolean {
  return !/[\u0000-\u001f\u007f\u0085\u2028\u2029"`%!\u201c\u201d\u201e]|\$(?![\\/]|$)/.test(value);
}

const NO_SAFE_CLI = '(no command line: a name or path here holds a character cmd.exe or PowerShell would read as code (" $ ` % ! or a line break); run the PowerShell command)';

/** The command line when every value in it is safe to paste (cliSafe), else a note to use the PowerShell command. */
const cliLine = (values: readonly string[], line: () => string): string => (values.every(cliSafe) ? line() : NO_SAFE_CLI);

/** Wildcard characters in a -Name/--name escaped so the application is matched by its name only. */
function literalName(name: string): string {
  return name.replace(/[*?[\]`]/g, (c) => `\`${c}`);
}

/**
 * The same for --name without a backtick (inside double quotes PowerShell would eat it before btsbackup sees it): each
 * wildcard character as a one-character class, `[*]`, `[?]`, `[[]`.
 */
function cliLiteralName(name: string): string {
  return name.replace(/[*?[]/g, (c) => `[${c}]`);
}

function buildRunbook(input: ReportInput, apps: ReportApplication[], hosts: ReportHost[], handlers: ReportHandler[], masked: ReportMaskedPassword[]): RunbookStep[] {
  const { manifest } = input;
  const store = input.store;
  const set = manifest.setId;
  // A set id is [0-9A-Za-z-]; one read from a tampered manifest is quoted rather than pasted as code.
  const psSet = /^[0-9A-Za-z-]+$/.test(set) ? set : psQuote(set);
  const secretsFile = input.secrets?.file ?? '<secrets file>';
  const steps: Omit<RunbookStep, 'number'>[] = [];
  steps.push({
    phase: 'prerequisites',
    title: 'BizTalk Server installed and configured',
    details: [
      `Install BizTalk Server ${manifest.group.biztalkVersion ?? '(the same version)'} with the same cumulative update on every server of the group and run BizTalk Server Configuration against the management database ${manifest.group.server}/${manifest.group.database}.`,
      'Check that the group answers:',
    ],
    commands: [{ ps: 'Get-BtsAppInventory', cli: 'btsbackup inventory' }],
  });
  steps.push({
    phase: 'prerequisites',
    title: 'The BizTalk databases',
    details: [
      'Restore the databases from the Backup BizTalk Server job (log shipping) and run the restore scripts, or configure a new group for a fresh import.',
      'A restored BizTalkMgmtDb already knows the applications: then install the MSIs on each server (step "DLLs no MSI carries") instead of importing them.',
    ],
    commands: [],
  });
  steps.push({
    phase: 'prerequisites',
    title: 'The Enterprise SSO master secret',
    details: ['Restore the master secret on the master secret server from its backup file (kept apart from this store), then restart the Enterprise Single Sign-On service.'],
    commands: [
      {
        ps: `& "$env:CommonProgramFiles\\Enterprise Single Sign-On\\ssoconfig.exe" -restoreSecret '<master secret backup file>'`,
        cli: '"%CommonProgramFiles%\\Enterprise Single Sign-On\\ssoconfig.exe" -restoreSecret "<master secret backup file>"',
      },
    ],
  });
  steps.push({
    phase: 'prerequisites',
    title: 'Hosts and host instances',
    details:
      hosts.length === 0
        ? ['The bindings of this set name no host.']
        : [
            'Create each host the bindings name, with the same trust, and a host instance on each server:',
            ...hosts.map((h) => `${h.name}: ${h.type === 'Isolated' ? 'isolated' : 'in-process'}, ${h.trusted ? 'trusted' : 'not trusted'} (used by ${h.usedBy.join(', ')})`),
          ],
    commands: hosts.map((h) => ({
      label: h.name,
      ps: `Set-WmiInstance -Namespace 'root\\MicrosoftBizTalkServer' -Class MSBTS_HostSetting -Arguments @{ Name = ${psQuote(h.name)}; HostType = ${h.type === 'Isolated' ? 2 : 1}; NTGroupName = 'BizTalk Application Users'; AuthTrusted = $${h.trusted ? 'true' : 'false'} }`,
      cli: `(no command line) Administration console > Platform Settings > Hosts > New: ${cliQuote(h.name)}, ${h.type === 'Isolated' ? 'isolated' : 'in-process'}, ${h.trusted ? 'trusted' : 'not trusted'}; then Host Instances > New on each server`,
    })),
  });
  steps.push({
    phase: 'prerequisites',
    title: 'Adapter handlers',
    details: handlers.length === 0 ? ['The bindings of this set name no adapter handler.'] : ['Create each adapter handler the bindings name:', ...handlers.map((h) => `${h.adapter} ${h.direction.toLowerCase()} handler in ${h.host} (used by ${h.usedBy.join(', ')})`)],
    commands: handlers.map((h) => ({
      label: `${h.adapter} ${h.direction.toLowerCase()} / ${h.host}`,
      ps: `Set-WmiInstance -Namespace 'root\\MicrosoftBizTalkServer' -Class ${h.direction === 'Send' ? 'MSBTS_SendHandler2' : 'MSBTS_ReceiveHandler'} -Arguments @{ AdapterName = ${psQuote(h.adapter)}; HostName = ${psQuote(h.host)} }`,
      cli: `(no command line) Administration console > Platform Settings > Adapters > ${cliQuote(h.adapter)} > New ${h.direction} Handler: host ${cliQuote(h.host)}`,
    })),
  });
  for (const app of apps) {
    const needs = masked.filter((m) => lower(m.application) === lower(app.name));
    const withSecrets = needs.length > 0;
    const name = literalName(app.name);
    const details: string[] = [];
    if (app.backupStatus === 'Failed' && app.artifacts.length === 0) {
      details.push(`Not in this backup: its export failed (${app.failure?.code ?? 'failed'}). Deploy it from its source or from an older set before the applications that reference it.`);
      steps.push({ phase: 'applications', title: `Application ${app.name} (not in this set)`, application: app.name, details, commands: [] });
      continue;
    }
    if (app.backupStatus === 'Failed') details.push(`Its latest export failed (${app.failure?.code ?? 'failed'}): this set holds its backup from ${app.lastChangedIn ?? 'an earlier set'}.`);
    details.push(app.references.length === 0 ? 'References no other application.' : `References ${app.references.join(', ')} (restored before it; the restore adds the references).`);
    details.push('Imports the MSI, then the bindings (with --environment, the bindings kept for that environment).');
    if (withSecrets) details.push(`Needs ${needs.length} password(s) from the secrets file: ${needs.map((m) => `${m.where}${m.hasValue ? '' : input.secrets === undefined ? '' : ' (NO VALUE in the secrets file)'}`).join('; ')}.`);
    steps.push({
      phase: 'applications',
      title: `Application ${app.name}`,
      application: app.name,
      details,
      commands: [
        {
          ps: `Import-BtsAppBackup -Path ${psQuote(store)} -SetId ${psSet} -Name ${psQuote(name)}${withSecrets ? ` -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase $passphrase` : ''}`,
          cli: cliLine([store, set, cliLiteralName(app.name), ...(withSecrets ? [secretsFile] : [])], () => `btsbackup restore --store ${cliQuote(store)} --set ${cliQuote(set)} --name ${cliQuote(cliLiteralName(app.name))}${withSecrets ? ` --secrets-file ${cliQuote(secretsFile)}` : ''}`),
        },
      ],
    });
  }
  const dependencies = apps.flatMap((a) => a.artifacts.filter((f) => f.kind === 'dependency').map((f) => `${f.name} (for ${a.name})`));
  steps.push({
    phase: 'gac',
    title: 'DLLs no MSI carries, and the MSIs on every server',
    details: [
      'On each BizTalk server of the group: install every MSI (its assemblies into the GAC, its files) and the DLLs this backup harvested from the GAC.',
      dependencies.length === 0 ? 'This set harvested no DLL: only the MSIs are installed.' : `Harvested DLLs: ${dependencies.join(', ')}.`,
    ],
    commands: [
      {
        ps: `Import-BtsAppBackup -Path ${psQuote(store)} -SetId ${psSet} -Mode Install${masked.length > 0 ? ` -SecretsFile ${psQuote(secretsFile)} -SecretsPassphrase $passphrase` : ''}`,
        cli: cliLine([store, set, ...(masked.length > 0 ? [secretsFile] : [])], () => `btsbackup restore --store ${cliQuote(store)} --set ${cliQuote(set)} --mode install${masked.length > 0 ? ` --secrets-file ${cliQuote(secretsFile)}` : ''}`),
      },
    ],
  });
  steps.push({
    phase: 'verify',
    title: 'Verification',
    details: ['Compare the rebuilt group with this set: every application should be Unchanged. Then start the host instances and the applications.'],
    commands: [{ ps: `Compare-BtsAppBackup -Path ${psQuote(store)} -SetId ${psSet}`, cli: cliLine([store, set], () => `btsbackup compare --store ${cliQuote(store)} --against ${cliQuote(set)}`) }],
  });
  return steps.map((step, i) => ({ number: i + 1, ...step }));
}
