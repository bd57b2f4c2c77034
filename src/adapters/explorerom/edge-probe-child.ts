/**
 * Run by the catalog probe as a separate node process: loads edge-js and the bridge in-process with the given options
 * and answers one `probe` request, as one JSON line on stdout. A separate process because on CoreCLR a bad load can
 * crash the whole process (edge-js's assembly resolver recurses into a stack overflow on BadImageFormatException).
 * argv[2]: JSON `{ edge: EdgeBridgeOptions, connectionString?: string, request?: a probe request of another bridge }`.
 */
import { isBtsBackupError } from '../../errors/index.js';
import { parseProbe, unwrapResponse, type BridgeRequest } from './bridge-protocol.js';
import { createEdgeInvoker, type EdgeBridgeOptions } from './edge-invoker.js';

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as { edge?: EdgeBridgeOptions; connectionString?: string; request?: BridgeRequest };
  // The deployment-API bridge's probe names the group by server and database: its request is passed whole.
  const request: BridgeRequest = input.request ?? (input.connectionString === undefined ? { op: 'probe' } : { op: 'probe', connectionString: input.connectionString });
  try {
    const invoker = createEdgeInvoker(input.edge ?? {});
    const result = parseProbe(unwrapResponse(await invoker(request), request));
    process.stdout.write(`${JSON.stringify({ ok: true, result })}\n`);
  } catch (error) {
    const payload = isBtsBackupError(error) ? error.toJSON() : { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
    process.stdout.write(`${JSON.stringify({ ok: false, error: payload })}\n`);
  }
}

void main().then(
  () => process.exit(0),
  () => process.exit(1),
);
