import type { ReportModel, ReportVerdict } from '../../core/report-model.js';

export const VERDICT_TEXT: Record<ReportVerdict, string> = {
  ready: 'Ready',
  'ready-with-gaps': 'Ready with gaps',
  'not-ready': 'Not ready',
};

/** The report as JSON: the model itself, one stable document (schema BizTalkBackup.Report, version 1). */
export function renderReportJson(model: ReportModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

/** Markdown text: Markdown's own characters and HTML escaped, so a name can neither format nor inject. */
export function mdText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/[\r\n]+/g, ' ');
}

/** A fenced code block whose fence is longer than any backtick run inside it. */
function codeBlock(lines: string[], language: string): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, ...lines, fence];
}

export const formatBytes = (size: number): string => (size < 1024 ? `${size} B` : size < 1024 * 1024 ? `${(size / 1024).toFixed(1)} KiB` : `${(size / 1024 / 1024).toFixed(1)} MiB`);

/** The same content as the HTML page, as Markdown (for a wiki or a ticket). */
export function renderReportMarkdown(model: ReportModel): string {
  const r = model.readiness;
  const out: string[] = [];
  out.push(`# Disaster-recovery report: set ${mdText(model.setId)}`, '');
  out.push(`Store ${mdText(model.store)}; group ${mdText(`${model.group.server}/${model.group.database}`)} (BizTalk ${mdText(model.group.biztalkVersion ?? 'unknown')}, read through ${mdText(model.group.source)}). Report made ${mdText(model.generatedAt)}.`, '');
  out.push(`## Verdict: ${VERDICT_TEXT[model.verdict]}`, '');
  for (const b of model.blockers) out.push(`- **Blocker:** ${mdText(b)}`);
  for (const g of model.gaps) out.push(`- Gap: ${mdText(g)}`);
  if (model.blockers.length + model.gaps.length === 0) out.push('Nothing missing: every application is in the set, verified, with what it needs.');
  out.push('', '## Readiness at a glance', '');
  out.push('| | |', '|---|---|');
  out.push(`| Set written | ${mdText(model.createdAt)} by ${mdText(model.createdBy.user)} on ${mdText(model.createdBy.host)} (${r.ageDays} days ago) |`);
  out.push(`| Verified | ${r.verification.state === 'not-verified' ? 'not since it was written' : `${r.verification.state === 'verified' ? 'passed' : 'FAILED'} ${mdText(r.verification.at ?? '')} (${r.verification.how === 'read-data' ? 'read-data: every object re-hashed' : 'structure'})`} |`);
  out.push(`| Applications | ${r.applications.total}: ${r.applications.exported} exported, ${r.applications.unchanged} unchanged, ${r.applications.failed} failed, ${r.applications.withWarnings} with warnings |`);
  out.push(`| Masked passwords | ${r.maskedPasswords.total}: ${r.maskedPasswords.secretsFile === null ? 'no secrets file given' : `${r.maskedPasswords.withValue} with a value, ${r.maskedPasswords.withoutValue} without, in ${mdText(r.maskedPasswords.secretsFile)}`} |`);
  out.push(`| Dependencies | ${r.dependencies.harvested} harvested, ${r.dependencies.missing.length} missing |`);
  out.push(`| Stale artifacts | ${r.staleArtifacts.length} |`);
  out.push(`| Resources missing an install action | ${r.missingInstallActions.length} |`);
  if (r.live !== null) out.push(`| Live group since this set | ${r.live.added.length} added, ${r.live.changed.length} changed, ${r.live.removed.length} removed |`);
  out.push('', '## Restore runbook', '');
  for (const step of model.runbook) {
    out.push(`### ${step.number}. ${mdText(step.title)}`, '');
    for (const d of step.details) out.push(`- ${mdText(d)}`);
    if (step.commands.length > 0) {
      out.push('');
      out.push(...codeBlock(step.commands.map((c) => `${c.label === undefined ? '' : `# ${c.label.replace(/[\r\n]+/g, ' ')}\n`}${c.ps}`).join('\n').split('\n'), 'powershell'));
      out.push(...codeBlock(step.commands.map((c) => c.cli), 'text'));
    }
    out.push('');
  }
  out.push('## What this backup does not hold', '');
  const n = model.notHeld;
  const list = (title: string, items: string[]): void => {
    out.push(`**${title}**`, '');
    out.push(...(items.length === 0 ? ['- none named by this set'] : items.map((i) => `- ${i}`)), '');
  };
  list('Hosts', n.hosts.map((h) => `${mdText(h.name)} (${h.type === 'Isolated' ? 'isolated' : 'in-process'}, ${h.trusted ? 'trusted' : 'not trusted'}; used by ${mdText(h.usedBy.join(', '))})`));
  list('Adapter handlers', n.handlers.map((h) => `${mdText(h.adapter)} ${h.direction.toLowerCase()} in ${mdText(h.host)} (used by ${mdText(h.usedBy.join(', '))})`));
  list('SSO affiliate applications', n.ssoAffiliateApplications.map((s) => `${mdText(s.name)} (used by ${mdText(s.usedBy.join(', '))})`));
  list('Certificates (thumbprints)', n.certificates.map((c) => `${mdText(c.thumbprint)} (${mdText(c.where.join('; '))} in ${mdText(c.usedBy.join(', '))})`));
  list('Web directories on localhost', n.webDirectories.map((w) => `${mdText(w.url)} (${mdText(w.application)})`));
  list('Pipeline components, functoids and assemblies referenced but not packaged', n.unpackaged.map((u) => `${mdText(u.what)} in ${mdText(u.application)}: ${mdText(u.why)}`));
  list('Host configuration', n.serviceConfiguration.map(mdText));
  list('Never in a BizTalkBackup set', n.always.map(mdText));
  out.push('## Applications', '');
  for (const app of model.applications) {
    out.push(`### ${app.importOrder}. ${mdText(app.name)} (${app.backupStatus})`, '');
    if (app.description !== '') out.push(mdText(app.description), '');
    out.push(`Last changed in set ${mdText(app.lastChangedIn ?? '(none)')}${app.lastChangedAt === null ? '' : ` (${mdText(app.lastChangedAt.slice(0, 16).replace('T', ' '))} UTC)`}${app.reasons.length > 0 ? `: ${mdText(app.reasons.join('; '))}` : ''}. References: ${app.references.length === 0 ? 'none' : mdText(app.references.join(', '))}.`, '');
    if (app.failure !== undefined) out.push(`**Failed:** ${mdText(app.failure.code)} ${mdText(app.failure.message)}`, '');
    if (app.artifacts.length > 0) {
      out.push('| Kind | File | Size | SHA-256 |', '|---|---|---|---|');
      for (const f of app.artifacts) out.push(`| ${mdText(f.kind)} | ${mdText(f.name)} | ${formatBytes(f.size)} | \`${f.sha256}\` |`);
      out.push('');
    }
    if (app.resources.length > 0) {
      out.push('Resources:', '');
      for (const res of app.resources) out.push(`- ${mdText(res.type.replace(/^System\.BizTalk:/, ''))}: ${mdText(res.luid)}`);
      out.push('');
    }
    if (app.warnings.length > 0) {
      out.push('Warnings:', '');
      for (const w of app.warnings) out.push(`- [${mdText(w.kind)}] ${mdText(w.message)}`);
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}
