import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bookColumns, readBookArrow, readTradeArrow, writeBookArrow, writeTradeArrow } from '../../src/data/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Interoperability with polars (Rust Arrow implementation, through nodejs-polars): an implementation
 * independent of apache-arrow's JavaScript writer, and the one `polars.read_ipc` uses in Python.
 */
type Polars = {
  readIPC(body: Buffer): { shape: { height: number; width: number }; columns: string[]; getColumn(name: string): { toArray(): unknown[]; dtype: unknown } };
  DataFrame: new (columns: Record<string, unknown[]>) => { writeIPC(path: string): void };
};
let polars: Polars | undefined;
let loadError = '';
try {
  polars = createRequire(import.meta.url)('nodejs-polars') as Polars;
} catch (error) {
  loadError = (error as Error).message.split('\n')[0];
}

const dir = tempDir();
const market = generateSampleMarket({ durationSec: 60, seed: 12 });

describe.skipIf(!polars)(`Arrow IPC files and polars${polars ? '' : ` (skipped: nodejs-polars did not load: ${loadError})`}`, () => {
  it('polars reads our book file with the same columns and values', () => {
    const path = join(dir, 'books.arrow');
    writeBookArrow(path, market.book);
    const frame = polars!.readIPC(readFileSync(path));
    const columns = bookColumns(market.book);
    expect(frame.columns).toEqual(columns.map(([name]) => name));
    expect(frame.shape).toEqual({ height: market.book.tsMs.length, width: columns.length });
    for (const [name, values] of columns) expect(frame.getColumn(name).toArray(), name).toEqual(Array.from(values));
  });

  it('polars reads our trade file, side as strings', () => {
    const path = join(dir, 'trades.arrow');
    writeTradeArrow(path, market.trades);
    const frame = polars!.readIPC(readFileSync(path));
    expect(frame.columns).toEqual(['ts_ms', 'id', 'side', 'px', 'sz']);
    expect(frame.getColumn('side').toArray()).toEqual(Array.from(market.trades.side, (s) => (s === 1 ? 'buy' : 'sell')));
    expect(frame.getColumn('px').toArray()).toEqual(Array.from(market.trades.px));
  });

  it('we read IPC files that polars wrote', () => {
    const bookPath = join(dir, 'polars-books.arrow');
    const columns: Record<string, number[]> = {};
    for (const [name, values] of bookColumns(market.book)) columns[name] = Array.from(values);
    new polars!.DataFrame(columns).writeIPC(bookPath);
    const book = readBookArrow(bookPath);
    expect(Array.from(book.askSz[3])).toEqual(Array.from(market.book.askSz[3]));
    expect(Array.from(book.tsMs)).toEqual(Array.from(market.book.tsMs));

    const tradePath = join(dir, 'polars-trades.arrow');
    new polars!.DataFrame({
      ts_ms: Array.from(market.trades.tsMs),
      id: Array.from(market.trades.id),
      side: Array.from(market.trades.side, (s) => (s === 1 ? 'buy' : 'sell')),
      px: Array.from(market.trades.px),
      sz: Array.from(market.trades.sz),
    }).writeIPC(tradePath);
    const trades = readTradeArrow(tradePath);
    expect(Array.from(trades.side)).toEqual(Array.from(market.trades.side));
    expect(Array.from(trades.sz)).toEqual(Array.from(market.trades.sz));
  });
});
