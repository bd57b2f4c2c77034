#!/usr/bin/env node
// Runs ava with its own reporter, then ends with one plain line "N passed, N failed[, N skipped]"
// that any CI reader understands. The exit code is ava's.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// ava's package exports do not expose its CLI entry point: take it by path, as its bin link does.
const avaCli = fileURLToPath(new URL('../node_modules/ava/entrypoints/cli.mjs', import.meta.url));
const child = spawn(process.execPath, [avaCli, ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
let text = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  text += chunk.toString();
});
child.stderr.on('data', (chunk) => {
  process.stderr.write(chunk);
  text += chunk.toString();
});
child.on('close', (code, signal) => {
  const count = (pattern) => [...text.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
  // With failures ava's summary names only those; count the ticks of the passing tests then.
  const ticks = [...text.matchAll(/^\s*✔ /gm)].length;
  const passed = Math.max(count(/^\s*(\d+) tests? passed/gm), ticks);
  const failed = count(/^\s*(\d+) tests? failed/gm) + count(/^\s*(\d+) uncaught exceptions?/gm) + count(/^\s*(\d+) unhandled rejections?/gm);
  const skipped = count(/^\s*(\d+) tests? skipped/gm) + count(/^\s*(\d+) tests? todo/gm);
  const exitCode = code ?? (signal === null ? 1 : 1);
  const reportedFailed = exitCode !== 0 && failed === 0 ? 1 : failed;
  process.stdout.write(`\n${passed} passed, ${reportedFailed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  process.exitCode = exitCode;
});
