import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest, symmetricStrategy } from '../../src/backtest/index.js';
import type { BookTable, TradeTable } from '../../src/data/index.js';
import { loadTables } from '../../src/formats/index.js';
import { projectRootForTests, runAsmm } from '../helpers/cli.js';

const capture = join(projectRootForTests, '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.ws.1.0');
const present = existsSync(capture);

describe.skipIf(!present)(`OKX order counts per level (cryptofeed OKX.ws.1.0)${present ? '' : ': skipped, ../shared/data is absent'}`, () => {
  it("carries each level's order count (the fourth field of an OKX books level) into the book table, as the raw snapshot gives it", async () => {
    const loaded = await loadTables(capture, 5);
    const book = loaded.tables.find((t) => t.kind === 'book' && t.meta.instrument === 'BTC-USDT') as BookTable;
    expect(book.bidCount).toBeDefined();
    // the first BTC-USDT books snapshot, read from the raw line: its five best levels' counts
    const line = readFileSync(capture, 'utf8').split('\n').find((l) => l.includes('"channel":"books","instId":"BTC-USDT"') && l.includes('"action":"snapshot"'))!;
    const data = JSON.parse(line.slice(line.indexOf(': ') + 2)).data[0] as { bids: string[][]; asks: string[][] };
    expect(Array.from({ length: 5 }, (_, l) => book.bidCount![l][0])).toEqual(data.bids.slice(0, 5).map((level) => Number(level[3])));
    expect(Array.from({ length: 5 }, (_, l) => book.askCount![l][0])).toEqual(data.asks.slice(0, 5).map((level) => Number(level[3])));
  });

  it('backtests with --queue-model orderCount on the capture; the count-free models run as before', async () => {
    const r = runAsmm(['backtest', '--data', capture, '--inst', 'BTC-USDT', '--strategy', 'symmetric', '--half-spread', '0.1', '--fill', 'queue', '--queue-model', 'orderCount', '--window', '5s', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { queueModel: { name: string }; metrics: { fills: number } };
    expect(out.queueModel).toEqual({ name: 'orderCount' });
    // the same run in code, and the bounds around it: riskAverse ≤ orderCount ≤ optimistic in fills
    const loaded = await loadTables(capture, 5);
    const book = loaded.tables.find((t) => t.kind === 'book' && t.meta.instrument === 'BTC-USDT') as BookTable;
    const trades = loaded.tables.find((t) => t.kind === 'trades' && t.meta.instrument === 'BTC-USDT') as TradeTable;
    const fills = (name: 'riskAverse' | 'orderCount' | 'optimistic') =>
      runBacktest(book, trades, { strategy: symmetricStrategy(0.1), fill: 'queue', queueModel: { name }, orderSize: 0.0001, tickSize: 0.1, lotSize: 0, refreshMs: 0 }).fills.qty.reduce((a, q) => a + q, 0);
    expect(fills('riskAverse')).toBeLessThanOrEqual(fills('orderCount') + 1e-12);
    expect(fills('orderCount')).toBeLessThanOrEqual(fills('optimistic') + 1e-12);
  });
});
