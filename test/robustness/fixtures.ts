import { writeOverlappingRecording } from '../helpers/recorderRawLog.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { writeBookArrow, writeBookCsv, writeTradeCsv, type BookTable, type TradeTable } from '../../src/data/index.js';
import { writeReferenceCsv } from '../../src/formats/index.js';
import type { CatalogGap } from '../../src/catalog/schema.js';
import type { OkxHistoryFaults } from '../../src/sample/okxHistory.js';
import { generateSampleMarket } from '../../src/sample/index.js';

/**
 * The inputs the robustness table refers to, built once per run in a temporary directory. Good files come
 * from the sample market (60 s, 2026-01-01); broken ones are written here by hand from each format's
 * documented layout (asmm CSV, Tardis CSV as docs.tardis.dev describes it, the reference books5 CSV,
 * Binance's documented depth/trade stream messages in hftbacktest's `<local_ts_ns> <json>` capture lines).
 */
export interface Fixtures {
  readonly dir: string;
  /** A path in the fixture directory (not created). */
  readonly at: (name: string) => string;
  readonly book: BookTable;
  readonly trades: TradeTable;
  /** Every named input file (see `buildFixtures`). */
  readonly f: Record<FixtureName, string>;
}

export type FixtureName =
  | 'bookCsv' | 'tradesCsv' | 'bookArrow' | 'bookCsvGz' | 'tradesCsvGz' | 'bookGzNoCsvName' | 'tardisTradesGz' | 'tardisBookGz' | 'referenceGz'
  | 'truncatedCsvGz' | 'garbageGz' | 'notGzButNamedGz' | 'empty' | 'headerOnlyBook' | 'headerOnlyTrades' | 'bookSeconds' | 'bookMicros' | 'tradesSeconds'
  | 'localSeconds' | 'bookClockBehind' | 'tardisTradesMs' | 'unsortedBook' | 'json' | 'binary' | 'truncatedArrow' | 'emptyDir' | 'binanceSpot' | 'binanceClockBehind' | 'binanceTruncated'
  | 'binanceUnordered' | 'binanceFutures' | 'tradesShiftedDay' | 'existingDir' | 'plainFile' | 'overlappingRecording' | 'badMaskSidecar' | 'maskedBook'
  | 'okxBooksDay' | 'okxBooksMalformed' | 'okxBooksMismatch' | 'okxBooksTruncated' | 'okxTradesDay' | 'okxTradesMalformed' | 'okxTradesOneDepth' | 'sampleCatalog' | 'depthCatalog' | 'tradesGapCatalog'
  | 'okxTradesTwoUtcDays' | 'tardisSwapTrades' | 'contractValueCatalog' | 'stoppedBookCatalog' | 'oneDepthCatalog' | 'deadDayCatalog' | 'halfTickCatalog' | 'twoMinuteDaysCatalog' | 'missingDayCatalog' | 'bookHalfTickRow' | 'tradesAtTouch' | 'tradesOneDepth' | 'bookOneSecondRows' | 'tradesTwice'
  | 'bookSpreadsheetTimes' | 'tradesSpreadsheetTimes'
  | 'tradesTenfold' | 'bookHoled' | 'tradesSecondHalf' | 'bookFrozen' | 'bookRelativeSeconds' | 'bookFlatMid'
  | 'tardisTradesTwoSymbols' | 'tardisBookTwoSymbols' | 'tardisTradesTwoExchanges'
  | 'latencyHeaderOnly' | 'latencyNoColumn' | 'latencyUnsorted' | 'latencyNegative' | 'latencySeconds' | 'latencyPartial' | 'latencyWhole' | 'latencyNextDay' | 'badCountsBook'
  | 'oneRowBook' | 'twoRowBook' | 'threeRowBook' | 'bookGzCutInLastLine' | 'binanceCutInLastLine';

const CSV_BOOK_HEADER = 'ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1';

/** A book's rows as asmm CSV text with its times passed through `time` (to write wrong units). */
function bookCsvText(book: BookTable, time: (ms: number) => number, rows = book.tsMs.length): string {
  const lines = [CSV_BOOK_HEADER];
  for (let i = 0; i < rows; i++) lines.push([time(book.tsMs[i]), book.bidPx[0][i], book.bidSz[0][i], book.askPx[0][i], book.askSz[0][i]].join(','));
  return lines.join('\n') + '\n';
}

