import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayDepth, symmetricStrategy } from '../../src/backtest/index.js';
import { TickBook } from '../../src/book/index.js';
import { loadTables } from '../../src/formats/index.js';
import { readOkxBooksDepthEvents } from '../../src/formats/okxHistoryBooks.js';
import { OKX_HISTORY_PRESETS, writeOkxHistoryDay } from '../../src/sample/index.js';
import type { TradeTable } from '../../src/data/index.js';
import { runAsmm } from '../helpers/cli.js';
import { decodePng, nonBackgroundFraction } from '../helpers/png.js';
import { tempDir } from '../helpers/tmp.js';

describe('an OKX books history day at full depth (readOkxBooksDepthEvents, asmm backtest --depth full)', () => {
  it('its level changes rebuild the top-5 rows the reader gives, and the CLI replays them with the trades day', async () => {
    const dir = tempDir('asmm-okx-depth-');
    const day = { dir, date: '2025-11-01', ...OKX_HISTORY_PRESETS.small, durationSec: 300, faults: { snapshotMismatch: [1] } } as const;
    const books = await writeOkxHistoryDay({ ...day, kind: 'books' });
    const tradesFile = await writeOkxHistoryDay({ ...day, kind: 'trades' });
    const { events, book, summary } = await readOkxBooksDepthEvents(books.path);
    // a clear marker per snapshot line; 40 levels a side, deeper than the 5 of the rows
    expect(events.side.filter((s) => s === 0).length).toBe(books.snapshots);
    const tick = 0.01;
    const tb = new TickBook(tick);
    const ticks = new Float64Array(5);
    const sizes = new Float64Array(5);
    let e = 0;
    let compared = 0;
    let maxLevels = 0;
    for (let r = 0; r < book.tsMs.length; r++) {
      const t = book.tsMs[r];
      if (r + 1 < book.tsMs.length && book.tsMs[r + 1] === t) continue; // the last row of lines sharing a time
      for (; e < events.tsMs.length && events.tsMs[e] <= t; e++) {
        if (events.side[e] === 0) tb.clear();
        else (events.side[e] > 0 ? tb.bids : tb.asks).set(tb.toTick(events.px[e]), events.qty[e]);
      }
      maxLevels = Math.max(maxLevels, tb.bids.levels);
      for (const [side, px, sz] of [[tb.bids, book.bidPx, book.bidSz], [tb.asks, book.askPx, book.askSz]] as const) {
        side.top(5, ticks, sizes);
        for (let l = 0; l < 5; l++) {
          expect(Number.isNaN(px[l][r]) ? NaN : tb.toTick(px[l][r])).toBe(ticks[l]);
          if (!Number.isNaN(px[l][r])) expect(sizes[l]).toBe(sz[l][r]);
        }
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
    expect(maxLevels).toBeGreaterThan(5);
    expect(summary.masked.length).toBeGreaterThan(0); // the disagreeing snapshot

    const report = join(dir, 'depth.html');
    const pngDir = join(dir, 'png');
    const run = runAsmm(['backtest', '--data', books.path, '--trades', tradesFile.path, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.03', '--size', '0.01', '--tick', '0.01', '--report', report, '--png', pngDir, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { nativeEvents: number; fills: number; pnl: number; masked: unknown[]; notes: string[]; report: string; pngs: string[] };
    // the report of the top-5 run: quotes and fills, inventory, equity (HTML and PNG)
    expect(out.report).toBe(report);
    const html = readFileSync(report, 'utf8');
    for (const title of ['Quotes and fills: symmetric', 'Inventory', 'Equity marked to mid']) expect(html).toContain(title);
    // the lines drawn: decoded from the page, they reach the run's end state
    const line = (name: string): number[] => {
      const at = html.indexOf(`"name":${JSON.stringify(name)}`);
      expect(at, name).toBeGreaterThan(0);
      const start = html.lastIndexOf('{"type"', at);
      let depth = 0;
      let end = start;
      for (; end < html.length; end++) {
        if (html[end] === '{') depth++;
        else if (html[end] === '}' && --depth === 0) break;
      }
      const y = (JSON.parse(html.slice(start, end + 1)) as { y: number[] | { dtype: string; bdata: string } }).y;
      return Array.isArray(y) ? y : Array.from(new Float64Array(new Uint8Array(Buffer.from(y.bdata, 'base64')).buffer));
    };
    const finalState = JSON.parse(run.stdout) as { finalInventory: number; pnl: number; lastMidPx: number; halfSpreadPx: number };
    const mids = line('mid');
    expect(mids.length).toBeGreaterThan(10);
    const bids = line('our bid').filter((v) => v !== null);
    expect(bids.length).toBeGreaterThan(10);
    expect(Math.max(...bids)).toBeLessThan(Math.max(...mids.filter((v) => v !== null)));
    const inventory = line('inventory');
    expect(inventory[inventory.length - 1]).toBeCloseTo(finalState.finalInventory, 9);
    const equity = line('equity');
    expect(equity[equity.length - 1]).toBeCloseTo(finalState.pnl, 6);
    expect(out.pngs.map((p) => p.slice(pngDir.length + 1))).toEqual(['backtest-depth-symmetric-queue-quotes.png', 'backtest-depth-symmetric-queue-inventory.png', 'backtest-depth-symmetric-queue-equity.png']);
    for (const path of out.pngs) {
      expect(existsSync(path)).toBe(true);
      expect(nonBackgroundFraction(decodePng(readFileSync(path)))).toBeGreaterThan(0.01);
    }
    const trades = (await loadTables(tradesFile.path)).tables.find((t) => t.kind === 'trades') as TradeTable;
    const inCode = replayDepth(events, trades, { strategy: symmetricStrategy(0.03), orderSize: 0.01, tickSize: 0.01, masked: book.masked ?? [] });
    expect(out.nativeEvents).toBe(events.tsMs.length + trades.tsMs.length);
    expect(out.fills).toBe(inCode.fills.tsMs.length);
    expect(out.fills).toBeGreaterThan(0);
    expect(out.pnl).toBeCloseTo(inCode.pnl, 9);
    expect(out.masked.length).toBe(book.masked!.length);
    expect(out.notes.join(' ')).toMatch(/masked: \d+ interval/);
    // its trades are a separate file: without them, one usage line
    const missing = runAsmm(['backtest', '--data', books.path, '--depth', 'full', '--strategy', 'symmetric']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs its trades: --trades/);
  });
});
