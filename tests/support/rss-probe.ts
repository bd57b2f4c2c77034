// Preloaded (`node --import`) into a CLI child by runCliCapped: reports the child's peak resident memory on exit.
process.on('exit', () => {
  process.stderr.write(`${JSON.stringify({ type: 'rss-probe', maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
});
export {};