/** Tardis trades CSV (https://docs.tardis.dev/downloadable-csv-files#trades): times in µs unless `unit` says otherwise. */
function tardisTradesText(trades: TradeTable, unitPerMs: number): string {
  const lines = ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount'];
  for (let i = 0; i < trades.tsMs.length; i++) {
    const t = Math.round(trades.tsMs[i] * unitPerMs);
    lines.push(`okex,ETH-USDT,${t},${t + 3 * unitPerMs},${trades.id[i]},${trades.side[i] === 1 ? 'buy' : 'sell'},${trades.px[i]},${trades.sz[i]}`);
  }
  return lines.join('\n') + '\n';
}

/** Tardis book_snapshot_1 CSV (asks[0] before bids[0], times in µs). */
function tardisBookText(book: BookTable): string {
  const lines = ['exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount'];
  for (let i = 0; i < book.tsMs.length; i++) lines.push(`okex,ETH-USDT,${book.tsMs[i] * 1000},${book.tsMs[i] * 1000 + 2000},${book.askPx[0][i]},${book.askSz[0][i]},${book.bidPx[0][i]},${book.bidSz[0][i]}`);
  return lines.join('\n') + '\n';
}

/**
 * `text` (a Tardis CSV of ETH-USDT) with a row of another instrument after every `every`-th data row from the
 * `from`-th on: the row before it with `exchange,symbol` replaced and its prices times `priceFactor`, time
 * order kept (as in a file merged by time from downloads of two symbols, which passes every other check).
 */
function withSecondInstrument(text: string, from: number, every: number, exchange: string, symbol: string, priceFactor: number, priceFields: readonly number[]): string {
  const [header, ...rows] = text.trimEnd().split('\n');
  const out = [header];
  rows.forEach((row, i) => {
    out.push(row);
    if (i + 1 >= from && (i + 1 - from) % every === 0) {
      const c = row.split(',');
      c[0] = exchange;
      c[1] = symbol;
      for (const f of priceFields) c[f] = String(Math.round(Number(c[f]) * priceFactor * 100) / 100);
      out.push(c.join(','));
    }
  });
  return out.join('\n') + '\n';
}

/**
 * A Binance capture in hftbacktest's collector layout: `<local_ts_ns> <json>` lines, gzipped. Messages follow
 * Binance's documented shapes (REST `GET /api/v3/depth` snapshot `{lastUpdateId, bids, asks}`; combined-stream
 * `{stream, data}` with `depthUpdate` {E, U, u, b, a} and `trade` {E, t, p, q, T, m}).
 * `eventMs` gives each diff's event time E (to build captures whose times go backwards); `localLagMs` the local
 * receive stamp's lead over E (default 5; negative: a recording machine whose clock was behind).
 */
