// Issue 14: the report's renderers (HTML, Markdown, DOT) escape every name, and the HTML page is self-contained.
import test from 'ava';
import { manifestOf } from '../../support/manifest-fixture.js';
import { renderDotToSvg } from '../../../src/adapters/report/graphviz.js';
import { emptyBindingsSummary } from '../../../src/core/bindings-summary.js';
import type { Manifest, ManifestApplication } from '../../../src/core/manifest.js';
import { buildReportModel, type ReportModel } from '../../../src/core/report-model.js';
import { readBindingExternals } from '../../../src/formats/report/binding-externals.js';
import { inlineSvg, renderReportHtml } from '../../../src/formats/report/render-html.js';
import { mdText, renderReportMarkdown } from '../../../src/formats/report/render-text.js';
import { buildReportDot, dotString } from '../../../src/formats/report/report-dot.js';

const EVIL = '<script>alert("x")</script>&amp;';
const EVIL_PORT = '<img src=x onerror=alert(1)>';
const sha = (c: string): string => c.repeat(64);

function app(name: string, references: string[], port?: string): ManifestApplication {
  const bindings = emptyBindingsSummary();
  if (port !== undefined) bindings.sendPorts.push({ name: port, transport: 'FTP', address: 'ftp://h/', host: `Host ${EVIL}`, hostTrusted: false, filter: '', configHash: '' });
  return {
    name,
    description: `about ${name}`,
    isDefault: false,
    status: 'Started',
    references,
    backupStatus: 'Exported',
    exportedIn: 'S1',
    fingerprint: sha('f'),
    reasons: [],
    resources: [{ type: 'System.BizTalk:File', luid: `${name}.config`, properties: {} }],
    bindingsFingerprint: sha('b'),
    bindings,
    packagedAssemblies: [],
    artifacts: [{ kind: 'msi', name: `${name}.msi`, sha256: sha('a'), size: 1234 }],
  };
}

function evilModel(): ReportModel {
  const manifest: Manifest = manifestOf([app('Base', []), app(EVIL, ['Base'], EVIL_PORT)], {
    schemaVersion: 1,
    setId: '20261101T020000Z-abc123',
    createdAt: '2026-11-01T02:00:00.000Z',
    tool: { name: 'BizTalkBackup', version: '0.1.0' },
    group: { server: 'SQL', database: 'BizTalkMgmtDb', source: 'simulator' },
    warnings: [{ kind: 'MaskedPassword', application: EVIL, message: `password of ${EVIL_PORT}`, location: { port: EVIL_PORT, field: 'password' } }],
    failures: [{ application: `Failed ${EVIL}`, code: 'E_BTSTASK_FAILED', message: EVIL }],
  });
  return buildReportModel({ manifest, store: 'D:\\Backups', generatedAt: '2026-11-02T00:00:00.000Z', runRecords: [], secrets: { file: `${EVIL}.secrets`, keys: [] } });
}

