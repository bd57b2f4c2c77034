import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The child processes this run started (BTSTask, msiexec, reg, powershell) and how to stop them with their trees.
 *
 * POSIX: children stay in our process group, so a `kill` of the group (a service manager stopping us, Ctrl-C at a
 * terminal) reaches them directly, SIGKILL included. A tree is killed by walking parent pids (/proc, else `ps`):
 * every descendant is stopped (SIGSTOP, so none can fork away) and then killed.
 * Windows: `taskkill /PID <pid> /T /F`. Node cannot put a child in a job object without native code, so a hard kill
 * of node itself (Task Manager, `Stop-Process -Force`) leaves BTSTask running; every stop node sees (timeout, a
 * second Ctrl-C, SIGTERM, the end of the process) kills the trees. Console Ctrl-C reaches BTSTask by itself: it
 * shares our console.
 *
 * When the process is about to end (the `exit` event, or a SIGINT/SIGTERM/SIGHUP that nobody else handles and that
 * would end the process), every child still running is killed with its tree first, so nothing we started outlives us.
 */
const live = new Map<number, NodeJS.Platform>();
const STOP_SIGNALS: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

/** Registers a running child; call the returned function once it has exited. */
export function trackChild(pid: number, platform: NodeJS.Platform): () => void {
  live.set(pid, platform);
  install();
  return () => {
    live.delete(pid);
    if (live.size === 0) uninstall();
  };
}

/** Pids of the children still running (tests). */
export function trackedChildren(): number[] {
  return [...live.keys()];
}

/** Kills every tracked child with its tree, synchronously (usable in an `exit` handler). */
export function stopTrackedChildren(): void {
  for (const [pid, platform] of live) killTreeSync(pid, platform);
  live.clear();
  uninstall();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', stopTrackedChildren);
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', stopTrackedChildren);
  for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
}

/**
 * Listening to a signal cancels its default action (ending the process). So this listener only acts when it is the
 * only one: then the process would have ended, and it does end, after the children are killed. When another listener
 * is there (the CLI's graceful interruption), that one decides; when it gives up and re-raises the signal, this one is
 * alone and ends the process.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  stopTrackedChildren();
  process.kill(process.pid, signal);
}

/** Kills a process and every descendant: taskkill /T /F on Windows (not waited for), else stop-then-kill. */
export function killTree(pid: number, platform: NodeJS.Platform): void {
  if (platform === 'win32') {
    const killer = spawn('taskkill', ['/PID', String(pid), '/T', '/F'], { shell: false, windowsHide: true, stdio: 'ignore' });
    killer.on('error', () => undefined);
    return;
  }
  killPosixTree(pid);
}

function killTreeSync(pid: number, platform: NodeJS.Platform): void {
  if (platform === 'win32') {
    spawnSync('taskkill', ['/PID', String(pid), '/T', '/F'], { shell: false, windowsHide: true, stdio: 'ignore', timeout: 10_000 });
    return;
  }
  killPosixTree(pid);
}

function killPosixTree(pid: number): void {
  const stopped = new Set<number>();
  // Stop first so nothing forks or is re-parented while the tree is read; read again to catch late forks.
  for (let round = 0; round < 3; round++) {
    const tree = [pid, ...descendantsOf(pid, processTable())];
    const fresh = tree.filter((p) => !stopped.has(p));
    if (fresh.length === 0) break;
    for (const p of fresh) {
      signal(p, 'SIGSTOP');
      stopped.add(p);
    }
  }
  for (const p of stopped) signal(p, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Every descendant of `root` in a (pid, parent pid) table, children before grandchildren. Pure. */
export function descendantsOf(root: number, table: readonly (readonly [number, number])[]): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of table) {
    if (pid === ppid) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const seen = new Set<number>([root]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i] as number) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** (pid, parent pid) of every process: /proc on Linux, `ps` elsewhere; empty when neither answers. */
function processTable(): [number, number][] {
  try {
    const table: [number, number][] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
        // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (Number.isInteger(ppid)) table.push([Number(entry), ppid]);
      } catch {
        // The process ended while the table was read.
      }
    }
    return table;
  } catch {
    return parsePsTable(safePs());
  }
}

function safePs(): string {
  try {
    return execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

/** `ps -A -o pid= -o ppid=` output: two numbers a line. Pure. */
export function parsePsTable(text: string): [number, number][] {
  const table: [number, number][] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
    if (match !== null) table.push([Number(match[1]), Number(match[2])]);
  }
  return table;
}
