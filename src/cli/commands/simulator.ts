import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createSampleGroupState } from '../../adapters/simulator/sample-group.js';
import { SimulatedGroup } from '../../adapters/simulator/simulated-group.js';
import { BtsBackupError } from '../../errors/index.js';
import type { Output } from '../output.js';

/** Writes the sample group to a state file, to keep a simulated group between runs (and mutate it). */
export async function runSimulatorInit(args: { state: string; force: boolean }, out: Output): Promise<number> {
  const file = path.resolve(args.state);
  if (!args.force) {
    const exists = await fs.access(file).then(() => true, () => false);
    if (exists) throw new BtsBackupError('E_TARGET_EXISTS', `${file} exists already.`, { target: file, hint: 'Pass --force to overwrite it.' });
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  const state = createSampleGroupState();
  await fs.writeFile(file, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
  // The simulated server's GAC, laid out as a real one, where --simulator-state and the BTSTask emulator look.
  const gacRoot = `${file}.gac`;
  await new SimulatedGroup(state, { gacRoot }).writeGac();
  out.result('SimulatorState', { path: file, gacRoot, applications: state.applications.length });
  out.text(`Wrote the sample group (${state.applications.length} applications) to ${file}, its GAC to ${gacRoot}.`);
  out.summary('simulator init', 0, { applications: state.applications.length });
  return 0;
}