function binanceCaptureText(stream: string, diffs: number, options: { gapAt?: number; eventMs?: (i: number) => number; futures?: boolean; localLagMs?: number } = {}): string {
  const lag = options.localLagMs ?? 5;
  const t0 = Date.UTC(2024, 7, 8, 0, 0, 0);
  const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
  const lines: string[] = [];
  let u = 1000;
  lines.push(`${ns(t0)} ${JSON.stringify({ lastUpdateId: u, bids: [['60000.00', '1.0'], ['59999.99', '2.0']], asks: [['60000.01', '1.5'], ['60000.02', '2.5']] })}`);
  for (let i = 0; i < diffs; i++) {
    const E = options.eventMs ? options.eventMs(i) : t0 + 100 * (i + 1);
    const first = i === options.gapAt ? u + 5 : u + 1;
    const last = first + 2;
    const data: Record<string, unknown> = { e: 'depthUpdate', E, s: 'BTCUSDT', U: first, u: last, b: [['60000.00', String(1 + (i % 3))]], a: [['60000.01', String(1 + (i % 2))]] };
    if (options.futures) Object.assign(data, { T: E - 1, pu: u });
    lines.push(`${ns(E + lag)} ${JSON.stringify({ stream, data })}`);
    u = last;
    if (i % 3 === 0) lines.push(`${ns(E + lag + 1)} ${JSON.stringify({ stream: 'btcusdt@trade', data: { e: 'trade', E, s: 'BTCUSDT', t: 500 + i, p: '60000.01', q: '0.01', T: E, m: false } })}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The gzip of `text` (LF-terminated lines) cut so that what it decompresses to ends inside its last line: the
 * longest prefix of the compressed bytes whose decompressed data (zlib's sync flush: all a prefix holds) has
 * every line but the last complete and part of the last.
 */
export function gzipCutInLastLine(text: string): Buffer {
  const gz = gzipSync(text);
  const lines = text.split('\n').length - 1;
  for (let cut = gz.length - 9; cut > 0; cut--) {
    const out = gunzipSync(gz.subarray(0, cut), { finishFlush: constants.Z_SYNC_FLUSH });
    let complete = 0;
    for (let i = out.indexOf(0x0a); i >= 0; i = out.indexOf(0x0a, i + 1)) complete++;
    if (complete === lines - 1 && out[out.length - 1] !== 0x0a) return gz.subarray(0, cut);
    if (complete < lines - 1) break;
  }
  throw new Error('no cut of the gzip ends inside its last line');
}

/** The number of lines of an LF-terminated text file (its own line count). */
export const lineCount = (path: string) => readFileSync(path, 'utf8').split('\n').length - 1;

/** Each trade's price `cents` past the touch of the book row in force (the sample's tick is a cent; 0: at the touch). */
function pastTouch(book: BookTable, trades: TradeTable, cents: number): Float64Array {
  return Float64Array.from(trades.tsMs, (t, i) => {
    let row = 0;
    while (row + 1 < book.tsMs.length && book.tsMs[row + 1] <= t) row++;
    return Number((trades.side[i] > 0 ? book.askPx[0][row] + cents / 100 : book.bidPx[0][row] - cents / 100).toFixed(2));
  });
}

/** Builds every fixture under `dir`. */
export function buildFixtures(dir: string): Fixtures {
  const market = generateSampleMarket({ durationSec: 60, seed: 7 });
  const { book, trades } = market;
  const at = (name: string) => join(dir, name);
  const write = (name: string, content: string | Uint8Array) => {
    writeFileSync(at(name), content);
    return at(name);
  };
  const f = {} as Record<FixtureName, string>;
  f.bookCsv = at('book.csv');
  writeBookCsv(f.bookCsv, book);
  f.tradesCsv = at('trades.csv');
  writeTradeCsv(f.tradesCsv, trades);
  // a book whose masked-interval sidecar is broken (line 2, to_ts_ms), and one whose sidecar is sound
  f.badMaskSidecar = write('bad-mask.csv', readFileSync(f.bookCsv));
  write('bad-mask.masked.csv', 'from_ts_ms,to_ts_ms,reason\n1000,oops,"gap"\n');
  f.maskedBook = write('masked-book.csv', readFileSync(f.bookCsv));
  // measured latency series (--entry-latency file:PATH): the first and last book times, broken one way each
  const first = book.tsMs[0];
  const last = book.tsMs[book.tsMs.length - 1];
  f.latencyHeaderOnly = write('latency-header-only.csv', 'ts_ms,latency_ms\n');
  f.latencyNoColumn = write('latency-no-column.csv', `ts_ms,delay_ms\n${first},10\n`);
  f.latencyUnsorted = write('latency-unsorted.csv', `ts_ms,latency_ms\n${last},10\n${first},10\n`);
  f.latencyNegative = write('latency-negative.csv', `ts_ms,latency_ms\n${first},10\n${last},-3\n`);
  f.latencySeconds = write('latency-seconds.csv', `ts_ms,latency_ms\n${first / 1000},10\n${last / 1000},10\n`);
  // measured over the first tenth of the data only
  f.latencyPartial = write('latency-partial.csv', `ts_ms,latency_ms\n${first},10\n${first + (last - first) / 10},40\n`);
  f.latencyWhole = write('latency-whole.csv', `ts_ms,latency_ms\n${first},10\n${last},40\n`);
  // the same measurements a day later (the second day of the two-day sample catalogs only)
  f.latencyNextDay = write('latency-next-day.csv', `ts_ms,latency_ms\n${first + 86_400_000},10\n${last + 86_400_000},40\n`);
  write('masked-book.masked.csv', `from_ts_ms,to_ts_ms,reason\n${book.tsMs[2]},${book.tsMs[5]},"sequence gap"\n`);
  f.bookArrow = at('book.arrow');
  writeBookArrow(f.bookArrow, book);
  const bookGz = gzipSync(readFileSync(f.bookCsv));
  f.bookCsvGz = write('book.csv.gz', bookGz);
  f.tradesCsvGz = write('trades.csv.gz', gzipSync(readFileSync(f.tradesCsv)));
  f.bookGzNoCsvName = write('books-download.gz', bookGz);
  f.tardisTradesGz = write('okex_trades_2026-01-01_ETH-USDT.csv.gz', gzipSync(tardisTradesText(trades, 1000)));
  f.tardisBookGz = write('okex_book_snapshot_1_2026-01-01_ETH-USDT.csv.gz', gzipSync(tardisBookText(book)));
  writeReferenceCsv(at('reference.csv'), book);
  f.referenceGz = write('reference.csv.gz', gzipSync(readFileSync(at('reference.csv'))));
  f.truncatedCsvGz = write('truncated.csv.gz', bookGz.subarray(0, Math.floor(bookGz.length / 2)));
  f.garbageGz = write('garbage.gz', gzipSync('hello, this is not market data\nat all\n'));
  f.notGzButNamedGz = write('plain-text-named.gz', 'this file is not gzipped\n');
  f.empty = write('empty.csv', '');
  f.headerOnlyBook = write('header-only-book.csv', CSV_BOOK_HEADER + '\n');
  f.headerOnlyTrades = write('header-only-trades.csv', 'ts_ms,id,side,px,sz\n');
  // books of a header and 1, 2 and 3 rows (the sample's first, 100 ms apart): too few for any estimate or run
  f.oneRowBook = write('one-row-book.csv', bookCsvText(book, (ms) => ms, 1));
  f.twoRowBook = write('two-row-book.csv', bookCsvText(book, (ms) => ms, 2));
  f.threeRowBook = write('three-row-book.csv', bookCsvText(book, (ms) => ms, 3));
  f.bookSeconds = write('book-seconds.csv', bookCsvText(book, (ms) => ms / 1000));
  f.bookMicros = write('book-micros.csv', bookCsvText(book, (ms) => ms * 1000));
  const tradeLines = readFileSync(f.tradesCsv, 'utf8').trimEnd().split('\n');
  f.tradesSeconds = write('trades-seconds.csv', [tradeLines[0], ...tradeLines.slice(1).map((l) => { const [ts, ...rest] = l.split(','); return [Number(ts) / 1000, ...rest].join(','); })].join('\n') + '\n');
  f.localSeconds = write('book-local-seconds.csv', ['ts_ms,local_ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1', ...Array.from({ length: 50 }, (_, i) => [book.tsMs[i], book.tsMs[i] / 1000, book.bidPx[0][i], book.bidSz[0][i], book.askPx[0][i], book.askSz[0][i]].join(','))].join('\n') + '\n');
  // the whole book with receive stamps 1 s before the exchange's: a recording machine's clock behind
  f.bookClockBehind = write('book-clock-behind.csv', ['ts_ms,local_ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1', ...Array.from(book.tsMs, (t, i) => [t, t - 1000, book.bidPx[0][i], book.bidSz[0][i], book.askPx[0][i], book.askSz[0][i]].join(','))].join('\n') + '\n');
  f.tardisTradesMs = write('tardis-trades-ms.csv', tardisTradesText(trades, 1));
  // a linear swap's trades (sizes in contracts): its name is lost in an asmm CSV
  f.tardisSwapTrades = write('okex-swap_trades_2026-01-01_ETH-USDT-SWAP.csv', tardisTradesText(trades, 1000).replace(/^okex,ETH-USDT,/gm, 'okex-swap,ETH-USDT-SWAP,'));
  // Tardis files of two instruments: BTC-USDT rows (about 25 times ETH's price) among ETH-USDT's from the 5th
  // data row on (line 7), time order kept; and ETH-USDT trades with rows of another exchange (binance) among
  // them: the same symbol, another venue
  f.tardisTradesTwoSymbols = write('tardis-trades-two-symbols.csv', withSecondInstrument(tardisTradesText(trades, 1000), 5, 3, 'okex', 'BTC-USDT', 25, [6]));
  f.tardisBookTwoSymbols = write('tardis-book-two-symbols.csv', withSecondInstrument(tardisBookText(book), 5, 10, 'okex', 'BTC-USDT', 25, [4, 6]));
  f.tardisTradesTwoExchanges = write('tardis-trades-two-exchanges.csv', withSecondInstrument(tardisTradesText(trades, 1000), 5, 3, 'binance', 'ETH-USDT', 1, []));
  // a book and trades saved by a spreadsheet: 13-digit times as 1.76723E+12 (10^7 ms)
  // (each row's own digits, rounded to 6 significant digits, as Excel writes a number too long for its cell)
  const excel = (x: number) => x.toExponential(5).toUpperCase();
  f.bookSpreadsheetTimes = write('book-spreadsheet-times.csv', bookCsvText(book, (ms) => ms).split('\n').map((l, i) => (i === 0 || l === '' ? l : [excel(Number(l.split(',')[0])), ...l.split(',').slice(1)].join(','))).join('\n'));
  f.tradesSpreadsheetTimes = write('trades-spreadsheet-times.csv', [tradeLines[0], ...tradeLines.slice(1).map((l) => { const c = l.split(','); c[0] = excel(Number(c[0])); return c.join(','); })].join('\n') + '\n');
  // trades at ten times the book's price (another instrument, other units)
  f.tradesTenfold = write('trades-tenfold.csv', [tradeLines[0], ...tradeLines.slice(1).map((l) => { const c = l.split(','); c[3] = String(10 * Number(c[3])); return c.join(','); })].join('\n') + '\n');
  // the book with a hole of an hour after its 30th second (no row, no mask: the recorder was down)
  f.bookHoled = write('book-holed.csv', bookCsvText(book, (ms) => (ms >= book.tsMs[0] + 30_000 ? ms + 3_600_000 : ms)));
  // one row (the 301st of 600) with its deepest bid half a tick (0.005) from the level above: an inferred tick of 0.005 for the whole file
  const deep = book.depth - 1;
  const halfTickBid = book.bidPx.map((c, l) => (l === deep ? Float64Array.from(c, (p, i) => (i === 300 ? Number((p + 0.005).toFixed(3)) : p)) : c));
  f.bookHalfTickRow = at('book-half-tick-row.csv');
  writeBookCsv(f.bookHalfTickRow, { ...book, bidPx: halfTickBid });
  // every trade at the touch of its book row (a buy at the best ask, a sell at the best bid): no order reaches 5 ticks past it, so k is never estimated
  f.tradesAtTouch = at('trades-at-touch.csv');
  writeTradeCsv(f.tradesAtTouch, { ...trades, px: pastTouch(book, trades, 0) });
  // every trade exactly 10 ticks past the touch of its book row: no A·exp(−k·δ) describes that
  f.tradesOneDepth = at('trades-one-depth.csv');
  writeTradeCsv(f.tradesOneDepth, { ...trades, px: pastTouch(book, trades, 10) });
  // the book's rows every 1 s (every 10th of its 100 ms rows), as a snapshot feed of 1 s: σ's default 100 ms grid is finer than its rows
  f.bookOneSecondRows = write('book-one-second-rows.csv', [readFileSync(f.bookCsv, 'utf8').split('\n')[0], ...readFileSync(f.bookCsv, 'utf8').trimEnd().split('\n').slice(1).filter((_, i) => i % 10 === 0)].join('\n') + '\n');
  // every trade recorded twice (the same row again right after it: a recorder that wrote each trade twice)
  f.tradesTwice = write('trades-twice.csv', [tradeLines[0], ...tradeLines.slice(1).filter((l) => l !== '').flatMap((l) => [l, l])].join('\n') + '\n');
  // a book whose prices never move (its sizes do): σ is 0 with nothing to estimate it from
  f.bookFlatMid = write('book-flat-mid.csv', [CSV_BOOK_HEADER, ...Array.from({ length: 300 }, (_, i) => [book.tsMs[i], book.bidPx[0][0], book.bidSz[0][i], book.askPx[0][0], book.askSz[0][i]].join(','))].join('\n') + '\n');
  // the book's times in seconds from its first row (relative times, below 1e9: no epoch check applies)
  f.bookRelativeSeconds = write('book-relative-seconds.csv', bookCsvText(book, (ms) => (ms - book.tsMs[0]) / 1000));
  // the book frozen from its 20th to its 50th second: every row repeats the levels of the row at 20 s (a feed
  // stuck on one snapshot), while the trades go on
  const frozenFrom = book.tsMs.findIndex((t) => t >= book.tsMs[0] + 20_000);
  const frozenRow = (i: number) => (book.tsMs[i] >= book.tsMs[0] + 20_000 && book.tsMs[i] < book.tsMs[0] + 50_000 ? frozenFrom : i);
  f.bookFrozen = write('book-frozen.csv', [CSV_BOOK_HEADER, ...Array.from(book.tsMs, (t, i) => [t, book.bidPx[0][frozenRow(i)], book.bidSz[0][frozenRow(i)], book.askPx[0][frozenRow(i)], book.askSz[0][frozenRow(i)]].join(','))].join('\n') + '\n');
  // the trades of the book's second half only (the trade record starts later than the book)
  f.tradesSecondHalf = write('trades-second-half.csv', [tradeLines[0], ...tradeLines.slice(1).filter((l) => Number(l.split(',')[0]) >= book.tsMs[0] + 30_000)].join('\n') + '\n');
  const unsorted = bookCsvText(book, (ms) => ms, 20).trimEnd().split('\n');
  [unsorted[10], unsorted[11]] = [unsorted[11], unsorted[10]];
  f.unsortedBook = write('unsorted-book.csv', unsorted.join('\n') + '\n');
  // order counts per level with a count that is no whole number of orders (row 3, ask level 1)
  f.badCountsBook = write('bad-counts-book.csv', ['ts_ms,bid_px_1,bid_sz_1,ask_px_1,ask_sz_1,bid_cnt_1,ask_cnt_1', ...Array.from({ length: 5 }, (_, i) => [book.tsMs[i], book.bidPx[0][i], book.bidSz[0][i], book.askPx[0][i], book.askSz[0][i], 2, i === 1 ? 1.5 : 3].join(','))].join('\n') + '\n');
  f.json = write('data.json', JSON.stringify({ rows: [1, 2, 3] }) + '\n');
  f.binary = write('noise.bin', Uint8Array.from({ length: 2048 }, (_, i) => (i * 2654435761) >>> 24));
  f.truncatedArrow = write('truncated.arrow', readFileSync(f.bookArrow).subarray(0, 1000));
  f.emptyDir = at('empty-dir');
  mkdirSync(f.emptyDir);
  f.overlappingRecording = at('overlapping-recording');
  mkdirSync(f.overlappingRecording);
  writeOverlappingRecording(f.overlappingRecording);
  f.binanceSpot = write('btcusdt_spot_gap.gz', gzipSync(binanceCaptureText('btcusdt@depth@100ms', 30, { gapAt: 20 })));
  f.binanceClockBehind = write('btcusdt_spot_clock_behind.gz', gzipSync(binanceCaptureText('btcusdt@depth@100ms', 30, { localLagMs: -1200 })));
  const spotBytes = gzipSync(binanceCaptureText('btcusdt@depth@100ms', 2000));
  f.binanceTruncated = write('btcusdt_truncated.gz', spotBytes.subarray(0, Math.floor(spotBytes.length * 0.6)));
  // cut inside their last line: the book CSV, and a capture (its uncut text beside it, for its line count)
  f.bookGzCutInLastLine = write('book-cut-in-last-line.csv.gz', gzipCutInLastLine(readFileSync(f.bookCsv, 'utf8')));
  const capture = binanceCaptureText('btcusdt@depth@100ms', 2000);
  write('btcusdt_cut_in_last_line.txt', capture);
  f.binanceCutInLastLine = write('btcusdt_cut_in_last_line.gz', gzipCutInLastLine(capture));
  const t0 = Date.UTC(2024, 7, 8);
  f.binanceUnordered = write('btcusdt_unordered.gz', gzipSync(binanceCaptureText('btcusdt@depth@100ms', 400, { eventMs: (i) => t0 + 100 * (i + 1) - (i >= 200 ? 15_000 : 0) })));
  f.binanceFutures = write('btcusdt_futures.gz', gzipSync(binanceCaptureText('btcusdt@depth@0ms', 200, { futures: true })));
  const shifted = tradeLines.slice(1).map((l) => { const [ts, ...rest] = l.split(','); return [Number(ts) + 86_400_000, ...rest].join(','); });
  f.tradesShiftedDay = write('trades-next-day.csv', [tradeLines[0], ...shifted].join('\n') + '\n');
  f.existingDir = at('existing-dir');
  mkdirSync(f.existingDir);
  f.plainFile = write('a-plain-file.txt', 'not a directory\n');
  return { dir, at, book, trades, f };
}

/**
 * The OKX daily-history files of the table, written by the project's generator in OKX's layouts (see
 * `src/formats/okxHistoryLayout.ts`): a sound books and trades day (10 minutes), books with a malformed size,
 * books whose second snapshot disagrees with the book built up to it, a books archive cut in half, trades with
 * a malformed price; and a catalog of one sample day for the `--catalog` rows. Asynchronous (the archives are
 * streamed), so added after `buildFixtures`.
 */
export async function addOkxHistoryFixtures(x: Fixtures): Promise<void> {
  const { OKX_HISTORY_PRESETS, writeOkxHistoryDay } = await import('../../src/sample/index.js');
  const { CatalogWriter } = await import('../../src/catalog/index.js');
  const base = { ...OKX_HISTORY_PRESETS.small, date: '2025-11-01', inst: 'BTC-USDT', seed: 3 };
  const day = async (sub: string, kind: 'books' | 'trades', faults?: OkxHistoryFaults, durationSec: number = base.durationSec) => {
    const out = x.at(sub);
    mkdirSync(out, { recursive: true });
    return (await writeOkxHistoryDay({ ...base, durationSec, dir: out, kind, ...(faults ? { faults } : {}) })).path;
  };
  const f = x.f as Record<FixtureName, string>;
  f.okxBooksDay = await day('okx-good', 'books');
  f.okxTradesDay = await day('okx-good', 'trades');
  // the day's trades on UTC days, as its books are (the default archive runs on UTC+8 days): written once, for
  // the one-depth trades below and the depth catalog
  mkdirSync(x.at('okx-utc-trades'), { recursive: true });
  const utcTrades = (await writeOkxHistoryDay({ ...base, dir: x.at('okx-utc-trades'), kind: 'trades', dayBoundary: 'utc' })).path;
  // the day's trades, each repriced 10 ticks past the touch of the book row in force: no A·exp(−k·δ) fits that
  {
    const { readOkxBooksDepthEvents } = await import('../../src/formats/okxHistoryBooks.js');
    const { loadTables } = await import('../../src/formats/index.js');
    const { inferTickSize } = await import('../../src/data/index.js');
    const { book } = await readOkxBooksDepthEvents(f.okxBooksDay);
    mkdirSync(x.at('okx-one-depth'), { recursive: true });
    const trades = (await loadTables(utcTrades)).tables.find((t): t is TradeTable => t.kind === 'trades')!;
    const tick = inferTickSize(book);
    let row = 0;
    const px = Float64Array.from(trades.tsMs, (t, i) => {
      while (row + 1 < book.tsMs.length && book.tsMs[row + 1] <= t) row++;
      return Number((trades.side[i] > 0 ? book.askPx[0][row] + 10 * tick : book.bidPx[0][row] - 10 * tick).toFixed(8));
    });
    f.okxTradesOneDepth = join(x.at('okx-one-depth'), 'trades-one-depth.csv');
    writeTradeCsv(f.okxTradesOneDepth, { ...trades, px });
  }
  // (a books file of 60 s, not 10 minutes: its line 5 is what is read)
  f.okxBooksMalformed = await day('okx-malformed', 'books', { malformedLine: 5 }, 60);
  f.okxTradesMalformed = await day('okx-malformed', 'trades', { malformedLine: 4 });
  // (5 minutes: the opening snapshot and the periodic ones at 2 and 4 minutes, the second of which disagrees)
  f.okxBooksMismatch = await day('okx-mismatch', 'books', { snapshotMismatch: [2] }, 300);
  const whole = readFileSync(f.okxBooksDay);
  mkdirSync(x.at('okx-truncated'), { recursive: true });
  f.okxBooksTruncated = join(x.at('okx-truncated'), basename(f.okxBooksDay));
  writeFileSync(f.okxBooksTruncated, whole.subarray(0, Math.floor(whole.length / 2)));
  /** A catalog of the sample minute (ETH-USDT, venue sample, tick 0.01), with `gaps` stored beside it. */
  const sampleMinuteCatalog = async (name: string, gaps: readonly CatalogGap[] = []): Promise<string> => {
    const root = x.at(name);
    const writer = await CatalogWriter.create(root);
    try {
      writer.writeInstrument({ venue: 'sample', instrument: 'ETH-USDT', tickSize: 0.01, lotSize: 0.0001 });
      await writer.writeBookTop('sample', x.book, 'ETH-USDT');
      await writer.writeTrades('sample', x.trades, 'ETH-USDT');
      if (gaps.length > 0) await writer.writeGaps('sample', 'ETH-USDT', gaps);
    } finally {
      writer.close();
    }
    return root;
  };
  f.sampleCatalog = await sampleMinuteCatalog('catalog');
  // an OKX books day and its trades (on UTC days, so that they overlap) in a catalog: level changes to replay
  f.depthCatalog = x.at('depth-catalog');
  const depthWriter = await CatalogWriter.create(f.depthCatalog);
  try {
    const { importIntoCatalog } = await import('../../src/catalog/index.js');
    await importIntoCatalog(depthWriter, f.okxBooksDay, { venue: 'okx' });
    await importIntoCatalog(depthWriter, utcTrades, { venue: 'okx' });
  } finally {
    depthWriter.close();
  }
  // a trades file on UTC+8 days reaching into 2025-11-01 UTC, which depthCatalog holds: refused part way. Its
  // day starts at 16:00 UTC the day before; it holds the last 30 minutes of 2025-10-31 UTC and the first hour of
  // 2025-11-01 (from 7.5 h into its day, not from its start: the same two UTC days, a sixth of the trades)
  mkdirSync(x.at('okx-two-utc-days'), { recursive: true });
  f.okxTradesTwoUtcDays = (await writeOkxHistoryDay({ ...base, startOffsetSec: 7.5 * 3600, durationSec: 1.5 * 3600, dir: x.at('okx-two-utc-days'), kind: 'trades', dayBoundary: 'utc+8' })).path;
  // a catalog whose instrument.json holds a contract value (0.1), stated by an earlier import
  f.contractValueCatalog = x.at('contract-value-catalog');
  const contractWriter = await CatalogWriter.create(f.contractValueCatalog);
  try {
    contractWriter.writeInstrument({ venue: 'okx', instrument: 'BTC-USDT-SWAP', contractValue: 0.1, source: 'an earlier import' });
  } finally {
    contractWriter.close();
  }
  // a catalog whose book stops after 5 s while its trades go on: most trades cannot be paired
  f.stoppedBookCatalog = x.at('stopped-book-catalog');
  const stoppedWriter = await CatalogWriter.create(f.stoppedBookCatalog);
  try {
    const rows = x.book.tsMs.findIndex((t) => t >= x.book.tsMs[0] + 5000);
    const cut = (c: Float64Array) => c.subarray(0, rows);
    const b = x.book;
    stoppedWriter.writeInstrument({ venue: 'sample', instrument: 'ETH-USDT', tickSize: 0.01, lotSize: 0.0001 });
    await stoppedWriter.writeBookTop('sample', { ...b, tsMs: cut(b.tsMs), bidPx: b.bidPx.map(cut), bidSz: b.bidSz.map(cut), askPx: b.askPx.map(cut), askSz: b.askSz.map(cut), bidCount: b.bidCount?.map(cut), askCount: b.askCount?.map(cut), localTsMs: b.localTsMs && cut(b.localTsMs) }, 'ETH-USDT');
    await stoppedWriter.writeTrades('sample', x.trades, 'ETH-USDT');
  } finally {
    stoppedWriter.close();
  }
  /**
   * A catalog of the sample minute (ETH-USDT, venue sample) on its own day and again `daysLater` days later, each
   * day's trades at the prices given (default: the sample's own).
   */
  const sampleMinuteTwice = async (name: string, daysLater: number, tradePx: readonly [Float64Array?, Float64Array?] = []): Promise<string> => {
    const root = x.at(name);
    const writer = await CatalogWriter.create(root);
    try {
      const b = x.book;
      const shift = (c: Float64Array) => c.map((t) => t + daysLater * 86_400_000);
      writer.writeInstrument({ venue: 'sample', instrument: 'ETH-USDT', tickSize: 0.01, lotSize: 0.0001 });
      await writer.writeBookTop('sample', b, 'ETH-USDT');
      await writer.writeTrades('sample', { ...x.trades, px: tradePx[0] ?? x.trades.px }, 'ETH-USDT');
      await writer.writeBookTop('sample', { ...b, tsMs: shift(b.tsMs), localTsMs: b.localTsMs && shift(b.localTsMs) }, 'ETH-USDT');
      await writer.writeTrades('sample', { ...x.trades, px: tradePx[1] ?? x.trades.px, tsMs: shift(x.trades.tsMs), localTsMs: x.trades.localTsMs && shift(x.trades.localTsMs) }, 'ETH-USDT');
    } finally {
      writer.close();
    }
    return root;
  };
  // a catalog (two days) whose every trade reaches exactly 10 ticks past the touch of its book row: no A·exp(−k·δ) fits that
  const tenTicksOut = pastTouch(x.book, x.trades, 10);
  f.oneDepthCatalog = await sampleMinuteTwice('one-depth-catalog', 1, [tenTicksOut, tenTicksOut]);
  // a catalog whose only gap is of the trades (a recorder gap of the trades channel): the book is not masked by it
  const t0 = x.book.tsMs[0];
  f.tradesGapCatalog = await sampleMinuteCatalog('trades-gap-catalog', [{ fromMs: t0 + 10_000, toMs: t0 + 20_000, reason: 'recorder gap (trades channel)', appliesTo: 'trades' }]);
  // the sample minute on two days: each day under two 60 s Sharpe intervals (no day has a Sharpe ratio)
  f.twoMinuteDaysCatalog = await sampleMinuteTwice('two-minute-days-catalog', 1);
  // the sample minute on a day and two days later: the day between is absent from the range
  f.missingDayCatalog = await sampleMinuteTwice('missing-day-catalog', 2);
  // the book with one half-tick row (as bookHalfTickRow) in a catalog that names no tick: inferred from the first day
  f.halfTickCatalog = x.at('half-tick-catalog');
  const halfTickWriter = await CatalogWriter.create(f.halfTickCatalog);
  try {
    const deep = x.book.depth - 1;
    halfTickWriter.writeInstrument({ venue: 'sample', instrument: 'ETH-USDT' });
    await halfTickWriter.writeBookTop('sample', { ...x.book, bidPx: x.book.bidPx.map((c, l) => (l === deep ? Float64Array.from(c, (p, i) => (i === 300 ? Number((p + 0.005).toFixed(3)) : p)) : c)), meta: { ...x.book.meta, tickSize: undefined } }, 'ETH-USDT');
    await halfTickWriter.writeTrades('sample', x.trades, 'ETH-USDT');
  } finally {
    halfTickWriter.close();
  }
  // two days of the sample minute: on the first every trade is at the touch (k never estimated: AS never quotes),
  // the second is the sample's own
  f.deadDayCatalog = await sampleMinuteTwice('dead-day-catalog', 1, [pastTouch(x.book, x.trades, 0)]);
}

