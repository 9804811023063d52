/**
 * Preloaded into benchmark child processes (`node --import <this file> ...`): at exit, appends the
 * process's peak resident set size (KiB, from getrusage) to the file named by EDDY_BENCH_RSS_FILE.
 */
import { appendFileSync } from 'node:fs';

const file = process.env['EDDY_BENCH_RSS_FILE'];
if (file) {
  process.on('exit', () => {
    appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
