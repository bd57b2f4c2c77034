// Test helper: a temp simulated group on disk and the runner config that drives the BTSTask emulator as if it were
// BTSTask.exe (`node dist/src/adapters/simulator/btstask-emulator.js <args>`). Never used by product code.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BtsTaskRunner, ProcessRun, ProcessRunnerOptions } from '../../src/adapters/btstask/btstask-runner.js';
import { ProcessRunner } from '../../src/adapters/btstask/btstask-runner.js';
import type { GroupState } from '../../src/adapters/simulator/group-state.js';
import { createSampleGroupState } from '../../src/adapters/simulator/sample-group.js';

/** The built emulator script (this file runs from dist/tests/support). */
export const EMULATOR_SCRIPT = fileURLToPath(new URL('../../src/adapters/simulator/btstask-emulator.js', import.meta.url));

export interface EmulatorSetup {
  dir: string;
  stateFile: string;
  gacRoot: string;
  state: GroupState;
  env: NodeJS.ProcessEnv;
  /** Runner options for BTSTask = node + the emulator script; `extra` overrides (timeout, onSpawn, env). */
  runnerOptions(extra?: Partial<ProcessRunnerOptions>): ProcessRunnerOptions;
  runner(extra?: Partial<ProcessRunnerOptions>): ProcessRunner;
  /** Runs the emulator once with raw BTSTask arguments. */
  run(args: string[], extra?: Partial<ProcessRunnerOptions>): Promise<ProcessRun>;
  cleanup(): Promise<void>;
}

/** A fresh temp copy of the sample group (optionally changed by `mutate`, e.g. to add faults). */
export async function createEmulatorSetup(mutate?: (state: GroupState) => void): Promise<EmulatorSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'btstask-emu-'));
  const state = createSampleGroupState();
  mutate?.(state);
  const stateFile = join(dir, 'group-state.json');
  const gacRoot = join(dir, 'gac');
  await writeFile(stateFile, JSON.stringify(state, null, 2), 'utf8');
  const env: NodeJS.ProcessEnv = { ...process.env, BIZTALKBACKUP_SIM_STATE: stateFile, BIZTALKBACKUP_SIM_GAC: gacRoot };
  const runnerOptions = (extra: Partial<ProcessRunnerOptions> = {}): ProcessRunnerOptions => ({
    command: process.execPath,
    prefixArgs: [EMULATOR_SCRIPT],
    timeoutMs: 30_000,
    env,
    cwd: dir,
    ...extra,
  });
  return {
    dir,
    stateFile,
    gacRoot,
    state,
    env,
    runnerOptions,
    runner: (extra) => new ProcessRunner(runnerOptions(extra)),
    run: (args, extra) => new ProcessRunner(runnerOptions(extra)).run(args),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Wraps a runner and records every BTSTask argument list it was asked to run. */
export class RecordingRunner implements BtsTaskRunner {
  readonly calls: string[][] = [];
  private readonly inner: BtsTaskRunner;

  constructor(inner: BtsTaskRunner) {
    this.inner = inner;
  }

  run(args: readonly string[], options?: { timeoutMs?: number }): Promise<ProcessRun> {
    this.calls.push([...args]);
    return this.inner.run(args, options);
  }
}

/** True while `pid` is a live process (a zombie waiting for its reaper counts as gone). */
export async function isProcessAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Waits until `pid` is gone, up to `ms`; returns whether it is gone. */
export async function waitForExit(pid: number, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await isProcessAlive(pid))) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !(await isProcessAlive(pid));
}
