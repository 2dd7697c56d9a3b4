import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReferenceCsv, writeReferenceCsv } from '../src/formats/index.js';
import { jupyterPython } from '../src/jupyter/index.js';
import { projectPath } from '../src/project/index.js';
import { generateSampleMarket } from '../src/sample/index.js';
import { medianMs, printTable } from './util.js';

const ROWS = 200_000;
const TARGET_RATIO = 20;

/** What bench/reference_csv_pandas.py prints. */
interface PandasResult {
  python: string;
  pandas: string | null;
  error?: string;
  rows?: number;
  readCsvSec?: number;
  totalSec?: number;
  bestBidSum?: number;
  missingLevels?: number;
}

/**
 * Loading a file in the reference system's books5 CSV layout (`Timestamp, Bid List, Bid Size List, Ask List,
 * Ask Size List`, quoted Python lists padded with `nan`): asmm's `readReferenceCsv` (streaming, every row
 * validated, timestamps parsed) against what the reference system's users do, pandas `read_csv` then
 * `ast.literal_eval` on the four list columns ('nan' replaced by 'None' first, as literal_eval rejects `nan`),
 * timed inside Debian's Python with time.perf_counter (no interpreter start-up).
 *
 * Input: 200,000 rows (20,000 s of the seed-1 sample market at 100 ms, 5 levels) written by
 * `writeReferenceCsv` to a temp dir; every 10th row has its two deepest ask levels missing and every 10th
 * (offset 5) its deepest bid level, so the file carries `nan` padding. asmm: median of 3 runs after a warm-up;
 * pandas: one run (about 10 s). Target: asmm at least 20x the rows/s of pandas + literal_eval.
 */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'asmm-bench-reference-'));
  try {
    const path = join(dir, 'books5-reference.csv');
    const { book } = generateSampleMarket({ seed: 1, durationSec: (ROWS * 100) / 1000, snapshotIntervalMs: 100 });
    let padded = 0;
    for (let i = 0; i < book.tsMs.length; i++) {
      const gaps: Array<[readonly Float64Array[], readonly Float64Array[], number]> =
        i % 10 === 0 ? [[book.askPx, book.askSz, 3]] : i % 10 === 5 ? [[book.bidPx, book.bidSz, 4]] : [];
      for (const [pxs, szs, from] of gaps) {
        for (let l = from; l < book.depth; l++) {
          pxs[l][i] = NaN;
          szs[l][i] = NaN;
          padded++;
        }
      }
    }
    writeReferenceCsv(path, book);
    const megabytes = statSync(path).size / 1e6;

    let rows = 0;
    let bestBidSum = 0;
    const asmmMs = medianMs(() => {
      const read = readReferenceCsv(path);
      rows = read.tsMs.length;
      bestBidSum = read.bidPx[0].reduce((a, b) => a + b, 0);
    }, 3);
    const asmmRate = rows / (asmmMs / 1000);
    const description = `${rows.toLocaleString('en-US')} rows, ${book.depth} levels, ${padded.toLocaleString('en-US')} levels padded with nan, ${megabytes.toFixed(1)} MB`;

    const python = jupyterPython();
    const script = projectPath('bench', 'reference_csv_pandas.py');
    const child = spawnSync(python, [script, path], { encoding: 'utf8', maxBuffer: 1 << 20 });
    let pandas: PandasResult;
    if (child.error) {
      pandas = { python, pandas: null, error: child.error.message };
    } else if (child.status !== 0) {
      throw new Error(`${python} ${script} failed (exit ${child.status}): ${child.stderr.trim()}`);
    } else {
      pandas = JSON.parse(child.stdout) as PandasResult;
    }

    const asmmRow = ['asmm readReferenceCsv (validated, timestamps parsed)', rows, asmmMs.toFixed(0), Math.round(asmmRate)];
    if (pandas.pandas === null || pandas.totalSec === undefined || pandas.readCsvSec === undefined || pandas.rows === undefined) {
      printTable(['load reference books5 CSV', 'rows', 'median ms', 'rows/s'], [asmmRow]);
      process.stdout.write(`input: ${description}\n`);
      process.stdout.write(
        `pandas is absent (${python}: ${pandas.error}): asmm was NOT compared with pandas read_csv + ast.literal_eval, ` +
          `and the ${TARGET_RATIO}x target was not checked (install with: apt-get install -y python3-pandas)\n`,
      );
      return;
    }
    if (pandas.rows !== rows) throw new Error(`pandas read ${pandas.rows} rows, asmm ${rows}`);
    if (Math.abs((pandas.bestBidSum ?? NaN) - bestBidSum) > 1e-6 * Math.abs(bestBidSum)) {
      throw new Error(`best-bid sums differ: pandas ${pandas.bestBidSum}, asmm ${bestBidSum}`);
    }
    if (pandas.missingLevels !== 2 * padded) throw new Error(`pandas found ${pandas.missingLevels} None items, expected ${2 * padded}`);
    const pandasRate = rows / pandas.totalSec;
    const readCsvRate = rows / pandas.readCsvSec;
    const ratio = asmmRate / pandasRate;
    printTable(
      ['load reference books5 CSV', 'rows', 'median ms', 'rows/s', 'asmm vs this'],
      [
        ["pandas read_csv + ast.literal_eval ('nan'->'None'), 1 run", rows, (pandas.totalSec * 1000).toFixed(0), Math.round(pandasRate), `${ratio.toFixed(1)}x`],
        ['pandas read_csv only (lists left as strings), same run', rows, (pandas.readCsvSec * 1000).toFixed(0), Math.round(readCsvRate), `${(asmmRate / readCsvRate).toFixed(1)}x`],
        [...asmmRow, '1.0x'],
      ],
    );
    process.stdout.write(`input: ${description}\n`);
    process.stdout.write(
      `python ${pandas.python} (${python}), pandas ${pandas.pandas}; literal_eval rejects nan, so 'nan' was replaced by 'None' in each list cell before it; ` +
        `timed in Python with time.perf_counter around read_csv + literal_eval only; both sides parsed the same rows, best bids and ${2 * padded} missing items\n`,
    );
    process.stdout.write(
      `asmm vs pandas+literal_eval: ${ratio.toFixed(1)}x, ${ratio >= TARGET_RATIO ? 'meets' : 'MISSES'} the ${TARGET_RATIO}x target ` +
        `(${Math.round(asmmRate).toLocaleString('en-US')} vs ${Math.round(pandasRate).toLocaleString('en-US')} rows/s)\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
