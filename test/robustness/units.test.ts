import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, expandGrid, parseGridSpec, PARAM_RANGES, runCalibration, splitWindows, windowsProblem, type EvaluationSettings } from '../../src/calibrate/index.js';
import { DataError, epochProblem, firstBackwardsRow, readBookCsv, readLines, scanCsv, writeBookCsv } from '../../src/data/index.js';
import { detectFormat, readTableFile } from '../../src/formats/index.js';
import { marketOrdersFromTrades, rollingCalibration } from '../../src/estimate/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';

/** Unit tests for the pieces behind the robustness table: epochs, gzip by content, calibration windows and ranges. */
const dir = tempDir('asmm-robustness-units-');
// 2026-01-01T00:00:00Z is Unix second 1767225600 (GNU date -u -d @1767225600)
const NEW_YEAR_2026_S = 1767225600;

describe('epochProblem: which unit a time column seems to hold', () => {
  it('accepts ms epochs from 2000 to 2100 and relative times, names the unit of the others', () => {
    expect(epochProblem(NEW_YEAR_2026_S * 1000, 'ms')).toBeNull();
    expect(epochProblem(1000, 'ms')).toBeNull(); // relative time (synthetic data)
    expect(epochProblem(NEW_YEAR_2026_S, 'ms')).toMatch(/1970-01-21.*seems to hold seconds \(2026-01-01T00:00:00Z\)/);
    expect(epochProblem(NEW_YEAR_2026_S * 1e6, 'ms')).toMatch(/seems to hold µs \(2026-01-01T00:00:00Z\)/);
    expect(epochProblem(NEW_YEAR_2026_S * 1e9, 'ms')).toMatch(/seems to hold ns \(2026-01-01T00:00:00Z\)/);
    expect(epochProblem(NEW_YEAR_2026_S * 1000, 'µs')).toMatch(/seems to hold ms \(2026-01-01T00:00:00Z\)/);
    expect(epochProblem(NEW_YEAR_2026_S, 's')).toBeNull();
    // 1999-12-31T23:59:59Z as ms: just out of range, and no other unit puts it in range
    expect(epochProblem(Date.UTC(1999, 11, 31, 23, 59, 59), 'ms')).toMatch(/outside 2000\.\.2100; no unit/);
    expect(epochProblem(Date.UTC(2000, 0, 1), 'ms')).toBeNull();
    expect(epochProblem(Date.UTC(2100, 0, 1), 'ms')).toMatch(/outside/);
  });

  it('the first row that goes back in time', () => {
    expect(firstBackwardsRow([1, 2, 2, 1.5, 0])).toBe(3);
    expect(firstBackwardsRow([1, 1, 2])).toBe(-1);
  });
});

