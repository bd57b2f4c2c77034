import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSampleGroupState } from '../../src/adapters/simulator/sample-group.js';
import { escapeXml } from '../../src/formats/bindings/parse-xml.js';

/** Markup in an application name and a port name: every renderer must show it as text. */
export const EVIL_APP = '<script>alert("app")</script> & Co';
export const EVIL_PORT = '<script>alert(1)</script>.Send';

/**
 * The sample group written to a state file, changed for a report test: the Zahlungsverkehr application and its send
 * port renamed to markup (`evil`), and ExportApp failing for one application (`failExport`).
 */
export async function writeReportGroup(dir: string, options: { evil?: boolean; failExport?: string } = {}): Promise<string> {
  const state = createSampleGroupState();
  if (options.evil === true) {
    const app = state.applications.find((a) => a.name === 'Zahlungsverkehr Süd')!;
    app.name = EVIL_APP;
    app.bindings = (app.bindings ?? '').split('Zahlungsverkehr Süd').join(escapeXml(EVIL_APP)).split('Zahlungsverkehr.Send.Bank.Ftp').join(escapeXml(EVIL_PORT));
    for (const r of app.resources) r.luid = r.luid.split('Zahlungsverkehr Süd').join(EVIL_APP);
  }
  if (options.failExport !== undefined) state.faults = [{ command: 'ExportApp', application: options.failExport, errors: ['Error: Exception of type System.OutOfMemoryException was thrown.'] }];
  const file = path.join(dir, 'group.json');
  await writeFile(file, JSON.stringify(state), 'utf8');
  return file;
}