test('html: every name is escaped, in text, attributes and the SVG; no script, no external reference; print stylesheet', async (t) => {
  const model = evilModel();
  const page = renderReportHtml(model, await renderDotToSvg(buildReportDot(model)));
  t.false(/<script/i.test(page), 'no <script> element');
  t.false(/<img/i.test(page), 'no injected element');
  // Real tags only: markup characters in names are entities, so text cannot open one.
  const tags = page.match(/<[a-zA-Z][^>]*>/g) ?? [];
  t.false(tags.some((tag) => /\son\w+\s*=/i.test(tag)), 'no event handler attribute');
  t.false(tags.some((tag) => /\s(src|href|xlink:href)\s*=/i.test(tag)), 'no src or href');
  t.true(page.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;'), 'the application name as text');
  t.true(page.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the port name as text');
  t.false(/url\(|@import|<link|<iframe|<object|<embed/i.test(page), 'no external resource');
  t.false(/https?:\/\/(?!localhost)/i.test(page), 'no URL but the web directory named as text');
  t.regex(page, /@media print \{[^}]*\}[\s\S]*break-before: page/);
  t.true(page.includes('<svg'), 'the graph is inline');
  t.is((page.match(/<svg/g) ?? []).length, 1);
  t.regex(page, /Not ready/);
});

test('markdown: names escaped outside code blocks; code blocks fenced longer than any backtick run in them', (t) => {
  const text = renderReportMarkdown(evilModel());
  const prose = text.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '');
  t.false(prose.includes('<script') || prose.includes('<img'));
  t.true(prose.includes('&lt;script&gt;'));
  const ticks = renderReportMarkdown({ ...evilModel(), runbook: [{ number: 1, phase: 'verify', title: 't', details: [], commands: [{ ps: 'a ```` b', cli: 'c' }] }] });
  t.true(ticks.includes('`````powershell\na ```` b\n`````'));
});

const mdCases: [string, string][] = [
  ['plain', 'plain'],
  ['a*b_c', 'a\\*b\\_c'],
  ['[link](x)', '\\[link\\](x)'],
  ['<b>&', '&lt;b&gt;&amp;'],
  ['a|b', 'a\\|b'],
  ['`code`', '\\`code\\`'],
  ['line\nbreak', 'line break'],
];
for (const [input, expected] of mdCases) test(`mdText ${JSON.stringify(input)}`, (t) => t.is(mdText(input), expected));

const dotCases: [string, string][] = [
  ['plain', '"plain"'],
  ['say "hi"', '"say \\"hi\\""'],
  ['back\\slash \\N \\G', '"back\\\\slash \\\\N \\\\G"'],
  ['a&lt;b', '"a&amp;lt;b"'],
  ['two\nlines', '"two lines"'],
];
for (const [input, expected] of dotCases) test(`dotString ${JSON.stringify(input)}`, (t) => t.is(dotString(input), expected));

test('dot: every application a node with its import order, references drawn, hosts a second layer; Graphviz shows names as text', async (t) => {
  const model = evilModel();
  const dot = buildReportDot(model);
  t.regex(dot, /app1 \[label="1\. Base"/);
  t.notRegex(dot, /style=invis/);
  t.regex(dot, /app1 -> app2 \[dir=back/);
  t.regex(dot, /cluster_hosts/);
  const svg = await renderDotToSvg(dot);
  t.true(svg.includes('2. &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;') || svg.includes('2. &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;'.replace(/&quot;/g, '"')), svg.slice(0, 2000));
  const inline = inlineSvg(svg);
  t.false(inline.includes('<!') || inline.includes('xmlns') || inline.includes('<?xml'));
  t.is(inlineSvg('<html>not an svg</html>'), '');
});

test('binding externals: SSO affiliate applications and certificate thumbprints in escaped adapter configuration, pipelines by assembly', (t) => {
  const props = '&lt;CustomProps&gt;&lt;AffiliateApplicationName vt="8"&gt;SAP.Prod&lt;/AffiliateApplicationName&gt;&lt;UseSSO vt="11"&gt;true&lt;/UseSSO&gt;&lt;ClientCertificate vt="8"&gt;0123456789abcdef0123456789ABCDEF01234567&lt;/ClientCertificate&gt;&lt;/CustomProps&gt;';
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<BindingInfo><SendPortCollection>
<SendPort Name="Sap.Send"><SendPipeline Name="Contoso.Pipelines.SendFlat" FullyQualifiedName="Contoso.Pipelines.SendFlat, Contoso.Pipelines, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef" Type="2" />
<PrimaryTransport><TransportTypeData>${props}</TransportTypeData></PrimaryTransport>
<EncryptionCert Thumbprint="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" /></SendPort>
</SendPortCollection>
<ReceivePortCollection><ReceivePort Name="In"><ReceiveLocations><ReceiveLocation Name="In.File">
<ReceivePipeline Name="Microsoft.BizTalk.DefaultPipelines.XMLReceive" FullyQualifiedName="Microsoft.BizTalk.DefaultPipelines.XMLReceive, Microsoft.BizTalk.DefaultPipelines, Version=3.0.1.0" Type="1" />
</ReceiveLocation></ReceiveLocations></ReceivePort></ReceivePortCollection></BindingInfo>`;
  const found = readBindingExternals(xml, 'test');
  t.deepEqual(found.ssoAffiliateApplications, [{ name: 'SAP.Prod', where: 'send port "Sap.Send"' }]);
  t.deepEqual(found.certificates.map((c) => [c.thumbprint, c.where]).sort(), [
    ['0123456789ABCDEF0123456789ABCDEF01234567', 'send port "Sap.Send"'],
    ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'send port "Sap.Send"'],
  ]);
  t.deepEqual(found.pipelines.map((p) => [p.name, p.assembly.split(',')[0], p.where]), [
    ['Contoso.Pipelines.SendFlat', 'Contoso.Pipelines', 'send port "Sap.Send"'],
    ['Microsoft.BizTalk.DefaultPipelines.XMLReceive', 'Microsoft.BizTalk.DefaultPipelines', 'receive location "In.File" of "In"'],
  ]);
  const error = t.throws(() => readBindingExternals('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'dtd'));
  t.is((error as { code?: string }).code, 'E_INVALID_DATA');
});

test('dot: a large group (150 applications) keeps its hosts but not the lines to them, bounds the layout effort, and renders', async (t) => {
  const count = 150;
  const nodes = Array.from({ length: count }, (_, i) => ({ name: `App${i}`, state: 'exported' as const, importOrder: i + 1 }));
  const edges = nodes.slice(1).map((n, i) => ({ from: n.name, to: `App${Math.floor(i / 3)}` }));
  const hosts = [{ name: 'SendHost', trusted: false, type: 'InProcess' as const, usedBy: ['App0'] }];
  const model = { ...evilModel(), graph: { nodes, edges, hosts, handlers: [] } };
  model.applications = nodes.map((n) => ({ ...model.applications[0]!, name: n.name, importOrder: n.importOrder, hosts: ['SendHost'] }));
  const dot = buildReportDot(model);
  t.notRegex(dot, /uses-host/);
  t.regex(dot, /host0 \[/);
  t.regex(dot, /mclimit=0\.1/);
  const small = buildReportDot(evilModel());
  t.notRegex(small, /mclimit/);
  t.regex(small, /uses-host/);
  const svg = await renderDotToSvg(dot);
  t.is((svg.match(/class="node app /g) ?? []).length, count);
});
