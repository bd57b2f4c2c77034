// Issue 14, "tested as a person would read it": Debian's chromium renders the HTML report headless. The DOM is checked
// (every application a node of the SVG, the runbook in import order, the verdict of the set), a screenshot is kept as
// an artifact (tests/artifacts/report-sample.png; with BIZTALKBACKUP_WRITE_REPORT_SAMPLE=1 also docs/report-sample.png,
// the README's picture), and a second set with a failed application and a missing secret reads "Not ready", naming
// both. Three chromium launches in all, each killed (with its children) if it outlives its timeout.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeSecretsFile } from '../../src/adapters/secrets/secrets-file.js';
import type { ReportModel } from '../../src/core/report-model.js';
import { makeTempDir, repoRoot, runCli } from '../support/cli.js';
import { EVIL_APP, EVIL_PORT, writeReportGroup } from '../support/report-groups.js';

const CHROMIUM_TIMEOUT_MS = 60_000;
const artifacts = path.join(repoRoot, 'tests', 'artifacts');

function findChromium(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    if (spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0) return name;
  }
  throw new Error('chromium not found: run tests/setup/60-chromium.sh (apt-get install chromium)');
}

/** Runs chromium headless; kills its whole process group at the timeout. Returns stdout. */
function chromium(args: string[], profile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(findChromium(), ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', `--user-data-dir=${profile}`, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      reject(new Error(`chromium did not finish in ${CHROMIUM_TIMEOUT_MS} ms: ${stderr.slice(-2000)}`));
    }, CHROMIUM_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`chromium exited ${String(code)}: ${stderr.slice(-2000)}`));
    });
  });
}

const decode = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#45;/g, '-').replace(/&amp;/g, '&');

/** The application nodes of the graph, as the DOM holds them: `<g class="node app state-...">` with its label. */
function svgApplicationNodes(dom: string): { label: string; state: string }[] {
  return [...dom.matchAll(/<g id="node\d+" class="node app state-(\w+)">([\s\S]*?)<\/g>/g)].map((m) => ({ state: m[1]!, label: decode(/<text[^>]*>([\s\S]*?)<\/text>/.exec(m[2]!)?.[1] ?? '') }));
}

const runbookApplications = (dom: string): string[] => [...dom.matchAll(/<li class="step phase-applications" data-application="([^"]*)"/g)].map((m) => decode(m[1]!));
const verdictOf = (dom: string): string | undefined => /id="verdict" data-verdict="([a-z-]+)"/.exec(dom)?.[1];

test.serial('the sample group: chromium shows every application in the graph, the runbook in import order, the verdict of the set; screenshot kept', async (t) => {
  const dir = await makeTempDir('report-chromium');
  const store = path.join(dir, 'backups');
  t.is((await runCli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);
  t.is((await runCli(['verify', '--store', store, '--read-data', '--json'])).exitCode, 0);
  const json = await runCli(['report', '--store', store, '--format', 'json', '--json']);
  const model = JSON.parse(String(json.out.find((l) => l['kind'] === 'Report')!['content'])) as ReportModel;
  const page = path.join(dir, 'report.html');
  const written = await runCli(['report', '--store', store, '--out', page, '--json']);
  t.is(written.exitCode, 0, written.stderr);

  const dom = await chromium(['--dump-dom', pathToFileURL(page).href], path.join(dir, 'profile'));
  const nodes = svgApplicationNodes(dom);
  t.deepEqual(nodes.map((n) => n.label).sort(), model.applications.map((a) => `${a.importOrder}. ${a.name}`).sort(), 'every application is a node of the SVG');
  t.deepEqual(runbookApplications(dom), model.applications.map((a) => a.name), 'the runbook lists them in import order');
  t.deepEqual(model.applications.map((a) => a.name), ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal', 'Zahlungsverkehr Süd']);
  t.is(verdictOf(dom), model.verdict);
  t.is(model.verdict, 'ready-with-gaps', 'verified, but masked passwords unchecked and a web directory on localhost');
  t.true(dom.includes('read-data: every object re-hashed'));

  await mkdir(artifacts, { recursive: true });
  const shot = path.join(artifacts, 'report-sample.png');
  await chromium([`--screenshot=${shot}`, '--window-size=1280,2400', pathToFileURL(page).href], path.join(dir, 'profile'));
  const png = await readFile(shot);
  t.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG');
  t.true((await stat(shot)).size > 20_000, 'not a blank page');
  t.log(`screenshot: ${path.relative(repoRoot, shot)}`);
  if (process.env['BIZTALKBACKUP_WRITE_REPORT_SAMPLE'] === '1') {
    await copyFile(shot, path.join(repoRoot, 'docs', 'report-sample.png'));
    t.log('written: docs/report-sample.png');
  }
});

test.serial('a failed application and a missing secret: chromium shows "Not ready" naming both; markup in names stays text', async (t) => {
  const dir = await makeTempDir('report-chromium-bad');
  const group = await writeReportGroup(dir, { evil: true, failExport: 'Contoso.Portal' });
  const store = path.join(dir, 'backups');
  t.is((await runCli(['export', '--simulator-state', group, '--store', store, '--json'])).exitCode, 3);
  const secrets = path.join(dir, 'prod.secrets');
  const passphrase = 'report chromium passphrase';
  await writeSecretsFile(secrets, [{ port: 'Billing.Send.Bank.Sftp', field: 'AdapterConfig/password', value: 'chromium-secret' }], passphrase, { N: 1 << 10, r: 8, p: 1 });
  const page = path.join(dir, 'report.html');
  const r = await runCli(['report', '--store', store, '--secrets-file', secrets, '--out', page, '--json'], { env: { BIZTALKBACKUP_SECRETS_PASSPHRASE: passphrase } });
  t.is(r.exitCode, 0, r.stderr);

  const dom = await chromium(['--dump-dom', pathToFileURL(page).href], path.join(dir, 'profile'));
  t.is(verdictOf(dom), 'not-ready');
  t.regex(dom, /<strong>Not ready<\/strong>/);
  const blockers = [...dom.matchAll(/<li class="blocker">([\s\S]*?)<\/li>/g)].map((m) => decode(m[1]!));
  t.true(blockers.some((b) => b.includes('"Contoso.Portal" failed to back up')), blockers.join('\n'));
  t.true(blockers.some((b) => b.includes(`send port "${EVIL_PORT}"`) && b.includes(EVIL_APP)), blockers.join('\n'));
  t.false(/<script/i.test(dom), 'no script element: the names are text');
  t.true(svgApplicationNodes(dom).some((n) => n.state === 'failed' && n.label.endsWith('Contoso.Portal')));
  t.true(svgApplicationNodes(dom).some((n) => n.label.endsWith(EVIL_APP)));
  t.false(dom.includes('chromium-secret'));
});
