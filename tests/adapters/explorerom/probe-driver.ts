/**
 * A separate node process for the scenarios that need their own process (edge-js loads one CLR per process, and
 * configuration is read when it loads): runs the catalog probe or one in-process request, prints one JSON line.
 * argv[2]: JSON { mode: 'choose' | 'invoke', edge?: EdgeBridgeOptions | false, helper?: HelperOptions | false, stateFile, connectionString }.
 */
import { readFile } from 'node:fs/promises';
import { chooseCatalog } from '../../../src/adapters/explorerom/catalog-probe.js';
import { createEdgeInvoker, type EdgeBridgeOptions } from '../../../src/adapters/explorerom/edge-invoker.js';
import { ExplorerOmCatalog } from '../../../src/adapters/explorerom/explorerom-catalog.js';
import type { HelperOptions } from '../../../src/adapters/explorerom/helper-invoker.js';
import { parseGroupState } from '../../../src/adapters/simulator/group-state.js';
import { SimulatedGroup } from '../../../src/adapters/simulator/simulated-group.js';
import { isBtsBackupError } from '../../../src/errors/index.js';

interface DriverInput {
  mode: 'choose' | 'invoke';
  edge?: EdgeBridgeOptions | false;
  helper?: HelperOptions | false;
  stateFile: string;
  connectionString: string;
}

async function main(): Promise<unknown> {
  const input = JSON.parse(process.argv[2] ?? '{}') as DriverInput;
  const state = parseGroupState(await readFile(input.stateFile, 'utf8'), input.stateFile);
  const server = state.group.server;
  const database = state.group.database;
  if (input.mode === 'choose') {
    const choice = await chooseCatalog({
      server,
      database,
      connectionString: input.connectionString,
      edge: input.edge ?? false,
      helper: input.helper ?? false,
      // Stands in for BTSTask plus the ADFs (another adapter's job): any catalog that works without ExplorerOM.
      fallback: () => new SimulatedGroup(state, { gacRoot: '/nonexistent-gac' }),
    });
    const applications = await choice.catalog.listApplications();
    return { ok: true, source: choice.source, attempts: choice.attempts, applications: applications.map((a) => a.name) };
  }
  const catalog = new ExplorerOmCatalog({ server, database, connectionString: input.connectionString, invoker: createEdgeInvoker(input.edge === false ? {} : (input.edge ?? {})) });
  return { ok: true, probe: await catalog.probe(), applications: (await catalog.listApplications()).map((a) => a.name) };
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: isBtsBackupError(error) ? error.toJSON() : { code: 'E_INTERNAL', message: String(error) } })}\n`);
    process.exit(0);
  },
);
