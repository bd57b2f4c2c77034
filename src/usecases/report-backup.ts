import { buildReportModel, type BindingExternals, type ReportModel, type SecretKeyRef } from '../core/report-model.js';
import type { RunRecord } from '../core/run-record.js';
import { decodeText } from '../formats/bindings/parse-xml.js';
import { readBindingExternals } from '../formats/report/binding-externals.js';
import { buildReportDot } from '../formats/report/report-dot.js';
import { renderReportHtml } from '../formats/report/render-html.js';
import { renderReportJson, renderReportMarkdown } from '../formats/report/render-text.js';
import { InternalError, isBtsBackupError } from '../errors/index.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { Clock } from '../ports/clock.js';
import type { BackupStore } from '../ports/store.js';
import type { TempAreas } from '../ports/temp-area.js';
import { compareBackup } from './compare-backup.js';
import type { Reporter } from './reporter.js';
import { readBackupSet } from './restore-backup.js';

export type ReportFormat = 'html' | 'markdown' | 'json';

/** Turns DOT into SVG (Graphviz compiled to WebAssembly, wired by the CLI). */
export type GraphRenderer = (dot: string) => Promise<string>;

export interface ReportPorts {
  store: BackupStore;
  clock: Clock;
  /** The store's run log (the latest verification is read from it). */
  readRunLog: () => Promise<RunRecord[]>;
  /** Needed for the html format only. */
  renderGraph?: GraphRenderer;
}

export interface ReportOptions {
  /** Set id or latest (default). */
  set?: string;
  format: ReportFormat;
  /** The secrets file given and the locations it holds values for (never the values). */
  secrets?: { file: string; keys: readonly SecretKeyRef[] };
  /** --live: the group compared with the set. */
  live?: { group: BizTalkGroup; tempAreas?: TempAreas };
  /** The store as the user named it, for the commands of the runbook. */
  storeName?: string;
}

export interface ReportOutcome {
  model: ReportModel;
  text: string;
}

/** Btsbackup report / Get-BtsAppBackupReport: reads a set (and the live group with --live), changes nothing. */
export async function reportBackup(ports: ReportPorts, options: ReportOptions, reporter: Reporter): Promise<ReportOutcome> {
  const { store } = ports;
  const total = 4 + (options.live === undefined ? 0 : 1);
  let step = 0;
  reporter.progress('Report', 'reading the backup set', step++, total);
  const manifest = await readBackupSet(store, options.set ?? 'latest');
  reporter.progress('Report', 'reading the run log', step++, total);
  const runRecords = await ports.readRunLog();

  // What the bindings name (SSO affiliate applications, certificates, pipelines): read from the stored binding files.
  const bindingExternals = new Map<string, BindingExternals>();
  const withBindings = manifest.applications.filter((a) => a.artifacts.some((f) => f.kind === 'bindings'));
  for (const [index, app] of withBindings.entries()) {
    reporter.progress('Report: bindings', `reading the bindings of ${app.name}`, index, withBindings.length);
    const found: BindingExternals = { ssoAffiliateApplications: [], certificates: [], pipelines: [] };
    for (const artifact of app.artifacts.filter((f) => f.kind === 'bindings')) {
      try {
        const part = readBindingExternals(decodeText(await store.readObject(artifact.sha256)), `${app.name}: ${artifact.name}`);
        found.ssoAffiliateApplications.push(...part.ssoAffiliateApplications);
        found.certificates.push(...part.certificates);
        found.pipelines.push(...part.pipelines);
      } catch (error) {
        // A missing or unreadable binding file is verify's to report; the report says what it could not read and goes on.
        if (!isBtsBackupError(error)) throw error;
        reporter.log('warning', `${app.name}: ${artifact.name} could not be read for the report (${error.code}); run verify on the store.`);
      }
    }
    bindingExternals.set(app.name, found);
  }
  reporter.completed('Report: bindings');

  let live: { results: Awaited<ReturnType<typeof compareBackup>>['results'] } | undefined;
  if (options.live !== undefined) {
    reporter.progress('Report', 'comparing the live group with the set', step++, total);
    const outcome = await compareBackup(options.live.group, store, { include: [], exclude: [], against: manifest.setId, ...(options.live.tempAreas === undefined ? {} : { tempAreas: options.live.tempAreas }) }, quiet(reporter));
    live = { results: outcome.results };
  }

  const model = buildReportModel({
    manifest,
    store: options.storeName ?? store.location,
    generatedAt: ports.clock.now().toISOString(),
    runRecords,
    bindingExternals,
    ...(options.secrets === undefined ? {} : { secrets: options.secrets }),
    ...(live === undefined ? {} : { live }),
  });
  reporter.progress('Report', `rendering ${options.format}`, step++, total);
  let text: string;
  if (options.format === 'json') text = renderReportJson(model);
  else if (options.format === 'markdown') text = renderReportMarkdown(model);
  else {
    if (ports.renderGraph === undefined) throw new InternalError('The html report was asked for without a graph renderer.');
    text = renderReportHtml(model, await ports.renderGraph(buildReportDot(model)));
  }
  reporter.completed('Report');
  return { model, text };
}

/** The reporter without its results: the comparison's rows are the report's input, not its output. */
function quiet(reporter: Reporter): Reporter {
  return {
    progress: (activity, status, current, total) => reporter.progress(activity, status, current, total),
    completed: (activity) => reporter.completed(activity),
    log: (level, message, psMessage) => reporter.log(level, message, psMessage),
    result: () => undefined,
    ...(reporter.checkpoint === undefined ? {} : { checkpoint: () => reporter.checkpoint?.() }),
    ...(reporter.error === undefined ? {} : { error: (error) => reporter.error?.(error) }),
  };
}
