/**
 * A second process for the lock tests (RELIABILITY.md case 7): takes the lock of the store given as argv[2],
 * prints `locked`, then on the stdin line `commit` stores an object and commits set argv[3], releases and exits.
 */
import { createInterface } from 'node:readline';
import { createFsStore } from '../../../src/adapters/store/fs-store.js';

const [root, setId] = process.argv.slice(2);
if (root === undefined || setId === undefined) throw new Error('usage: lock-holder-process <root> <setId>');
const store = createFsStore(root);
const lock = await store.acquireLock('export');
process.stdout.write(`${JSON.stringify({ event: 'locked', pid: process.pid })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'commit') continue;
  const object = await store.putBytes(new TextEncoder().encode(`written by ${process.pid}`));
  await store.commitSet(setId, new TextEncoder().encode(JSON.stringify({ object: object.sha256 })), lock);
  await lock.release();
  process.stdout.write(`${JSON.stringify({ event: 'done' })}\n`);
  break;
}
process.stdin.destroy();
