/**
 * A second process for the lock tests (RELIABILITY.md cases 7, 8, 32): takes the lock of the store given as argv[2],
 * prints `locked` (with its token), then reads commands on stdin:
 * `put` stores an object without committing (an export half way) and prints `put`; `commit` stores an object, commits
 * set argv[3], releases and exits. Env: LOCK_HOLDER_HOST plays another host; LOCK_HOLDER_HEARTBEAT_MS its heartbeat.
 */
import { createInterface } from 'node:readline';
import { createFsStore } from '../../../src/adapters/store/fs-store.js';

const [root, setId] = process.argv.slice(2);
if (root === undefined || setId === undefined) throw new Error('usage: lock-holder-process <root> <setId>');
const host = process.env['LOCK_HOLDER_HOST'];
const heartbeat = Number(process.env['LOCK_HOLDER_HEARTBEAT_MS']);
const store = createFsStore(root, { ...(host === undefined ? {} : { hostname: host }), ...(heartbeat > 0 ? { lockHeartbeatMs: heartbeat } : {}) });
const lock = await store.acquireLock('export');
// Keep the process alive while it holds the lock (the heartbeat timer does not).
const keepAlive = setInterval(() => undefined, 1 << 30);
process.stdout.write(`${JSON.stringify({ event: 'locked', pid: process.pid, token: lock.owner.token })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'put') {
    const object = await store.putBytes(new TextEncoder().encode(`uncommitted, written by ${process.pid}`));
    process.stdout.write(`${JSON.stringify({ event: 'put', sha256: object.sha256 })}\n`);
    continue;
  }
  if (line.trim() !== 'commit') continue;
  try {
    const object = await store.putBytes(new TextEncoder().encode(`written by ${process.pid}`));
    await store.commitSet(setId, new TextEncoder().encode(JSON.stringify({ object: object.sha256 })), lock);
    await lock.release();
    process.stdout.write(`${JSON.stringify({ event: 'done' })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ event: 'failed', code: (error as { code?: unknown }).code })}\n`);
  }
  break;
}
clearInterval(keepAlive);
process.stdin.destroy();