describe('gzip by content', () => {
  const book = generateSampleMarket({ durationSec: 30, seed: 3 }).book;
  const plain = join(dir, 'book.csv');
  writeBookCsv(plain, book);
  const text = readFileSync(plain);

  it('reads a gzipped CSV whatever its name, to the same table as the plain file, multi-member gzip included', () => {
    const named = join(dir, 'book-without-gz-name.csv');
    writeFileSync(named, gzipSync(text));
    // RFC 1952 §2.2: a gzip file is a series of members; `cat a.gz b.gz` decompresses to the concatenation
    const cut = text.indexOf('\n', text.length >> 1) + 1;
    const members = join(dir, 'book-two-members.csv.gz');
    writeFileSync(members, gzipSync(text.subarray(0, cut)));
    appendFileSync(members, gzipSync(text.subarray(cut)));
    const reference = readBookCsv(plain);
    for (const path of [named, members]) {
      expect(detectFormat(path)).toBe('asmm-book-csv');
      const table = readTableFile(path);
      expect(Array.from(table.tsMs)).toEqual(Array.from(reference.tsMs));
      expect(table.kind === 'book' && Array.from(table.askPx[0])).toEqual(Array.from(reference.askPx[0]));
    }
  });

  it('a truncated gzip is a DataError at the line being read when the data ended (the last complete line + 1), exactly, for CSV and line readers', async () => {
    // 40,000 book-like lines of seeded pseudo-random prices and sizes: about 0.5 MB gzipped, more than one read
    // chunk. The lines lost were those gunzip held when the stream failed: the last chunk's, decompressed
    // together with the end of the stream, and what a paused stream (a reader behind) had buffered
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const px = () => (3000 + (next() % 200) / 100).toFixed(2);
    const sz = () => ((next() % 50_000) / 10_000).toFixed(4);
    const lines = ['ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1', ...Array.from({ length: 40_000 }, (_, i) => [1767225600000 + 100 * i, px(), sz(), px(), sz()].join(','))];
    const big = Buffer.from(lines.join('\n') + '\n');
    const fileLines = lines.length; // the file's own line count, header included
    const gz = gzipSync(big);
    expect(gz.length).toBeGreaterThan(1 << 18);
    // a reader that takes 2 µs a line on average, as a parser does: gunzip runs ahead of it and holds lines when it
    // fails. It sleeps 1 ms every 500 lines (Atomics.wait) rather than spinning 2 µs on each: the same pace
    // without burning the CPU the decompressing thread and the other tests need
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let linesRead = 0;
    const work = () => {
      if (++linesRead % 500 === 0) Atomics.wait(pause, 0, 0, 1);
    };
    // what a prefix decompresses to (zlib's sync flush: every byte the prefix holds), its complete lines and
    // whether it ends inside a line: the independent count the error must agree with
    const prefix = (cut: number) => {
      const out = gunzipSync(gz.subarray(0, cut), { finishFlush: constants.Z_SYNC_FLUSH });
      let complete = 0;
      for (let i = out.indexOf(0x0a); i >= 0; i = out.indexOf(0x0a, i + 1)) complete++;
      return { complete, partial: out.length > 0 && out[out.length - 1] !== 0x0a };
    };
    // cuts whose data ends inside the last line, and others: in the trailer, mid-file
    const inLastLine: number[] = [];
    for (let cut = gz.length - 9; cut > gz.length - 400 && inLastLine.length < 2; cut--) {
      const p = prefix(cut);
      if (p.complete === fileLines - 1 && p.partial) inLastLine.push(cut);
    }
    expect(inLastLine.length).toBeGreaterThan(0);
    const cuts = [...inLastLine, gz.length - 1, gz.length - 8, gz.length - 4000, gz.length >> 1];
    for (const cut of cuts) {
      const path = join(dir, `cut-${cut}.csv.gz`);
      writeFileSync(path, gz.subarray(0, cut));
      const { complete, partial } = prefix(cut);
      const expected = `${path}:${complete + 1}: truncated or corrupt gzip: the data ends ${partial ? 'inside this line' : 'where this line would start'}, after ${complete} complete lines (unexpected end of file)`;
      if (inLastLine.includes(cut)) expect(complete + 1, 'a cut in the last line names the last line').toBe(fileLines);
      // twice: the lines lost came and went with the timing of the decompressing thread
      for (let run = 0; run < 2; run++) {
        let scanned: unknown;
        try {
          scanCsv(path, () => {}, work);
        } catch (error) {
          scanned = error;
        }
        expect(scanned, `scanCsv, cut ${cut}`).toBeInstanceOf(DataError);
        expect((scanned as DataError).message, `scanCsv, cut ${cut}`).toBe(expected);
        expect((scanned as DataError).line).toBe(complete + 1);
        let yielded = 0;
        const read = async () => {
          for await (const _ of readLines(path)) {
            yielded++;
            work();
          }
        };
        await expect(read(), `readLines, cut ${cut}`).rejects.toThrow(expected);
        expect(yielded).toBeLessThanOrEqual(complete);
      }
    }
    // a book CSV read to a table says the same
    const bookGz = gzipSync(text);
    const truncated = join(dir, 'truncated.csv.gz');
    writeFileSync(truncated, bookGz.subarray(0, bookGz.length >> 1));
    expect(() => readBookCsv(truncated)).toThrow(new RegExp(`^${truncated}:\\d+: truncated or corrupt gzip: the data ends inside this line, after \\d+ complete lines \\(unexpected end of file\\)$`));
  });

  it('a file with gzip magic that does not decompress is refused naming it', () => {
    const bad = join(dir, 'bad.gz');
    writeFileSync(bad, Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('definitely not deflate data '.repeat(10))]));
    expect(() => detectFormat(bad)).toThrow(new RegExp(`^${bad}: starts like a gzip file but does not decompress`));
  });
});

describe('calibration windows and grid ranges', () => {
  it('splitWindows is the split runCalibration uses', async () => {
    const m = generateSampleMarket({ durationSec: 120, seed: 5 });
    const calibration = rollingCalibration(m.book, marketOrdersFromTrades(m.book, m.trades, 0.01), { windowSec: 30, stepSec: 1 });
    const settings: EvaluationSettings = { fill: 'tradeThrough', tickSize: 0.01, lotSize: 0, feedLatencyMs: 0, entryLatencyMs: 0, makerFee: 0, takerFee: 0, maxPosition: Infinity };
    const r = await runCalibration({ book: m.book, trades: m.trades, calibration, settings, sets: expandGrid({ gamma: [0.1] }, DEFAULT_PARAMS), windows: 3, workers: 0 });
    expect(r.windows.map((w) => [w.fromMs, w.toMs])).toEqual(splitWindows(m.book.tsMs, 3).map((w) => [w.fromMs, w.toMs]));
  });

  it('refuses windows under 10 s or without book rows, naming the numbers', () => {
    const ts = Float64Array.from({ length: 601 }, (_, i) => i * 100); // 60.001 s
    expect(windowsProblem(ts, 6)).toBeNull();
    expect(windowsProblem(ts, 100)).toMatch(/^100 windows over 60\.0 s of data are 0\.60 s each, shorter than the minimum 10 s: use at most 6$/);
    // rows at 0..10 s and 50..60 s: a 3-window split leaves the middle window (20..40 s) empty
    const holed = Float64Array.from([...Array.from({ length: 101 }, (_, i) => i * 100), ...Array.from({ length: 101 }, (_, i) => 50_000 + i * 100)]);
    expect(windowsProblem(holed, 3)).toMatch(/^window 2 of 3 .* holds 0 book rows/);
  });

  it('every grid value passes the range check backtest applies to its option', () => {
    for (const [text, option] of [['gamma=-1,0.1', 'gamma'], ['size=0.01,-0.01', 'size'], ['q-max=0', 'q-max'], ['half-spread=-1', 'half-spread'], ['horizon=0', 'horizon'], ['refresh=-1', 'refresh']]) {
      expect(() => parseGridSpec(text), text).toThrow(new RegExp(`out of range \\(${option} must be`));
    }
    expect(parseGridSpec('gamma=0.1;refresh=0,1000;size=0.5')).toEqual({ gamma: [0.1], refreshMs: [0, 1000], orderSize: [0.5] });
    expect(PARAM_RANGES.gamma.check(0)).toBe(false);
    expect(PARAM_RANGES.refreshMs.check(0)).toBe(true);
  });
});
