// A group of thousands of applications: Graphviz ran out of WebAssembly memory after a minute and the report failed.
import test from 'ava';
import type { Manifest, ManifestApplication } from '../../../src/core/manifest.js';
import { emptyBindingsSummary } from '../../../src/core/bindings-summary.js';
import { buildReportModel } from '../../../src/core/report-model.js';
import { buildReportDot, MAX_DRAWN_APPLICATIONS } from '../../../src/formats/report/report-dot.js';
import { renderDotToSvg } from '../../../src/adapters/report/graphviz.js';

function group(count: number): Manifest {
  const apps: ManifestApplication[] = [];
  for (let i = 0; i < count; i++) {
    const bindings = emptyBindingsSummary();
    bindings.sendPorts.push({ name: 'Out', host: `Host${i % 50}`, hostTrusted: false, transport: 'FILE', address: '', filter: '' } as (typeof bindings.sendPorts)[number]);
    const references = i === 0 ? [] : [...new Set([`App${i - 1}`, `App${Math.floor(i / 2)}`])].filter((r) => r !== `App${i}`);
    apps.push({ name: `App${i}`, description: '', isDefault: false, status: 'Started', references, backupStatus: 'Exported', exportedIn: 'S', fingerprint: 'f', reasons: [], resources: [], bindingsFingerprint: 'b', bindings, packagedAssemblies: [], artifacts: [{ kind: 'msi', name: `App${i}.msi`, sha256: 'a'.repeat(64), size: 1 }] });
  }
  return { schemaVersion: 1, setId: '20261101T020000Z-abc123', createdAt: '2026-11-01T02:00:00.000Z', createdBy: { user: 'u', host: 'h' }, tool: { name: 'BizTalkBackup', version: '0.1.0' }, group: { server: 's', database: 'd', biztalkVersion: '3.13.717.0', source: 'simulator' }, parent: null, full: true, importOrder: apps.map((a) => a.name), applications: apps, extras: [], warnings: [], failures: [], redactions: [] };
}
const modelOf = (count: number) => buildReportModel({ manifest: group(count), store: 'D:\\Backups', generatedAt: '2026-11-02T00:00:00.000Z', runRecords: [] });

test('more applications than MAX_DRAWN_APPLICATIONS: the picture is a note, rendered at once', async (t) => {
  const model = modelOf(2000);
  const dot = buildReportDot(model);
  t.false(dot.includes('app1 '));
  t.true(dot.includes(`2000 applications: too many to draw (more than ${MAX_DRAWN_APPLICATIONS})`));
  const started = Date.now();
  const svg = await renderDotToSvg(dot);
  t.true(svg.includes('too many to draw'));
  t.true(Date.now() - started < 30_000);
  t.is(model.runbook.filter((s) => s.phase === 'applications').length, 2000);
});
