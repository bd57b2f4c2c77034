import { createSampleGroupState } from '../../src/adapters/simulator/sample-group.js';
import { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import type { GroupState } from '../../src/adapters/simulator/group-state.js';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import { newSetId } from '../../src/core/set-id.js';
import type { BizTalkGroup } from '../../src/ports/biztalk-group.js';
import type { BackupStore } from '../../src/ports/store.js';
import type { ExportOptions } from '../../src/usecases/export-backup.js';
import type { Reporter } from '../../src/usecases/reporter.js';
import { makeTempDir } from './cli.js';
import { recordCalls } from './record-calls.js';
import { createTempAreas } from '../../src/adapters/temp/temp-area.js';

/** A clock that moves one minute per reading, so consecutive sets get distinct, ordered ids. */
export function steppingClock(start = Date.UTC(2026, 10, 25, 2, 0, 0)): { now: () => Date } {
  let t = start;
  return { now: () => new Date((t += 60_000)) };
}

export async function sampleGroup(mutate?: (state: GroupState) => void): Promise<SimulatedGroup> {
  const state = createSampleGroupState();
  mutate?.(state);
  const gacRoot = await makeTempDir('gac');
  let guid = 0;
  return new SimulatedGroup(state, { gacRoot, clock: steppingClock(), newGuid: () => `00000000-0000-4000-8000-${String(++guid).padStart(12, '0')}` });
}

// Shared by every call in a test file, so consecutive exports get later, distinct set ids.
const sharedClock = steppingClock();
let setCounter = 0;

export function exportOptions(overrides: Partial<ExportOptions> = {}): ExportOptions {
  return {
    include: [],
    exclude: [],
    includePaths: [],
    full: false,
    dryRun: false,
    storeIsLocal: false,
    clock: sharedClock,
    newSetId: (now) => newSetId(now, () => (++setCounter).toString(16).padStart(6, '0')),
    tool: { name: 'BizTalkBackup', version: 'test' },
    user: 'CONTOSO\\tester',
    host: 'TESTHOST',
    tempAreas: createTempAreas(),
    ...overrides,
  };
}

export interface RecordingReporter extends Reporter {
  lines: { type: string; [key: string]: unknown }[];
}

export function recordingReporter(): RecordingReporter {
  const lines: { type: string; [key: string]: unknown }[] = [];
  return {
    lines,
    progress: (activity, status, current, total) => lines.push({ type: 'progress', activity, status, current, total }),
    completed: (activity) => lines.push({ type: 'completed', activity }),
    log: (level, message, _psMessage, code) => lines.push({ type: 'log', level, message, ...(code === undefined ? {} : { code }) }),
    result: (kind, value) => lines.push({ type: 'result', kind, ...value }),
  };
}

const MUTATING = new Set(['init', 'putFile', 'putBytes', 'deleteObject', 'commitSet', 'deleteSet', 'acquireLock', 'sweepTemp', 'copyObjectTo']);

/** Wraps a store and counts the calls that could change it. */
export function countingStore(inner: BackupStore = createMemoryStore()): { store: BackupStore; mutations: string[] } {
  const { proxy, calls } = recordCalls(inner, (method) => MUTATING.has(method));
  return { store: proxy, mutations: calls };
}

/** The group without its one-call inventory (readGroupInventory hidden): the per-application path BTSTask takes. */
export function withoutGroupInventory(group: SimulatedGroup): BizTalkGroup {
  return new Proxy(group, {
    get(target, property, receiver) {
      if (property === 'readGroupInventory') return undefined;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as BizTalkGroup;
}
