import { readFileSync } from 'node:fs';

/**
 * Who a process is, beyond its pid: pids are reused, so a lock or a temp area records its owner's pid together with the
 * process start time, and a pid that now belongs to a process started at another time is not the owner any more.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

let bootTimeMs: number | undefined;
/** USER_HZ: 100 on every mainstream Linux. */
const ticksPerSecond = 100;

function linuxBootTimeMs(): number | undefined {
  if (bootTimeMs !== undefined) return bootTimeMs;
  try {
    const line = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (line?.[1] === undefined) return undefined;
    bootTimeMs = Number(line[1]) * 1000;
    return bootTimeMs;
  } catch {
    return undefined;
  }
}

/** For tests of the parser: `starttime` in clock ticks is field 22 of /proc/<pid>/stat, after the `(comm)` field. */
export function parseProcStatStartTicks(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state); starttime is field 22.
  const ticks = Number(fields[22 - 3]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/**
 * When process `pid` started (ms since the epoch), where the platform says so cheaply (Linux: /proc); undefined
 * elsewhere or when the process does not exist. Precise to a clock tick (10 ms).
 */
export function processStartTime(pid: number, platform: NodeJS.Platform = process.platform): number | undefined {
  if (platform !== 'linux') return undefined;
  const boot = linuxBootTimeMs();
  if (boot === undefined) return undefined;
  try {
    const ticks = parseProcStatStartTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return ticks === undefined ? undefined : boot + (ticks * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** This process's start time: from /proc where there is one (so it compares exactly with what others read), else from uptime. */
export function ownStartTime(): number {
  return processStartTime(process.pid) ?? Math.round(Date.now() - process.uptime() * 1000);
}

/** Start times are read with a clock tick's precision, and from uptime with a little more: allow for that. */
export const START_TIME_TOLERANCE_MS = 2000;

