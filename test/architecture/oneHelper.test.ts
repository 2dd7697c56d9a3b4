import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quantileOfSorted } from '../../src/stats/quantile.js';
import { relativeTimeUnitProblem } from '../../src/data/epoch.js';

/**
 * One implementation of a convention, used everywhere (issue 18): sample quantiles come from `src/stats/quantile.ts`
 * (Hyndman & Fan type 7, numpy's default), and a typed-array column grows through `withCapacity` of
 * `src/data/columnBuilder.ts`. A hand-written median (`xs[xs.length >> 1]`, the upper middle of an even count)
 * gives another number than numpy's for the same sample; a hand-written growth step is one more copy to keep
 * right. These checks read every source file for the shapes such copies take.
 */
const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The file's lines with comments blanked (a JSDoc example may show the shape it forbids). */
function codeLines(path: string): string[] {
  const source = readFileSync(path, 'utf8');
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1')
    .split('\n');
}

/** A middle or a fraction of a length used as an index, or named as a middle: a quantile by hand. */
const HAND_QUANTILE = [/\[[^\]]*\.length\s*(>>>?\s*1|\/\s*2)[^\]]*\]/, /\[[^\]]*\.length\s*\*\s*0?\.\d+[^\]]*\]/, /\b(mid|median|middle)\w*\s*=\s*[\w.]+\.length\s*(>>>?\s*1|\/\s*2)/i];

/** `const b = new Float64Array(…)` followed within four lines by `b.set(a)` of one argument: a copy into a bigger array. */
export function handGrowthSteps(lines: readonly string[]): number[] {
  const found: number[] = [];
  lines.forEach((line, i) => {
    const m = /(?:const|let)\s+(\w+)\s*=\s*new\s+(?:Float64|Float32|Int32|Uint32|Int16|Uint16|Int8|Uint8|Uint8Clamped|BigInt64|BigUint64)Array\(/.exec(line);
    if (!m) return;
    const copy = new RegExp(`\\b${m[1]}\\.set\\((?:[^,()]|\\([^()]*\\))*\\)`);
    for (let k = i + 1; k <= i + 4 && k < lines.length; k++) if (copy.test(lines[k])) found.push(i + 1);
  });
  return found;
}

describe('one implementation of a convention', () => {
  const files = sourceFiles(SRC).map((path) => ({ path, name: relative(resolve(SRC, '..'), path), lines: codeLines(path) }));

  it('no quantile or median by hand outside src/stats/ (the type 7 convention of stats/quantile.ts)', () => {
    expect(files.length).toBeGreaterThan(100);
    const found = files
      .filter((f) => !f.name.startsWith('src/stats/'))
      .flatMap((f) => f.lines.flatMap((line, i) => (HAND_QUANTILE.some((p) => p.test(line)) ? [`${f.name}:${i + 1}: ${line.trim()}`] : [])));
    expect(found, `use median/quantile/quantileOfSorted of src/stats/quantile.ts:\n${found.join('\n')}`).toEqual([]);
  });

  it('no growth step of a typed array by hand outside src/data/columnBuilder.ts (withCapacity)', () => {
    const found = files.filter((f) => f.name !== 'src/data/columnBuilder.ts').flatMap((f) => handGrowthSteps(f.lines).map((line) => `${f.name}:${line}: ${f.lines[line - 1].trim()}`));
    expect(found, `grow with withCapacity of src/data/columnBuilder.ts:\n${found.join('\n')}`).toEqual([]);
  });

  it('the checks see the shapes they look for, and not a concatenation', () => {
    expect(HAND_QUANTILE.some((p) => p.test('medianDelayErrorMs: delays.length ? delays[delays.length >> 1] : NaN,'))).toBe(true);
    expect(HAND_QUANTILE.some((p) => p.test('const mid = gaps.length >> 1;'))).toBe(true);
    expect(HAND_QUANTILE.some((p) => p.test('const p95 = sorted[Math.floor(sorted.length * 0.95)];'))).toBe(true);
    expect(HAND_QUANTILE.some((p) => p.test('if (n <= 0 || n < this.length / 2) return;'))).toBe(false);
    expect(handGrowthSteps(['const grown = new Float64Array(this.data.length * 2);', 'grown.set(this.data);'])).toEqual([1]);
    expect(handGrowthSteps(['const b = new Float64Array(cap);', 'b.set(a.subarray(0, this.n));'])).toEqual([1]);
    expect(handGrowthSteps(['const out = new Float64Array(total);', 'for (const c of columns) {', '  out.set(c, at);'])).toEqual([]);
  });
});

describe('the medians that were written by hand, now the type 7 median', () => {
  it('a relative clock whose steps have an even count: the median step is the mean of the two middle ones (numpy.median)', () => {
    // steps between distinct rows: 0.2, 0.8, 1.1, 3 ms; numpy.median → 0.95 (below 1 ms: seconds read as ms?),
    // where the upper middle (1.1) said nothing
    const ts = Float64Array.of(0, 0.2, 1.0, 2.1, 5.1);
    expect(quantileOfSorted([0.2, 0.8, 1.1, 3], 0.5)).toBeCloseTo(0.95, 12);
    const problem = relativeTimeUnitProblem(ts);
    expect(problem).toMatch(/step by 0\.95 ms at the median/);
  });
});
