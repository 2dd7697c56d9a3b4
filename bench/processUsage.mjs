// Preloaded (node --import) into a benchmarked process: at exit, writes its wall time since this preload ran,
// its CPU time (user + system, every thread) and its peak RSS (getrusage) as JSON to $ASMM_PROCESS_USAGE_FILE.
import { writeFileSync } from 'node:fs';

const started = performance.now();
const out = process.env.ASMM_PROCESS_USAGE_FILE;
if (out) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ wallMs: performance.now() - started, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS }));
  });
}
