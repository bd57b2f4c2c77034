import { nodeFsSeams, type FsSeams } from '../../../src/adapters/store/fs-seams.js';

/**
 * An FsSeams over the real file system that injects faults: errno errors, short writes, byte flips on read,
 * hooks, and a "crash" after which every call fails (so cleanup code cannot run, as in a real crash).
 */
export type SeamName = keyof FsSeams;

export interface Call {
  op: SeamName;
  path: string;
}

export interface FaultRule {
  op: SeamName;
  /** Matches the call's path (for fd calls: the path the fd was opened with). */
  when?: (path: string) => boolean;
  /** How many matching calls to affect (default: all). */
  times?: number;
  /** Replace the call. Receives the original call as `real`. */
  run: (real: () => Promise<unknown>, args: unknown[], path: string) => Promise<unknown>;
}

export class CrashError extends Error {
  constructor(where: string) {
    super(`simulated crash at ${where}`);
    this.name = 'CrashError';
  }
}

export function errno(code: string, syscall = 'fs'): NodeJS.ErrnoException {
  const error = new Error(`${code}: injected, ${syscall}`) as NodeJS.ErrnoException;
  error.code = code;
  error.syscall = syscall;
  return error;
}

export class FaultFs {
  readonly calls: Call[] = [];
  crashed = false;
  private readonly rules: FaultRule[] = [];
  private readonly fdPaths = new Map<number, string>();
  readonly seams: FsSeams;

  constructor(private readonly base: FsSeams = nodeFsSeams) {
    const wrap =
      <K extends SeamName>(op: K) =>
      (...args: unknown[]): Promise<unknown> => {
        const path = this.pathOf(op, args);
        if (this.crashed) return Promise.reject(new CrashError(`${op} after the crash`));
        this.calls.push({ op, path });
        const real = async (): Promise<unknown> => {
          const result = await (this.base[op] as (...a: unknown[]) => Promise<unknown>)(...args);
          if (op === 'open') this.fdPaths.set(result as number, path);
          return result;
        };
        const rule = this.rules.find((candidate) => candidate.op === op && (candidate.when?.(path) ?? true) && (candidate.times ?? 1) > 0);
        if (rule === undefined) return real();
        if (rule.times !== undefined) rule.times -= 1;
        return rule.run(real, args, path);
      };
    const seams: Partial<Record<SeamName, unknown>> = {};
    for (const op of Object.keys(base) as SeamName[]) seams[op] = wrap(op);
    this.seams = seams as unknown as FsSeams;
  }

  inject(rule: FaultRule): this {
    this.rules.push(rule);
    return this;
  }

  /** Fail matching calls with an errno error. */
  fail(op: SeamName, code: string, options: { when?: (path: string) => boolean; times?: number } = {}): this {
    return this.inject({ op, ...options, run: async () => Promise.reject(errno(code, op)) });
  }

  /** The process dies at the matching call: it throws, and so does every later call. */
  crashAt(op: SeamName, when?: (path: string) => boolean, before?: (real: () => Promise<unknown>, args: unknown[]) => Promise<void>): this {
    return this.inject({
      op,
      ...(when === undefined ? {} : { when }),
      times: 1,
      run: async (real, args) => {
        if (before !== undefined) await before(real, args);
        this.crashed = true;
        throw new CrashError(op);
      },
    });
  }

  count(op: SeamName, when: (path: string) => boolean = () => true): number {
    return this.calls.filter((call) => call.op === op && when(call.path)).length;
  }

  private pathOf(op: SeamName, args: unknown[]): string {
    if (op === 'write' || op === 'read' || op === 'fsync' || op === 'close') return this.fdPaths.get(args[0] as number) ?? `fd:${String(args[0])}`;
    if (op === 'rename') return `${String(args[0])} -> ${String(args[1])}`;
    return String(args[0]);
  }
}
