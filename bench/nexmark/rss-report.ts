/**
 * Preloaded into benchmark child processes (`node --import <this file> ...`): at exit, appends the
 * process's peak resident set size in KiB to the file named by EDDY_BENCH_RSS_FILE. It reads VmHWM
 * from /proc/self/status, not getrusage's maxRSS: Linux carries ru_maxrss over fork and exec, so a
 * child of a large parent would report the parent's peak.
 */
import { appendFileSync, readFileSync } from 'node:fs';

const file = process.env['EDDY_BENCH_RSS_FILE'];
if (file) {
  process.on('exit', () => {
    let kib = process.resourceUsage().maxRSS;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      if (m) kib = Number(m[1]);
    } catch {
      // Not Linux: getrusage's figure.
    }
    appendFileSync(file, `${kib}\n`);
  });
}
