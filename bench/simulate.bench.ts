import { createRng } from '../src/random/index.js';
import { simulateAs } from '../src/sim/index.js';
import { medianMs, printTable } from './util.js';

/**
 * The AS (2008) Monte-Carlo for one γ: 1000 paths × 200 steps (both strategies on each path), median of 21
 * runs after a warm-up, against a plain loop that only draws the same random numbers (3 uniforms a step).
 * Target: under 50 ms.
 */
export async function run(): Promise<void> {
  const paths = 1000;
  const steps = 200;
  let sink = 0;
  const simulationMs = medianMs(() => {
    sink += simulateAs({ gamma: 0.1, paths, seed: 7 }).inventory.profitSummary.mean;
  }, 21);
  const drawsMs = medianMs(() => {
    const rng = createRng(7);
    let acc = 0;
    for (let i = 0; i < paths * steps; i++) acc += rng.next() + rng.next() + (rng.next() < 0.5 ? 1 : -1);
    sink += acc;
  }, 21);
  printTable(
    ['AS simulation, 1000 paths x 200 steps, one gamma', 'median ms', 'steps/s', 'vs draws only'],
    [
      ['random draws only (3 uniforms per step)', drawsMs.toFixed(2), Math.round((paths * steps) / (drawsMs / 1000)), '1.0x'],
      ['simulateAs (inventory + symmetric strategies)', simulationMs.toFixed(2), Math.round((paths * steps) / (simulationMs / 1000)), `${(simulationMs / drawsMs).toFixed(2)}x`],
    ],
  );
  process.stdout.write(`simulateAs ${simulationMs < 50 ? 'meets' : 'MISSES'} the 50 ms target (${simulationMs.toFixed(1)} ms)${sink === 0 ? ' ' : ''}\n`);
}
