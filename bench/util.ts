import { median } from '../src/stats/index.js';

/** Median wall time in ms of `runs` calls of `work` (after one untimed warm-up when `warmup`). */
export function medianMs(work: () => void, runs: number, warmup = true): number {
  if (warmup) work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Prints a benchmark table (plain text, aligned). */
export function printTable(header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  for (const [i, r] of cells.entries()) {
    process.stdout.write(r.map((cell, c) => cell.padStart(c === 0 ? 0 : widths[c]).padEnd(c === 0 ? widths[c] : 0)).join('  ') + '\n');
    if (i === 0) process.stdout.write(widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  }
}
