import type { ReportCommand, ReportModel } from '../../core/report-model.js';
import { STATE_COLOURS } from './report-dot.js';
import { formatBytes, VERDICT_TEXT } from './render-text.js';

/** HTML text and attribute values: every markup character escaped. */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Graphviz's SVG made fit to inline: the XML prolog, DOCTYPE (it names a URL), comments and namespace declarations
 * (inline SVG in HTML needs none) removed, and sized to the page's width. Anything that is not an <svg> is refused.
 */
export function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  const end = svg.lastIndexOf('</svg>');
  if (start < 0 || end < start) return '';
  return svg
    .slice(start, end + '</svg>'.length)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\s+xmlns(:\w+)?="[^"]*"/g, '')
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/^<svg width="([\d.]+)pt" height="([\d.]+)pt"/, '<svg role="img" aria-label="Dependency graph" style="max-width:100%;height:auto" width="$1pt" height="$2pt"');
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const CSS = `
:root { --ink: #1d2330; --muted: #5b6474; --line: #d5dae3; --bg: #ffffff; --soft: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.verdict { border-radius: 8px; padding: 14px 18px; margin: 16px 0; border: 2px solid; }
.verdict strong { font-size: 22px; display: block; }
.verdict-ready { background: #e6f4e8; border-color: #2e7d32; }
.verdict-ready-with-gaps { background: #fff6d8; border-color: #a66f00; }
.verdict-not-ready { background: #fbe3e3; border-color: #b3261e; }
.verdict ul { margin: 6px 0 0; padding-left: 20px; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.tile { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.tile b { display: block; font-size: 20px; }
.tile span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
code, pre { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
pre { background: #f0f2f6; border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; margin: 4px 0; white-space: pre-wrap; word-break: break-all; }
.hash { word-break: break-all; }
ol.runbook { padding-left: 0; list-style: none; }
ol.runbook > li { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; margin: 0 0 10px; break-inside: avoid; }
ol.runbook .num { display: inline-block; min-width: 28px; font-weight: bold; }
.phase { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.cmdlabel { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.graph { border: 1px solid var(--line); border-radius: 6px; padding: 8px; text-align: center; overflow: auto; }
.legend span { display: inline-block; margin-right: 14px; font-size: 13px; }
.legend i { display: inline-block; width: 14px; height: 14px; border: 1px solid; border-radius: 3px; vertical-align: -2px; margin-right: 4px; }
.app { border-top: 1px solid var(--line); padding-top: 6px; break-inside: avoid-page; }
.state { font-size: 12px; border-radius: 10px; padding: 1px 8px; border: 1px solid; margin-left: 6px; }
.bad { color: #b3261e; font-weight: bold; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  section { break-before: page; }
  section.first { break-before: auto; }
  .graph { overflow: visible; border: none; }
  pre { white-space: pre-wrap; }
  a { color: inherit; text-decoration: none; }
}
`;

function commands(list: ReportCommand[]): string {
  return list
    .map(
      (c) =>
        `${c.label === undefined ? '' : `<p class="cmdlabel">${html(c.label)}</p>`}<p class="cmdlabel">PowerShell</p><pre class="ps">${html(c.ps)}</pre><p class="cmdlabel">CLI</p><pre class="cli">${html(c.cli)}</pre>`,
    )
    .join('');
}

