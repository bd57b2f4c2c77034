import type { AdapterHandlerInfo } from '../../core/model.js';
import type { BtsBackupError } from '../../errors/index.js';

/** What the probe of a C# bridge (ExplorerOM's or the deployment API's) answers: the assembly it loaded and where. */
export interface ProbeResult {
  assembly: string;
  location: string;
  process64: boolean;
  runtime: string;
}

/**
 * The checked readers of a bridge's answer, shared by the ExplorerOM and the deployment-API bridge protocols: each
 * throws the protocol's own typed error (`protocol(problem)`) when a value is not what the bridge promises.
 */
export function bridgeValues(protocol: (problem: string) => BtsBackupError) {
  const record = (value: unknown, where: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw protocol(`${where} is not an object`);
    return value as Record<string, unknown>;
  };
  const array = (value: unknown, where: string): unknown[] => {
    // edge-js marshals an empty .NET list as []; a null collection is tolerated as empty.
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw protocol(`${where} is not an array`);
    return value;
  };
  const str = (value: unknown, where: string): string => {
    if (typeof value !== 'string') throw protocol(`${where} is not a string`);
    return value;
  };
  const bool = (value: unknown, where: string): boolean => {
    if (typeof value !== 'boolean') throw protocol(`${where} is not true or false`);
    return value;
  };
  const probe = (result: Record<string, unknown>): ProbeResult => ({
    assembly: str(result['assembly'], 'assembly'),
    location: typeof result['location'] === 'string' ? result['location'] : '',
    process64: bool(result['process64'], 'process64'),
    runtime: typeof result['runtime'] === 'string' ? result['runtime'] : '',
  });
  const handlers = (value: unknown): AdapterHandlerInfo[] =>
    array(value, 'handlers').map((raw, i) => {
      const h = record(raw, `handlers[${i}]`);
      const direction = str(h['direction'], `handlers[${i}].direction`);
      if (direction !== 'Send' && direction !== 'Receive') throw protocol(`handlers[${i}].direction is ${direction}`);
      return { adapter: str(h['adapter'], `handlers[${i}].adapter`), host: str(h['host'], `handlers[${i}].host`), direction };
    });
  return { record, array, str, bool, probe, handlers };
}