function listOrNone(items: string[]): string {
  return items.length === 0 ? '<p class="meta">None named by this set.</p>' : `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no external URL (it opens from a USB stick
 * on a server without internet), a print stylesheet with a page break before each section. `svg` is Graphviz's output
 * for buildReportDot(model); every name is escaped here.
 */
export function renderReportHtml(model: ReportModel, svg: string): string {
  const r = model.readiness;
  const verdictItems = [...model.blockers.map((b) => `<li class="blocker">${html(b)}</li>`), ...model.gaps.map((g) => `<li class="gap">${html(g)}</li>`)];
  const tile = (value: string, label: string, id: string): string => `<div class="tile" id="${id}"><b>${html(value)}</b><span>${html(label)}</span></div>`;
  const verification =
    r.verification.state === 'not-verified' ? 'not verified' : `${r.verification.state === 'verified' ? 'verified' : 'FAILED'} ${r.verification.at?.slice(0, 16).replace('T', ' ') ?? ''}`;
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(`BizTalk disaster-recovery report: ${model.group.server} set ${model.setId}`)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
  );
  parts.push(
    '<section class="first" id="readiness">',
    `<h1>Disaster-recovery report</h1>`,
    `<p class="meta">Group <b>${html(`${model.group.server}/${model.group.database}`)}</b>, BizTalk ${html(model.group.biztalkVersion ?? 'unknown')} (read through ${html(model.group.source)}). Store <code>${html(model.store)}</code>, set <code id="set-id">${html(model.setId)}</code>. Made ${html(model.generatedAt)} by ${html(model.tool.name)} ${html(model.tool.version)}.</p>`,
    `<div class="verdict verdict-${model.verdict}" id="verdict" data-verdict="${model.verdict}"><strong>${VERDICT_TEXT[model.verdict]}</strong>${
      verdictItems.length === 0 ? '<p>Every application is in the set and verified, with what it needs.</p>' : `<ul>${verdictItems.join('')}</ul>`
    }</div>`,
    '<h2>Readiness at a glance</h2>',
    '<div class="tiles">',
    tile(plural(r.ageDays, 'day'), `old: written ${model.createdAt.slice(0, 16).replace('T', ' ')} by ${model.createdBy.user} on ${model.createdBy.host}`, 'tile-age'),
    tile(verification, r.verification.how === null ? 'run Test-BtsAppBackup / btsbackup verify' : r.verification.how === 'read-data' ? 'read-data: every object re-hashed' : 'structure checked', 'tile-verified'),
    tile(plural(r.applications.total, 'application'), `${r.applications.exported} exported, ${r.applications.unchanged} unchanged, ${r.applications.failed} failed, ${r.applications.withWarnings} with warnings`, 'tile-apps'),
    tile(
      plural(r.maskedPasswords.total, 'masked password'),
      r.maskedPasswords.secretsFile === null ? 'no secrets file given to check' : `${r.maskedPasswords.withValue} with a value, ${r.maskedPasswords.withoutValue} without, in ${r.maskedPasswords.secretsFile}`,
      'tile-secrets',
    ),
    tile(`${plural(r.dependencies.harvested, 'DLL')} harvested`, `${plural(r.dependencies.missing.length, 'dependency', 'dependencies')} missing`, 'tile-dependencies'),
    tile(plural(r.staleArtifacts.length, 'stale artifact'), 'GAC differs from the MSI', 'tile-stale'),
    tile(`${plural(r.missingInstallActions.length, 'install action')} missing`, 'resources the MSI would not install', 'tile-install-actions'),
    r.live === null ? tile(`${model.parent === null ? 'first set' : 'incremental'}`, model.parent === null ? 'no parent set' : `parent ${model.parent}`, 'tile-parent') : tile(`${r.live.added.length + r.live.changed.length} drifted`, `live group: ${r.live.added.length} added, ${r.live.changed.length} changed, ${r.live.removed.length} removed`, 'tile-live'),
    '</div>',
  );
  if (r.maskedPasswords.items.length > 0) {
    parts.push(
      '<h3>Masked passwords</h3><table><thead><tr><th>Application</th><th>Where</th><th>Secrets key</th><th>Value in the secrets file</th></tr></thead><tbody>',
      ...r.maskedPasswords.items.map(
        (m) => `<tr><td>${html(m.application)}</td><td>${html(m.where)}</td><td><code>${html(m.key)}</code></td><td>${r.maskedPasswords.secretsFile === null ? 'not checked' : m.hasValue ? 'yes' : '<span class="bad">missing</span>'}</td></tr>`,
      ),
      '</tbody></table>',
    );
  }
  parts.push('</section>');

  parts.push(
    '<section id="graph">',
    '<h2>Dependency picture</h2>',
    `<p class="legend">${Object.values(STATE_COLOURS)
      .map((c) => `<span><i style="background:${c.fill};border-color:${c.stroke}"></i>${html(c.label)}</span>`)
      .join('')}<span>arrow: references</span><span>dashed: runs in host</span></p>`,
    `<div class="graph">${inlineSvg(svg)}</div>`,
    '</section>',
  );

  parts.push('<section id="runbook">', '<h2>Restore runbook</h2>', '<ol class="runbook">');
  for (const step of model.runbook) {
    parts.push(
      `<li class="step phase-${step.phase}"${step.application === undefined ? '' : ` data-application="${html(step.application)}"`}><span class="phase">${html(step.phase)}</span><h3><span class="num">${step.number}.</span>${html(step.title)}</h3>`,
      step.details.length === 0 ? '' : `<ul>${step.details.map((d) => `<li>${html(d)}</li>`).join('')}</ul>`,
      commands(step.commands),
      '</li>',
    );
  }
  parts.push('</ol></section>');

  const n = model.notHeld;
  parts.push(
    '<section id="not-held">',
    '<h2>What this backup does not hold</h2>',
    '<p>Bring these from elsewhere (build server, documentation, certificate store, SSO administration) before or during the restore.</p>',
    '<h3>Hosts</h3>',
    listOrNone(n.hosts.map((h) => `<b>${html(h.name)}</b>: ${h.type === 'Isolated' ? 'isolated' : 'in-process'}, ${h.trusted ? 'trusted' : 'not trusted'} (used by ${html(h.usedBy.join(', '))})`)),
    '<h3>Adapter handlers</h3>',
    listOrNone(n.handlers.map((h) => `<b>${html(h.adapter)}</b> ${h.direction.toLowerCase()} handler in ${html(h.host)} (used by ${html(h.usedBy.join(', '))})`)),
    '<h3>SSO affiliate applications</h3>',
    listOrNone(n.ssoAffiliateApplications.map((s) => `<b>${html(s.name)}</b> (used by ${html(s.usedBy.join(', '))})`)),
    '<h3>Certificates (by thumbprint)</h3>',
    listOrNone(n.certificates.map((c) => `<code>${html(c.thumbprint)}</code>: ${html(c.where.join('; '))} in ${html(c.usedBy.join(', '))}`)),
    '<h3>Web directories on localhost</h3>',
    listOrNone(n.webDirectories.map((w) => `<code>${html(w.url)}</code> (${html(w.application)}): created only where the MSI is installed`)),
    '<h3>Pipeline components, functoids and assemblies referenced but not packaged</h3>',
    listOrNone(n.unpackaged.map((u) => `${html(u.what)} in <b>${html(u.application)}</b>: ${html(u.why)}`)),
    '<h3>Host configuration</h3>',
    listOrNone(n.serviceConfiguration.map(html)),
    '<h3>Never in a BizTalkBackup set</h3>',
    listOrNone(n.always.map(html)),
    '</section>',
  );

  parts.push('<section id="applications">', '<h2>Applications</h2>');
  for (const app of model.applications) {
    const colour = STATE_COLOURS[app.state];
    parts.push(
      `<div class="app" data-application="${html(app.name)}"><h3>${app.importOrder}. ${html(app.name)}<span class="state" style="background:${colour.fill};border-color:${colour.stroke}">${html(app.backupStatus)}</span></h3>`,
      app.description === '' ? '' : `<p class="meta">${html(app.description)}</p>`,
      `<p>Last changed in set <code>${html(app.lastChangedIn ?? '(none)')}</code>${app.lastChangedAt === null ? '' : ` (${html(app.lastChangedAt.slice(0, 16).replace('T', ' '))} UTC)`}${app.reasons.length > 0 ? `: ${html(app.reasons.join('; '))}` : ''}. References: ${app.references.length === 0 ? 'none' : html(app.references.join(', '))}.</p>`,
      app.failure === undefined ? '' : `<p class="bad">Failed: ${html(app.failure.code)} ${html(app.failure.message)}</p>`,
      app.artifacts.length === 0
        ? ''
        : `<table><thead><tr><th>Kind</th><th>File</th><th>Size</th><th>SHA-256</th></tr></thead><tbody>${app.artifacts
            .map((f) => `<tr><td>${html(f.kind)}</td><td>${html(f.name)}</td><td>${formatBytes(f.size)}</td><td class="hash"><code>${html(f.sha256)}</code></td></tr>`)
            .join('')}</tbody></table>`,
      app.resources.length === 0 ? '' : `<details open><summary>${app.resources.length} resource(s)</summary><ul>${app.resources.map((res) => `<li>${html(res.type.replace(/^System\.BizTalk:/, ''))}: ${html(res.luid)}</li>`).join('')}</ul></details>`,
      app.warnings.length === 0 ? '' : `<ul class="warnings">${app.warnings.map((w) => `<li><b>${html(w.kind)}</b>: ${html(w.message)}</li>`).join('')}</ul>`,
      '</div>',
    );
  }
  parts.push('</section></main></body></html>');
  return `${parts.filter((p) => p !== '').join('\n')}\n`;
}
