import { lineCount, type Fixtures } from './fixtures.js';

/**
 * The robustness table (issue 14, "the rule, by construction"): every CLI command and every loader against
 * broken inputs. A new loader or command joins by adding rows here; `robustness.test.ts` runs them all.
 *
 * For a failing case the runner asserts: the exit code (1 bad data, 2 bad usage), exactly one line on stderr
 * that starts `asmm <command>:` and names `names` (default: the case's first input path), no stack trace
 * (no `    at ` line), and none of `absent` (outputs, their `.partial`) left on disk. For a case that loads
 * (code 0), `reports` must match stdout: what was dropped, masked or found is said in the result.
 */
export interface CliCase {
  readonly name: string;
  /** The issue 14 defect the row covers (omitted for cases that held before the issue). */
  readonly defect?: number;
  /** Set while another engineer's fix is pending: the row shows as a todo (e.g. "defect 1, Binance futures"). */
  readonly todo?: string;
  /** Run as a real `asmm` process (a few rows, to prove the process's behaviour); default in-process. */
  readonly spawn?: boolean;
  readonly args: (x: Fixtures) => string[];
  readonly code: 0 | 1 | 2;
  /** Strings the one-line message must contain (default: the first argument that is a fixture path). */
  readonly names?: (x: Fixtures) => string[];
  /** Pattern the message (stderr) must match, for failures. */
  readonly message?: RegExp;
  /** Paths that must not exist afterwards (each one's `.partial` is checked too). */
  readonly absent?: (x: Fixtures) => string[];
  /** The command logs progress on stderr (record): only its last line is the one-line message. */
  readonly logsToStderr?: boolean;
  /** For code 0: what stdout must report (rows, dropped data, masked intervals). */
  readonly reports?: RegExp;
  /** For code 0: what stderr must warn about (a WARNING line naming the file). */
  readonly warns?: RegExp;
}

/** A loader called directly: `error` means a DataError naming the file must be thrown; else `reports` is matched against its notes and summaries. */
export interface LoaderCase {
  readonly name: string;
  readonly defect?: number;
  readonly todo?: string;
  readonly loader: 'loadTables' | 'readTableFile';
  readonly file: (x: Fixtures) => string;
  readonly error?: RegExp;
  readonly reports?: RegExp;
}

/** The report path of the rows that must fail: none of them may write it (a row that succeeds writes its own). */
const OUT_REPORT = (x: Fixtures) => ['--report', x.at('report.html')];

export const CLI_CASES: readonly CliCase[] = [
  // --- inspect: every format, broken ways
  { name: 'inspect: empty file', args: (x) => ['inspect', x.f.empty], code: 1, message: /empty/ },
  { name: 'inspect: missing file', args: (x) => ['inspect', x.at('no-such-file.csv')], code: 2 },
  { name: 'inspect: directory that is no recording', args: (x) => ['inspect', x.f.emptyDir], code: 1, message: /directory/ },
  { name: 'inspect: JSON text', args: (x) => ['inspect', x.f.json], code: 1, message: /unrecognised format/ },
  { name: 'inspect: binary noise', args: (x) => ['inspect', x.f.binary], code: 1, message: /unrecognised format/ },
  { name: 'inspect: truncated Arrow', args: (x) => ['inspect', x.f.truncatedArrow], code: 1 },
  { name: 'inspect: rows out of order (line and field)', args: (x) => ['inspect', x.f.unsortedBook], code: 1, names: (x) => [`${x.f.unsortedBook}:12 ts_ms`], message: /not sorted/ },
  { name: 'inspect: header-only book reports 0 rows', args: (x) => ['inspect', x.f.headerOnlyBook], code: 0, reports: /rows\s+0\b/ },
  { name: 'inspect: a one-row book reports 1 row and no interval', args: (x) => ['inspect', x.f.oneRowBook], code: 0, reports: /rows\s+1\n.*\(0\.000 s\)\ninterval\s+-\n/ },
  { name: 'inspect: a two-row book reports 2 rows and their interval', args: (x) => ['inspect', x.f.twoRowBook], code: 0, reports: /rows\s+2\n[\s\S]*interval\s+min (\d+) ms, median \1 ms, max \1 ms/ },
  { name: 'inspect: broken masked-interval sidecar (line and field)', defect: 2, args: (x) => ['inspect', x.f.badMaskSidecar], code: 1, names: (x) => [`${x.f.badMaskSidecar.replace(/\.csv$/, '.masked.csv')}:2 to_ts_ms`] },
  { name: 'inspect: a CSV with a masked-interval sidecar reports the mask', defect: 2, args: (x) => ['inspect', x.f.maskedBook], code: 0, reports: /masked\s+1 interval\(s\).*\n.*sequence gap/ },
  { name: 'backtest: an inverse contract is refused, naming it', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--inst', 'BTC-USD-SWAP'], code: 2, names: () => ['BTC-USD-SWAP'], message: /is an inverse contract/ },
  { name: 'calibrate: an inverse contract is refused, naming it', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--inst', 'BTCUSD_PERP', '--grid', 'gamma=0.1,1'], code: 2, names: () => ['BTCUSD_PERP'], message: /is an inverse contract/ },
  { name: 'backtest: a contract value that is no positive number', args: (x) => ['backtest', '--data', x.f.bookCsv, '--inst', 'ETH-USDT-SWAP', '--contract-value', '-0.1'], code: 2, names: () => ['--contract-value'] },
  { name: 'backtest: --contract-value on spot', args: (x) => ['backtest', '--data', x.f.bookCsv, '--inst', 'ETH-USDT', '--contract-value', '0.1'], code: 2, names: () => ['--contract-value', 'ETH-USDT'], message: /is spot/ },
  { name: 'backtest: another strategy\'s parameter', args: (x) => ['backtest', '--data', x.f.bookCsv, '--strategy', 'glft', '--horizon', '100s'], code: 2, names: () => ['--horizon', 'glft'] },
  { name: 'backtest: a linear swap without its contract value warns which numbers are per contract', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--inst', 'ETH-USDT-SWAP', '--strategy', 'symmetric'], code: 0, warns: /^WARNING ETH-USDT-SWAP trades in contracts and its contract value is unknown/m, reports: /note: ETH-USDT-SWAP trades in contracts|ETH-USDT-SWAP trades in contracts/ },
  { name: 'inspect: bad --depth', args: (x) => ['inspect', x.f.bookCsv, '--depth', '0'], code: 2, names: () => ['--depth'] },
  { name: 'inspect: unknown flag', args: (x) => ['inspect', x.f.bookCsv, '--deep'], code: 2, names: () => ['--deep'] },
  { name: 'inspect: truncated gzip Binance capture', defect: 7, spawn: true, args: (x) => ['inspect', x.f.binanceTruncated], code: 1, message: /truncated|unexpected end/ },
  { name: 'inspect: truncated gzip CSV', defect: 7, args: (x) => ['inspect', x.f.truncatedCsvGz], code: 1, message: /truncated|unexpected end/ },
  { name: 'inspect: a gzip CSV cut inside its last line names that line (the file\'s own line count)', args: (x) => ['inspect', x.f.bookGzCutInLastLine], code: 1, names: (x) => [`${x.f.bookGzCutInLastLine}:${lineCount(x.f.bookCsv)}: `], message: /truncated or corrupt gzip: the data ends inside this line, after \d+ complete lines/ },
  { name: 'inspect: a gzip capture cut inside its last line names that line (the file\'s own line count)', args: (x) => ['inspect', x.f.binanceCutInLastLine], code: 1, names: (x) => [`${x.f.binanceCutInLastLine}:${lineCount(x.at('btcusdt_cut_in_last_line.txt'))}: `], message: /truncated or corrupt gzip: the data ends inside this line/ },
  { name: 'estimate: a gzip CSV cut inside its last line names that line', args: (x) => ['estimate', '--data', x.f.bookGzCutInLastLine], code: 1, names: (x) => [`${x.f.bookGzCutInLastLine}:${lineCount(x.f.bookCsv)}: `] },
  { name: 'inspect: gzipped asmm book CSV', defect: 8, args: (x) => ['inspect', x.f.bookCsvGz], code: 0, reports: /format\s+asmm-book-csv[\s\S]*rows\s+600\b/ },
  { name: 'inspect: gzipped asmm trades CSV', defect: 8, args: (x) => ['inspect', x.f.tradesCsvGz], code: 0, reports: /format\s+asmm-trades-csv/ },
  { name: 'inspect: gzipped CSV named .gz only (content, not name)', defect: 8, args: (x) => ['inspect', x.f.bookGzNoCsvName], code: 0, reports: /format\s+asmm-book-csv/ },
  { name: 'inspect: gzipped Tardis trades', defect: 8, args: (x) => ['inspect', x.f.tardisTradesGz], code: 0, reports: /format\s+tardis-trades/ },
  { name: 'inspect: gzipped Tardis book snapshot', defect: 8, args: (x) => ['inspect', x.f.tardisBookGz], code: 0, reports: /format\s+tardis-book-snapshot[\s\S]*rows\s+600\b/ },
  { name: 'inspect: gzipped reference books5 CSV', defect: 8, args: (x) => ['inspect', x.f.referenceGz], code: 0, reports: /format\s+reference-books5-csv/ },
  { name: 'inspect: gzip of text that is no market data', defect: 8, args: (x) => ['inspect', x.f.garbageGz], code: 1, message: /unrecognised format/ },
  { name: 'inspect: plain text named .gz', args: (x) => ['inspect', x.f.notGzButNamedGz], code: 1, message: /unrecognised format/ },
  { name: 'inspect: ts_ms holding seconds', defect: 8, args: (x) => ['inspect', x.f.bookSeconds], code: 1, names: (x) => [`${x.f.bookSeconds}:2 ts_ms`], message: /seconds/ },
  { name: 'inspect: ts_ms holding µs', defect: 8, args: (x) => ['inspect', x.f.bookMicros], code: 1, message: /µs|microseconds/ },
  { name: 'inspect: trades ts_ms holding seconds', defect: 8, args: (x) => ['inspect', x.f.tradesSeconds], code: 1, message: /seconds/ },
  { name: 'inspect: local_ts_ms holding seconds', defect: 8, args: (x) => ['inspect', x.f.localSeconds], code: 1, names: (x) => [`${x.f.localSeconds}:2 local_ts_ms`], message: /seconds/ },
  { name: 'inspect: Tardis timestamp in ms, not µs', defect: 8, args: (x) => ['inspect', x.f.tardisTradesMs], code: 1, names: (x) => [`${x.f.tardisTradesMs}:2 timestamp`], message: /\bms\b/ },
  { name: 'inspect: Tardis trades of two symbols (merged by time): refused at the first row of the second, naming both', args: (x) => ['inspect', x.f.tardisTradesTwoSymbols], code: 1, names: (x) => [`${x.f.tardisTradesTwoSymbols}:7 symbol`], message: /a second symbol, "BTC-USDT", after "ETH-USDT" \(line 2 on\).*select one symbol/ },
  { name: 'inspect: Tardis book snapshots of two symbols: refused at the first row of the second, naming both', args: (x) => ['inspect', x.f.tardisBookTwoSymbols], code: 1, names: (x) => [`${x.f.tardisBookTwoSymbols}:7 symbol`], message: /a second symbol, "BTC-USDT", after "ETH-USDT".*select one symbol/ },
  { name: 'inspect: Tardis trades of two exchanges under one symbol: refused naming the exchange field', args: (x) => ['inspect', x.f.tardisTradesTwoExchanges], code: 1, names: (x) => [`${x.f.tardisTradesTwoExchanges}:7 exchange`], message: /a second exchange, "binance", after "okex"/ },
  { name: 'inspect: Binance spot capture with a gap reports it', args: (x) => ['inspect', x.f.binanceSpot], code: 0, reports: /1 sequence gap/ },
  { name: 'inspect: capture with times going backwards shows it', args: (x) => ['inspect', x.f.binanceUnordered], code: 0, reports: /interval\s+min -\d+ ms/ },
  { name: 'inspect: Binance spot capture with a gap lists the masked interval', defect: 2, args: (x) => ['inspect', x.f.binanceSpot], code: 0, reports: /masked/ },
  { name: 'inspect: Binance USD-M futures capture (@depth@0ms, pu) has a book', defect: 1, args: (x) => ['inspect', x.f.binanceFutures], code: 0, reports: /rows\s+[1-9]/ },

  // --- convert
  { name: 'convert --every: a book with an hour-long hole is masked there in the sampled book, and said', args: (x) => ['convert', x.f.bookHoled, '--to', 'csv', x.at('holed-sampled.csv'), '--every', '1s'], code: 0, reports: /1 hole with no row for more than 5\.0 s, 59\.9 min in all, masked in the sampled book/ },
  { name: 'convert: into a missing directory', defect: 7, args: (x) => ['convert', x.f.bookCsv, '--to', 'csv', x.at('no-such-dir/out.csv')], code: 2, names: (x) => [x.at('no-such-dir')], absent: (x) => [x.at('no-such-dir')] },
  { name: 'convert: onto a directory', defect: 7, spawn: true, args: (x) => ['convert', x.f.bookCsv, '--to', 'csv', x.f.existingDir], code: 2, names: (x) => [x.f.existingDir], absent: (x) => [`${x.f.existingDir}.partial`] },
  { name: 'convert: onto a directory (Arrow)', defect: 7, args: (x) => ['convert', x.f.bookCsv, '--to', 'arrow', x.f.existingDir], code: 2, names: (x) => [x.f.existingDir], absent: (x) => [`${x.f.existingDir}.partial`] },
  { name: 'convert: truncated gzip leaves no output', defect: 7, args: (x) => ['convert', x.f.truncatedCsvGz, '--to', 'arrow', x.at('from-truncated.arrow')], code: 1, absent: (x) => [x.at('from-truncated.arrow')] },
  { name: 'convert: seconds in ts_ms leaves no output', defect: 8, args: (x) => ['convert', x.f.bookSeconds, '--to', 'csv', x.at('from-seconds.csv')], code: 1, absent: (x) => [x.at('from-seconds.csv')] },
  { name: 'convert: gzipped Tardis trades to asmm CSV', defect: 8, args: (x) => ['convert', x.f.tardisTradesGz, '--to', 'csv', x.at('tardis-trades.csv')], code: 0, reports: /-> .*tardis-trades\.csv: \d+ trades rows/ },
  { name: 'convert: capture with times going backwards writes nothing', defect: 7, args: (x) => ['convert', x.f.binanceUnordered, '--to', 'csv', x.at('unordered-out')], code: 1, names: (x) => [`${x.f.binanceUnordered} row`], absent: (x) => [x.at('unordered-out')] },
  { name: 'convert: bad --to', args: (x) => ['convert', x.f.bookCsv, '--to', 'parquet', x.at('x.parquet')], code: 2, names: () => ['--to'], absent: (x) => [x.at('x.parquet')] },
  { name: 'convert: missing input', args: (x) => ['convert', x.at('nothing.csv'), '--to', 'csv', x.at('y.csv')], code: 2, absent: (x) => [x.at('y.csv')] },

  // --- sample, record: output paths
  { name: 'sample: --out is a file', defect: 7, args: (x) => ['sample', '--hours', '0.001', '--out', x.f.plainFile], code: 2, names: (x) => [x.f.plainFile] },
  { name: 'record: --out is a file (checked before connecting)', defect: 7, args: (x) => ['record', '--inst', 'ETH-USDT', '--url', 'ws://127.0.0.1:9', '--duration', '1s', '--out', x.f.plainFile], code: 2, names: (x) => [x.f.plainFile] },
  { name: 'record: bad instrument', args: () => ['record', '--inst', 'eth/usdt'], code: 2, names: () => ['--inst'] },
  { name: 'record: bad channel', args: () => ['record', '--inst', 'ETH-USDT', '--channels', 'books9'], code: 2, names: () => ['books9'] },

  // --- estimate
  { name: 'estimate: header-only book', defect: 7, args: (x) => ['estimate', '--data', x.f.headerOnlyBook], code: 1, message: /no rows|no book rows/ },
  { name: 'estimate: a one-row book', args: (x) => ['estimate', '--data', x.f.oneRowBook], code: 1, message: /: 1 book row: too few rows for an estimate \(at least 3/ },
  { name: 'estimate: a two-row book', args: (x) => ['estimate', '--data', x.f.twoRowBook], code: 1, message: /: 2 book rows: too few rows for an estimate \(at least 3/ },
  { name: 'estimate: a two-row book with trades (the rows, not the trades, are named)', args: (x) => ['estimate', '--data', x.f.twoRowBook, '--trades', x.f.tradesCsv], code: 1, message: /: 2 book rows: too few rows for an estimate/ },
  { name: 'estimate: three rows over 0.2 s are too few for σ, said with the file', args: (x) => ['estimate', '--data', x.f.threeRowBook], code: 1, message: /: 3 book rows over 0\.2 s: too few for σ \(need at least 8 grid increments/ },
  { name: 'estimate: header-only trades', defect: 7, args: (x) => ['estimate', '--data', x.f.bookCsv, '--trades', x.f.headerOnlyTrades], code: 1, names: (x) => [x.f.headerOnlyTrades], message: /no rows|no trade rows/ },
  { name: 'estimate: missing --trades file', args: (x) => ['estimate', '--data', x.f.bookCsv, '--trades', x.at('none.csv')], code: 2, names: (x) => [x.at('none.csv')] },
  { name: 'estimate: --trades is a book file', args: (x) => ['estimate', '--data', x.f.bookCsv, '--trades', x.f.bookCsv], code: 2, names: (x) => [x.f.bookCsv] },
  { name: 'estimate: book in seconds', defect: 8, args: (x) => ['estimate', '--data', x.f.bookSeconds], code: 1, message: /seconds/ },
  { name: 'estimate: trades a day after the book', defect: 4, args: (x) => ['estimate', '--data', x.f.bookCsv, '--trades', x.f.tradesShiftedDay], code: 1, names: (x) => [x.f.tradesShiftedDay] },
  { name: 'estimate: trades at ten times the book\'s price', args: (x) => ['estimate', '--data', x.f.bookCsv, '--trades', x.f.tradesTenfold], code: 1, names: (x) => [`${x.f.tradesTenfold} price`], message: /priced more than 10 % from the book's mid/ },
  { name: 'backtest: trades at ten times the book\'s price', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesTenfold, ...OUT_REPORT(x)], code: 1, names: (x) => [`${x.f.tradesTenfold} price`], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: trades at ten times the book\'s price', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--trades', x.f.tradesTenfold, '--grid', 'gamma=0.1', '--windows', '2', ...OUT_REPORT(x)], code: 1, names: (x) => [`${x.f.tradesTenfold} price`], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: a book frozen for 30 s while trades print is masked there, and said', args: (x) => ['backtest', '--data', x.f.bookFrozen, '--trades', x.f.tradesCsv, '--strategy', 'symmetric', '--fill', 'tradeThrough'], code: 0, reports: /masked: 1 interval\(s\), 25\.0 s in total[\s\S]*book frozen: the same levels for more than 5\.0 s while trades printed/ },
  { name: 'estimate: a book frozen for 30 s while trades print is masked there, and said', args: (x) => ['estimate', '--data', x.f.bookFrozen, '--trades', x.f.tradesCsv], code: 0, reports: /masked: 1 interval\(s\), 25\.0 s in total[\s\S]*book frozen/ },
  { name: 'estimate: relative times in seconds are warned about, naming the file and column', args: (x) => ['estimate', '--data', x.f.bookRelativeSeconds, '--grid', '1ms'], code: 0, warns: /^WARNING \S+book-relative-seconds\.csv ts_ms: the times are relative \(below 1e9\) and step by 0\.1 ms at the median, in fractions of a ms: seconds read as ms\?/m },
  { name: 'estimate: one row with a half-tick price sets the inferred tick of the whole file: warned, naming the row (it said tick 0.005 and nothing else)', args: (x) => ['estimate', '--data', x.f.bookHalfTickRow, '--trades', x.f.tradesCsv], code: 0, warns: /^WARNING \S+book-half-tick-row\.csv: tick 0\.005 inferred from 1 of 600 book rows \(the first: book row 301\); every other row steps by 0\.01 or more.*pass --tick/m },
  { name: 'estimate: the same book with --tick 0.01 gives no tick warning', args: (x) => ['estimate', '--data', x.f.bookHalfTickRow, '--trades', x.f.tradesCsv, '--tick', '0.01'], code: 0, reports: /^tick +0\.01 \(given\)/m, warns: /^(?![\s\S]*inferred from 1 of)/ },
  { name: 'backtest: one row with a half-tick price halves the tick of the run (a 5-tick symmetric quote at ±0.025): warned, naming the row', args: (x) => ['backtest', '--data', x.f.bookHalfTickRow, '--trades', x.f.tradesCsv, '--strategy', 'symmetric', '--fill', 'tradeThrough', '--report', x.at('half-tick-backtest.html')], code: 0, warns: /^WARNING \S+book-half-tick-row\.csv: tick 0\.005 inferred from 1 of 600 book rows/m },
  { name: 'calibrate: one row with a half-tick price: the same warning, saying calibrate takes no --tick', args: (x) => ['calibrate', '--data', x.f.bookHalfTickRow, '--trades', x.f.tradesCsv, '--grid', 'gamma=0.1,1', '--windows', '2', '--window', '10s', '--fill', 'tradeThrough', '--workers', '0', '--report', x.at('half-tick-calibrate.html')], code: 0, warns: /^WARNING \S+book-half-tick-row\.csv: tick 0\.005 inferred from 1 of 600 book rows.*calibrate takes no --tick/m },
  { name: 'estimate: a book of 1 s snapshots on the default 100 ms grid: σ\'s interval counts carried prices as observed (3.2× too narrow), warned with the grid that matches', args: (x) => ['estimate', '--data', x.f.bookOneSecondRows], code: 0, reports: /^WARNING +σ's intervals count every 100 ms grid increment as observed, but the book's rows are a median 1000 ms apart: about 90 % .* 3\.2× too narrow .*--grid 1000ms matches the rows$/m },
  { name: 'estimate: the same book on --grid 1s: no such warning', args: (x) => ['estimate', '--data', x.f.bookOneSecondRows, '--grid', '1s'], code: 0, reports: /^(?![\s\S]*grid increment as observed)[\s\S]*realized/ },
  { name: 'estimate: a book whose price never moves says σ is no estimate', args: (x) => ['estimate', '--data', x.f.bookFlatMid], code: 0, reports: /WARNING +σ is 0: the price did not move in any of the 299 usable 100 ms increments, so there is no estimate of σ/ },
  { name: 'estimate: a book with an hour-long hole says σ left it out', args: (x) => ['estimate', '--data', x.f.bookHoled], code: 0, reports: /WARNING +the book is stale \(no row for more than 5\.0 s\) in 1 stretch, 59\.9 min in all: σ takes no increment across them/ },
  { name: 'estimate: trades of the book\'s second half only say the first half is left out of the rates', args: (x) => ['estimate', '--data', x.f.bookCsv, '--trades', x.f.tradesSecondHalf], code: 0, reports: /at its ends without a trade left out\); WARNING no trade for improbably long at the ends/ },
  { name: 'estimate: Tardis trades of two symbols are refused, not paired with the book', args: (x) => ['estimate', '--data', x.f.tardisBookGz, '--trades', x.f.tardisTradesTwoSymbols], code: 1, names: (x) => [`${x.f.tardisTradesTwoSymbols}:7 symbol`] },
  { name: 'backtest: a Tardis book of two symbols is refused, no report written', args: (x) => ['backtest', '--data', x.f.tardisBookTwoSymbols, '--trades', x.f.tardisTradesGz, ...OUT_REPORT(x)], code: 1, names: (x) => [`${x.f.tardisBookTwoSymbols}:7 symbol`], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: trades a day after the book', defect: 4, args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesShiftedDay, ...OUT_REPORT(x)], code: 1, names: (x) => [x.f.tradesShiftedDay, x.f.bookCsv], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: trades a day after the book', defect: 4, args: (x) => ['calibrate', '--data', x.f.bookCsv, '--trades', x.f.tradesShiftedDay, '--grid', 'gamma=0.1', '--windows', '2', ...OUT_REPORT(x)], code: 1, names: (x) => [x.f.tradesShiftedDay, x.f.bookCsv], absent: (x) => [x.at('report.html')] },

  // --- backtest
  { name: 'backtest: --queue-model orderCount on a book without order counts', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--fill', 'queue', '--queue-model', 'orderCount', '--window', '10s', ...OUT_REPORT(x)], code: 2, names: (x) => ['--queue-model orderCount', x.f.bookCsv], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: queue-model=orderCount in the grid on a book without order counts', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--fill', 'queue', '--grid', 'queue-model=power:2,orderCount', '--windows', '2', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: (x) => ['orderCount', x.f.bookCsv], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: header-only book', defect: 7, spawn: true, args: (x) => ['backtest', '--data', x.f.headerOnlyBook, ...OUT_REPORT(x)], code: 1, message: /no rows|no book rows/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest: a one-row book', args: (x) => ['backtest', '--data', x.f.oneRowBook, ...OUT_REPORT(x)], code: 1, message: /: 1 book row: too few rows for a backtest \(at least 3/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest: a two-row book (symmetric, no window needed)', args: (x) => ['backtest', '--data', x.f.twoRowBook, '--strategy', 'symmetric', ...OUT_REPORT(x)], code: 1, message: /: 2 book rows: too few rows for a backtest \(at least 3/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest: a two-row book with trades (the rows, not the trades, are named)', args: (x) => ['backtest', '--data', x.f.twoRowBook, '--trades', x.f.tradesCsv, '--strategy', 'symmetric', '--fill', 'tradeThrough', ...OUT_REPORT(x)], code: 1, message: /: 2 book rows: too few rows for a backtest/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest --seed-compat: a two-row book', spawn: true, args: (x) => ['backtest', '--data', x.f.twoRowBook, '--seed-compat', ...OUT_REPORT(x)], code: 1, message: /: 2 book rows: too few rows for the seed-compatible run/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest --seed-compat: fewer rows than --window-rows + 1 (every result NaN) names --window-rows', args: (x) => ['backtest', '--data', x.f.threeRowBook, '--seed-compat', ...OUT_REPORT(x)], code: 2, names: (x) => [x.f.threeRowBook, '--window-rows 200'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: book rows out of time order (replayed capture)', defect: 7, spawn: true, args: (x) => ['backtest', '--data', x.f.binanceUnordered, ...OUT_REPORT(x)], code: 1, names: (x) => [`${x.f.binanceUnordered} row`], message: /order|backwards/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest: gzipped asmm CSV book and trades run', defect: 8, args: (x) => ['backtest', '--data', x.f.bookCsvGz, '--trades', x.f.tradesCsvGz, '--fill', 'tradeThrough', '--window', '10s', '--report', x.at('gz-report.html')], code: 0, reports: /PnL/ },
  { name: 'backtest: a symmetric run needs no --window of data (it reads no σ, A, k)', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--strategy', 'symmetric', '--window', '1h', '--report', x.at('short-symmetric.html')], code: 0, reports: /fills \(bid \/ ask\)/ },
  { name: 'backtest: AS on data shorter than one --window names --window', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--strategy', 'as', '--window', '1h', ...OUT_REPORT(x)], code: 2, names: (x) => ['--window', x.f.bookCsv], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: trades all at the touch: k is never estimated, so AS never quotes; said with a WARNING naming k, not blamed on the calibration window (PnL 0, exit 0, no word before)', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesAtTouch, '--fill', 'tradeThrough', '--window', '10s', '--report', x.at('at-touch-backtest.html')], code: 0, reports: /^quotes: none at any of the \d+ decisions \(the WARNING below says why\)\n[\s\S]*^WARNING AS finite horizon .* never quoted: k was not estimated in any of the \d+ rolling 10 s windows/m },
  { name: 'backtest: trades all 10 ticks past the touch: AS quotes with a k whose exponential misses the orders, warned (χ² of the whole data) where it said nothing', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesOneDepth, '--fill', 'tradeThrough', '--window', '10s', '--report', x.at('one-depth-backtest.html')], code: 0, reports: /^WARNING AS finite horizon .* quotes with A and k of an exponential λ\(δ\) that the market orders do not follow: over the whole data, pooled: the MLE fit misses/m },
  { name: 'backtest: the same trades with the symmetric strategy (it reads no A, k): no such warning', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesOneDepth, '--strategy', 'symmetric', '--fill', 'tradeThrough', '--report', x.at('one-depth-symmetric.html')], code: 0, reports: /^(?![\s\S]*do not follow)/ },
  { name: 'calibrate: trades all 10 ticks past the touch: the swept sets\' A, k from an exponential that misses the orders, warned', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--trades', x.f.tradesOneDepth, '--grid', 'gamma=0.1,1', '--windows', '2', '--window', '10s', '--fill', 'tradeThrough', '--workers', '0', '--report', x.at('one-depth-calibrate.html')], code: 0, warns: /^WARNING every swept set quotes with A and k of an exponential λ\(δ\) that the market orders do not follow/m },
  { name: 'backtest: --max-position below the order size refuses every quote: a WARNING naming both (PnL 0, exit 0 and a quotes line guessing three causes before)', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--strategy', 'symmetric', '--fill', 'tradeThrough', '--max-position', '0.001', '--report', x.at('max-position-below-size.html')], code: 0, reports: /^WARNING no quote at any of the \d+ decisions: --max-position 0\.001 is below the order size 0\.01/m },
  { name: 'backtest: every trade recorded twice: the repeats are left out and said (tradeThrough filled on their volume twice, 1994 fills for 3173 on the sample, no word)', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesTwice, '--strategy', 'symmetric', '--fill', 'tradeThrough', '--report', x.at('trades-twice.html')], code: 0, warns: /^WARNING \S+trades-twice\.csv: (\d+) of \d+ trades repeat an earlier row \(the same id, time, side, price and size: recorded twice\) and are left out/m },
  { name: 'estimate: every trade recorded twice: the same warning', args: (x) => ['estimate', '--data', x.f.bookCsv, '--trades', x.f.tradesTwice], code: 0, warns: /^WARNING \S+trades-twice\.csv: \d+ of \d+ trades repeat an earlier row/m },
  { name: 'backtest: --maker-fee 2 (2 bps meant; 200 % of each fill charged, PnL −8150 on 60 s) is refused naming the option and the units', args: (x) => ['backtest', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--strategy', 'symmetric', '--fill', 'tradeThrough', '--maker-fee', '2', ...OUT_REPORT(x)], code: 2, names: () => ['--maker-fee 2', '0.0002 = 2 bps', '200 %'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: --taker-fee=-0.05 (a 5 % rebate) is refused the same way', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--grid', 'gamma=0.1,1', '--taker-fee=-0.05', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: () => ['--taker-fee -0.05', 'pay 5 %'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest --catalog: --maker-fee 0.02 is refused the same way', args: (x) => ['backtest', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--maker-fee', '0.02', ...OUT_REPORT(x)], code: 2, names: () => ['--maker-fee 0.02', '2 %'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: negative --gamma', args: (x) => ['backtest', '--data', x.f.bookCsv, '--gamma=-1'], code: 2, names: () => ['--gamma'] },
  { name: 'backtest: unknown --fill', args: (x) => ['backtest', '--data', x.f.bookCsv, '--fill', 'magic'], code: 2, names: () => ['--fill'] },
  { name: 'backtest: Binance futures capture', defect: 1, args: (x) => ['backtest', '--data', x.f.binanceFutures, '--window', '5s', '--report', x.at('futures-report.html')], code: 0, reports: /PnL/ },

  // --- calibrate
  { name: 'calibrate: negative gamma in the grid', defect: 8, args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'gamma=-1,0.1', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: () => ['gamma', '-1'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: negative size in the grid', defect: 8, args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'gamma=0.1;size=-0.01,0.01', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: () => ['size', '-0.01'] },
  { name: 'calibrate: zero gamma in the grid', defect: 8, args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'gamma=0,0.1', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: () => ['gamma'] },
  { name: 'calibrate: negative refresh in the grid', defect: 8, args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'refresh=-5,0', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: () => ['refresh'] },
  { name: 'calibrate: a queue model that does not exist in the grid', defect: 8, args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'queue-model=power:2,fifo', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: () => ['fifo', 'power2'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: queue models in the grid with a fill that has no queue', defect: 8, args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'queue-model=power:2,log2', '--fill', 'midCross', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: () => ['queue-model', 'midCross'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: --queue-model with tradeThrough fills', defect: 8, args: (x) => ['backtest', '--data', x.f.bookCsv, '--fill', 'tradeThrough', '--queue-model', 'log2', ...OUT_REPORT(x)], code: 2, names: () => ['--queue-model', 'tradeThrough'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: 100 windows on 60 s of data', defect: 8, args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'gamma=0.1,1', '--windows', '100', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: () => ['--windows', '100'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: the set chosen at the edge of a grid axis is said (the best may lie beyond the grid; it said nothing)', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--grid', 'gamma=0.01,0.1,1', '--windows', '2', '--window', '10s', '--fill', 'tradeThrough', '--workers', '0', '--report', x.at('grid-edge-calibrate.html')], code: 0, reports: /^note: gamma: the chosen value is the grid's lowest \(0\.01\) in 1 of 1 fold: the best may lie below the grid; widen it$/m },
  { name: 'calibrate --metric sharpePerDay on windows shorter than two Sharpe intervals: every set\'s Sharpe is undefined, the choice a tie, said (it chose the first set and ranked it 1 of 3 on NaN)', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--trades', x.f.tradesCsv, '--strategy', 'symmetric', '--grid', 'half-spread=0.02,0.05,0.1', '--windows', '2', '--window', '10s', '--metric', 'sharpePerDay', '--fill', 'tradeThrough', '--workers', '0', '--report', x.at('sharpe-tie.html')], code: 0, reports: /^WARNING the selection metric is undefined for every set \(sharpePerDay\) in window 1, though sets filled there .*: the set chosen for window 2 is a tie, the first set taken on no evidence/m },
  { name: 'calibrate: unknown grid parameter', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'alpha=1'], code: 2, names: () => ['alpha'] },
  { name: 'calibrate: a one-row book', args: (x) => ['calibrate', '--data', x.f.oneRowBook, '--grid', 'gamma=0.1,1', '--workers', '0', ...OUT_REPORT(x)], code: 1, message: /: 1 book row: too few rows for a calibration/, absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: a two-row book', args: (x) => ['calibrate', '--data', x.f.twoRowBook, '--grid', 'gamma=0.1,1', '--workers', '0', ...OUT_REPORT(x)], code: 1, message: /: 2 book rows: too few rows for a calibration/, absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: three rows over 0.2 s hold no 2 windows, whatever --windows says', args: (x) => ['calibrate', '--data', x.f.threeRowBook, '--grid', 'gamma=0.1,1', '--windows', '2', '--workers', '0', ...OUT_REPORT(x)], code: 1, message: /: 3 book rows over 0\.2 s: too few rows for a calibration \(the walk-forward needs at least 2 windows/, absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: header-only book', defect: 7, args: (x) => ['calibrate', '--data', x.f.headerOnlyBook, '--grid', 'gamma=0.1,1', '--workers', '0', ...OUT_REPORT(x)], code: 1, names: (x) => [x.f.headerOnlyBook] },

  // --- simulate
  { name: 'simulate: --paths 0', args: () => ['simulate', '--paths', '0'], code: 2, names: () => ['--paths'] },
  { name: 'simulate: negative gamma', args: () => ['simulate', '--gamma', '0.1,-1'], code: 2, names: () => ['--gamma'] },
  { name: 'simulate: unknown --fill', args: () => ['simulate', '--fill', 'cubic'], code: 2, names: () => ['--fill'] },

  // --- recordings (recorder engineers' defects)
  { name: 'record: an unreachable server ends non-zero, naming what got no data', defect: 6, args: (x) => ['record', '--inst', 'ETH-USDT', '--url', 'ws://127.0.0.1:9', '--duration', '3s', '--out', x.at('recording-unreachable')], code: 1, logsToStderr: true, names: () => ['ETH-USDT', '127.0.0.1:9'], message: /no data/ },
  {
    name: 'convert: two overlapping sessions in one recording directory',
    defect: 5,
    args: (x) => ['convert', x.f.overlappingRecording, '--to', 'csv', x.at('overlap-out')],
    code: 1,
    names: (x) => [x.f.overlappingRecording],
    message: /overlap/,
    absent: (x) => [x.at('overlap-out')],
  },
  { name: 'inspect: two overlapping sessions in one recording directory', defect: 5, args: (x) => ['inspect', x.f.overlappingRecording], code: 1, names: (x) => [x.f.overlappingRecording], message: /overlap/ },
  // OKX daily history (issue 15) and the catalog
  { name: 'inspect: OKX books day says what cannot be checked and how the snapshots agreed', args: (x) => ['inspect', x.f.okxBooksDay], code: 0, reports: /cannot be detected[\s\S]*0 disagreed/ },
  { name: 'inspect: OKX books day with a snapshot that disagrees: reported', args: (x) => ['inspect', x.f.okxBooksMismatch], code: 0, reports: /1 disagreed/ },
  { name: 'inspect: OKX books day with a malformed size: file, line and field', args: (x) => ['inspect', x.f.okxBooksMalformed], code: 1, message: /:5 \S*\[\d+\]\[1\]/ },
  { name: 'inspect: OKX books archive cut in half', args: (x) => ['inspect', x.f.okxBooksTruncated], code: 1, message: /truncated|unexpected end|corrupt/i },
  { name: 'inspect: OKX trades day says which day boundary it runs on', args: (x) => ['inspect', x.f.okxTradesDay], code: 0, reports: /UTC\+8|UTC days/ },
  { name: 'inspect: OKX trades day with a malformed price: file, line and field', args: (x) => ['inspect', x.f.okxTradesMalformed], code: 1, message: /:4 price/ },
  { name: 'catalog import: every trade recorded twice: the repeats are not imported, said with a WARNING (they went in and backtest --catalog filled on them twice)', args: (x) => ['catalog', 'import', x.f.tradesTwice, '--catalog', x.at('import-twice-catalog'), '--venue', 'sample', '--inst', 'ETH-USDT'], code: 0, reports: /^\S+trades-twice\.csv +sample +trades +\S+ +(\d+) +new part[\s\S]*WARNING \1 of \d+ trades repeat an earlier row .* were not imported/m },
  { name: 'catalog import: a file that is no market data', args: (x) => ['catalog', 'import', x.f.json, '--catalog', x.at('import-json-catalog')], code: 1, names: (x) => [x.f.json] },
  { name: 'catalog import: an OKX books archive cut in half', args: (x) => ['catalog', 'import', x.f.okxBooksTruncated, '--catalog', x.at('import-truncated-catalog')], code: 1, message: /truncated|unexpected end|corrupt/i },
  { name: 'catalog import: a folder with nothing asmm reads', args: (x) => ['catalog', 'import', x.f.emptyDir, '--catalog', x.at('import-empty-catalog')], code: 2, message: /nothing to import/ },
  { name: 'catalog import --json: a folder with nothing asmm reads is no empty success', args: (x) => ['catalog', 'import', x.f.emptyDir, '--catalog', x.at('import-empty-json-catalog'), '--json'], code: 2, message: /nothing to import/ },
  { name: 'bench: a name no bench has is refused, the benches listed (it ran none and exited 0)', args: () => ['bench', 'no-such-bench'], spawn: true, code: 2, names: () => ['no-such-bench'], message: /no bench in bench\/ has "no-such-bench" in its name; the benches: .*seedCompat/ },
  { name: 'catalog import: a day already in the catalog is refused in one line naming its part and --replace', args: (x) => ['catalog', 'import', x.f.okxBooksDay, '--catalog', x.f.depthCatalog], code: 2, names: (x) => [x.f.depthCatalog], message: /overlapping the new rows .*--replace to replace the parts the new rows overlap/ },
  { name: 'catalog import: a file refused on its second UTC day keeps nothing: the day it had written is taken out, said in the one line', args: (x) => ['catalog', 'import', x.f.okxTradesTwoUtcDays, '--catalog', x.f.depthCatalog], code: 2, names: (x) => [x.f.okxTradesTwoUtcDays], message: /overlapping the new rows .*nothing of .* was kept: the \d+ part file\(s\) it had added were taken out again \(okx\/BTC-USDT\/trades\/date=2025-10-31\// },
  { name: 'catalog import: Tardis trades of two symbols: refused, nothing written', args: (x) => ['catalog', 'import', x.f.tardisTradesTwoSymbols, '--catalog', x.at('import-two-symbols-catalog')], code: 1, names: (x) => [`${x.f.tardisTradesTwoSymbols}:7 symbol`], absent: (x) => [x.at('import-two-symbols-catalog/okx')] },
  { name: 'catalog import: an asmm CSV names no venue: refused naming the file and --venue, nothing written (it went under okx)', args: (x) => ['catalog', 'import', x.f.bookCsv, '--catalog', x.at('import-no-venue-catalog'), '--inst', 'ETH-USDT'], code: 2, names: (x) => [x.f.bookCsv, '--venue'], absent: (x) => [x.at('import-no-venue-catalog/okx'), x.at('import-no-venue-catalog/ETH-USDT')] },
  { name: 'catalog import: a reference CSV names no venue: refused the same way', args: (x) => ['catalog', 'import', x.f.referenceGz, '--catalog', x.at('import-no-venue-ref-catalog'), '--inst', 'ETH-USDT', '--json'], code: 2, names: (x) => [x.f.referenceGz, '--venue'], absent: (x) => [x.at('import-no-venue-ref-catalog/okx')] },
  { name: 'catalog import: a Binance futures capture goes under binance-futures, and says why', args: (x) => ['catalog', 'import', x.f.binanceFutures, '--catalog', x.at('import-binance-futures-catalog')], code: 0, reports: /venue binance-futures: the data: a Binance futures capture \(its depth diffs carry pu\)/, absent: (x) => [x.at('import-binance-futures-catalog/okx')] },
  { name: 'catalog import: Tardis trades of okex go under okx, and say why', args: (x) => ['catalog', 'import', x.f.tardisTradesGz, '--catalog', x.at('import-tardis-catalog')], code: 0, reports: /^\S+ +okx +trades +2026-01-01[\s\S]*venue okx: the data: the Tardis exchange column, "okex"/m },
  { name: 'catalog import: --catalog names a file, not a folder: one line naming it', args: (x) => ['catalog', 'import', x.f.bookCsv, '--catalog', x.f.json], code: 2, names: (x) => [x.f.json] },
  { name: 'catalog import: --contract-value that is not positive', args: (x) => ['catalog', 'import', x.f.bookCsv, '--catalog', x.at('import-cv-catalog'), '--contract-value', '0'], code: 2, names: () => ['--contract-value'] },
  { name: 'sample: --arrival-rate that is not positive', args: (x) => ['sample', '--hours', '0.01', '--arrival-rate', '0', '--out', x.at('sample-arrival')], code: 2, names: () => ['--arrival-rate'], absent: (x) => [x.at('sample-arrival')] },
  { name: 'backtest: a negative --min-spread', args: (x) => ['backtest', '--data', x.f.bookCsv, '--min-spread', '-1', ...OUT_REPORT(x)], code: 2, names: () => ['--min-spread'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: --levels that is no whole number of orders', args: (x) => ['backtest', '--data', x.f.bookCsv, '--levels', '1.5', ...OUT_REPORT(x)], code: 2, names: () => ['--levels'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: a zero --level-spacing', args: (x) => ['backtest', '--data', x.f.bookCsv, '--levels', '2', '--level-spacing', '0', ...OUT_REPORT(x)], code: 2, names: () => ['--level-spacing'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: --depth that is neither top nor full', args: (x) => ['backtest', '--data', x.f.bookCsv, '--depth', 'deep', ...OUT_REPORT(x)], code: 2, names: () => ['--depth'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest --depth full: a CSV without level changes', args: (x) => ['backtest', '--data', x.f.bookCsv, '--depth', 'full', '--strategy', 'symmetric'], code: 2, names: (x) => ['--depth full', x.f.bookCsv] },
  { name: 'backtest --depth full --fill midCross: replayed, and the result says by which rule and cause', args: (x) => ['backtest', '--report', x.at('depth-report-167.html'), '--data', x.f.binanceSpot, '--depth', 'full', '--fill', 'midCross', '--strategy', 'symmetric', '--half-spread', '0.01', '--tick', '0.01'], code: 0, reports: /fillsByCause[\s\S]*midCross: the mid reaching our price/ },
  { name: 'backtest --depth full: an option it does not take', args: (x) => ['backtest', '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--seed-compat'], code: 2, names: () => ['--depth full', '--seed-compat'] },
  { name: 'backtest --depth full: a size below the lot is refused', args: (x) => ['backtest', '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--size', '0.001', '--lot', '0.01'], code: 2, names: () => ['lot'] },
  { name: 'backtest --depth full: a grid, said in the result', args: (x) => ['backtest', '--report', x.at('depth-report-170.html'), '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.01', '--tick', '0.01', '--levels', '3', '--level-spacing', '2'], code: 0, reports: /a grid of 3 orders a side, 2 tick\(s\) apart/ },
  { name: 'backtest --depth full: a capture with a sequence gap replays around it and says what it masked', args: (x) => ['backtest', '--report', x.at('depth-report-171.html'), '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.01', '--tick', '0.01'], code: 0, reports: /masked: 1 interval\(s\).*sequence gap.*orders pulled/ },
  { name: 'backtest --feed-latency recorded: a recording whose clock was behind the exchange is refused, not replayed at 0 ms', args: (x) => ['backtest', '--data', x.f.binanceClockBehind, '--feed-latency', 'recorded', '--strategy', 'symmetric', '--window', '1s'], code: 2, names: (x) => [x.f.binanceClockBehind, 'before their exchange time', '--local-clock-offset auto'] },
  { name: 'backtest --feed-latency recorded --local-clock-offset auto: shifted, and the result says by how much', args: (x) => ['backtest', '--data', x.f.binanceClockBehind, '--feed-latency', 'recorded', '--local-clock-offset', 'auto', '--strategy', 'symmetric', '--window', '1s', '--json'], code: 0, reports: /shifting the local clock by 1200 ms/ },
  { name: 'backtest --depth full --feed-latency recorded: the same clock check', args: (x) => ['backtest', '--data', x.f.binanceClockBehind, '--depth', 'full', '--feed-latency', 'recorded', '--strategy', 'symmetric', '--half-spread', '0.01', '--tick', '0.01'], code: 2, names: () => ['before their exchange time'] },
  { name: 'backtest --depth full --feed-latency recorded --local-clock-offset 1201ms', args: (x) => ['backtest', '--report', x.at('depth-report-175.html'), '--data', x.f.binanceClockBehind, '--depth', 'full', '--feed-latency', 'recorded', '--local-clock-offset', '1201ms', '--strategy', 'symmetric', '--half-spread', '0.01', '--tick', '0.01', '--json'], code: 0, reports: /shifting the local clock by 1201 ms: 1 ms smallest/ },
  { name: 'backtest --local-clock-offset without a recorded feed latency', args: (x) => ['backtest', '--data', x.f.binanceSpot, '--local-clock-offset', 'auto', '--strategy', 'symmetric', '--window', '1s'], code: 2, names: () => ['--local-clock-offset', '--feed-latency recorded'] },
  { name: 'backtest --seed-compat refuses an engine option instead of ignoring it', args: (x) => ['backtest', '--data', x.f.bookCsv, '--seed-compat', '--feed-latency', '50ms'], code: 2, names: () => ['--seed-compat', '--feed-latency'] },
  { name: 'backtest --depth full --queue-model orderCount on a feed without order counts', args: (x) => ['backtest', '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--queue-model', 'orderCount'], code: 2, names: (x) => ['orderCount', 'order count', x.f.binanceSpot] },
  { name: 'backtest --depth full: sampled latencies, and the result says which', args: (x) => ['backtest', '--report', x.at('depth-report-179.html'), '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.01', '--tick', '0.01', '--entry-latency', '5ms,50ms', '--cancel-latency', '20ms', '--latency-seed', '3'], code: 0, reports: /latency: feed 0 ms, entry sampled from 2 values.*cancel 20 ms/ },
  { name: 'backtest --depth full: a recorded feed with a sampled entry latency (the fill notices take it) is refused', args: (x) => ['backtest', '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--feed-latency', 'recorded', '--entry-latency', '5ms,50ms'], code: 2, names: () => ['--feed-latency recorded', '--entry-latency'] },
  { name: 'backtest --depth full: the quoting features are taken', args: (x) => ['backtest', '--report', x.at('depth-report-181.html'), '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.01', '--tick', '0.01', '--refresh-tolerance', '1', '--max-order-age', '2s', '--min-spread', '0.05', '--inventory-target', '0.01'], code: 0, reports: /latency: feed 0 ms/ },
  { name: 'backtest --seed-compat refuses a quoting option it would ignore', args: (x) => ['backtest', '--data', x.f.bookCsv, '--seed-compat', '--min-spread', '5'], code: 2, names: () => ['--seed-compat', '--min-spread'] },
  { name: 'backtest: --window-rows without --seed-compat', args: (x) => ['backtest', '--data', x.f.bookCsv, '--window-rows', '50'], code: 2, names: () => ['--window-rows', '--seed-compat'] },
  { name: 'backtest --depth full: level changes out of time order are refused, naming the file', args: (x) => ['backtest', '--data', x.f.binanceUnordered, '--depth', 'full', '--strategy', 'symmetric'], code: 1, names: (x) => [x.f.binanceUnordered], message: /order/ },
  { name: 'backtest --depth full: a recording whose sessions overlap is refused, naming the file', args: (x) => ['backtest', '--data', x.f.overlappingRecording, '--depth', 'full', '--strategy', 'symmetric'], code: 1, message: /overlap|before session/ },
  { name: 'backtest --depth full: an OKX history day without --trades', args: (x) => ['backtest', '--data', x.f.okxBooksDay, '--depth', 'full', '--strategy', 'symmetric'], code: 2, names: () => ['--trades'] },
  { name: 'backtest --depth full: fees charged and reported', args: (x) => ['backtest', '--report', x.at('depth-report-187.html'), '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.01', '--tick', '0.01', '--maker-fee', '0.0002', '--json'], code: 0, reports: /"fees":/ },
  { name: 'backtest --depth full: quotes all refused (past --max-position) say so', args: (x) => ['backtest', '--report', x.at('depth-report-188.html'), '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--size', '1', '--max-position', '0.5', '--tick', '0.01'], code: 0, reports: /WARNING no order was sent/ },
  { name: 'backtest --depth full: orders that never fill say so', args: (x) => ['backtest', '--report', x.at('depth-report-189.html'), '--data', x.f.binanceSpot, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '5000', '--tick', '0.01'], code: 0, reports: /WARNING no fill: \d+ orders rested/ },
  { name: 'backtest: a --max-order-age of 0', args: (x) => ['backtest', '--data', x.f.bookCsv, '--max-order-age', '0', ...OUT_REPORT(x)], code: 2, names: () => ['--max-order-age'], absent: (x) => [x.at('report.html')] },
  // measured latency series (issue 16): a bad file is one line naming file, line and field; a series that misses the data is refused
  { name: 'backtest: --entry-latency file with a header and no rows', args: (x) => ['backtest', '--data', x.f.bookCsv, '--window', '10s', '--entry-latency', `file:${x.f.latencyHeaderOnly}`, ...OUT_REPORT(x)], code: 1, names: (x) => [x.f.latencyHeaderOnly], message: /no measurement/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest: --entry-latency file without a latency_ms column', args: (x) => ['backtest', '--data', x.f.bookCsv, '--window', '10s', '--entry-latency', `file:${x.f.latencyNoColumn}`, ...OUT_REPORT(x)], code: 1, names: (x) => [x.f.latencyNoColumn], message: /:1 latency_ms: missing column/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest: --entry-latency file out of time order', args: (x) => ['backtest', '--data', x.f.bookCsv, '--window', '10s', '--entry-latency', `file:${x.f.latencyUnsorted}`, ...OUT_REPORT(x)], code: 1, names: (x) => [x.f.latencyUnsorted], message: /:3 ts_ms: .* is before the previous row's/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest: --cancel-latency file with a negative latency', args: (x) => ['backtest', '--data', x.f.bookCsv, '--window', '10s', '--cancel-latency', `file:${x.f.latencyNegative}`, ...OUT_REPORT(x)], code: 1, names: (x) => [x.f.latencyNegative], message: /:3 latency_ms: -3 ms is negative/, absent: (x) => [x.at('report.html')] },
  { name: 'backtest: --feed-latency file in seconds (misses the data)', args: (x) => ['backtest', '--data', x.f.bookCsv, '--window', '10s', '--feed-latency', `file:${x.f.latencySeconds}`, ...OUT_REPORT(x)], code: 2, message: /do not overlap the data/, names: () => ['--feed-latency'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest: --entry-latency file that does not exist', args: (x) => ['backtest', '--data', x.f.bookCsv, '--window', '10s', '--entry-latency', `file:${x.at('no-latency.csv')}`, ...OUT_REPORT(x)], code: 2, message: /no such file/, names: (x) => [x.at('no-latency.csv')], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: an entry-latency in the grid that is no latency', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'entry-latency=0,50', '--workers', '0', ...OUT_REPORT(x)], code: 2, names: () => ['entry-latency', '"50"'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate: an entry-latency file in the grid with a bad row', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', `entry-latency=0,file:${x.f.latencyNegative}`, '--workers', '0', ...OUT_REPORT(x)], code: 2, names: (x) => [x.f.latencyNegative, 'latency_ms'], absent: (x) => [x.at('report.html')] },
  // asmm grade-fills (issue 16): bad options name the option
  { name: 'grade-fills: --seeds not integers', args: () => ['grade-fills', '--seeds', '1,x'], code: 2, names: () => ['--seeds'] },
  { name: 'grade-fills: --duration too short', args: () => ['grade-fills', '--duration', '10s'], code: 2, names: () => ['--duration'] },
  { name: 'grade-fills: --cancel-rate negative', args: () => ['grade-fills', '--cancel-rate', '-1'], code: 2, names: () => ['--cancel-rate'] },
  { name: 'grade-fills: a stray argument', args: () => ['grade-fills', 'extra'], code: 2 },
  { name: 'grade-fills: a market with no true fill says so (its rates left out of the means)', args: () => ['grade-fills', '--seeds', '1', '--duration', '60s', '--market-rate', '0.01', '--cancel-rate', '0'], code: 0, reports: /queue power:2: no true fill on seed\(s\) 1/ },
  { name: 'grade-fills: --book-delay not a duration', args: () => ['grade-fills', '--book-delay', 'soon'], code: 2, names: () => ['--book-delay'] },
  // asmm cluster (issue 17): bad options before anything starts
  { name: 'cluster: --workers 0', args: () => ['cluster', '--workers', '0'], code: 2, names: () => ['--workers'] },
  { name: 'cluster: --trades without --data', args: (x) => ['cluster', '--trades', x.f.tradesCsv], code: 2, names: () => ['--trades', '--data'] },
  // asmm download okx (issue 15): never OKX itself; an unreachable server is a closed local port
  { name: 'download: a date that is none', args: () => ['download', 'okx', '--inst', 'BTC-USDT', '--from', '2025-13-01'], code: 2, names: () => ['2025-13-01'] },
  { name: 'download: --to before --from', args: () => ['download', 'okx', '--inst', 'BTC-USDT', '--from', '2025-11-03', '--to', '2025-11-01'], code: 2, message: /--to 2025-11-01 is before --from 2025-11-03/ },
  { name: 'download: an unknown kind', args: () => ['download', 'okx', '--inst', 'BTC-USDT', '--from', '2025-11-01', '--kind', 'candles'], code: 2, names: () => ['candles'] },
  { name: 'download: a server that cannot be reached fails each file, then says so in one last line', args: (x) => ['download', 'okx', '--inst', 'BTC-USDT', '--from', '2025-11-01', '--to', '2025-11-01', '--base-url', 'http://127.0.0.1:1', '--retries', '1', '--backoff', '1ms', '--out', x.at('download-unreachable')], code: 1, logsToStderr: true, message: /2 files failed/, names: () => [] },
  // distributed calibration (issue 17): a Redis that cannot be reached is a closed local port
  { name: 'worker: a --redis that is no URL', args: () => ['worker', '--redis', 'notaurl'], code: 2, names: () => ['notaurl'] },
  { name: 'worker: a Redis that cannot be reached', args: () => ['worker', '--redis', 'redis://127.0.0.1:1', '--quiet'], code: 2, message: /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/ },
  { name: 'calibrate --redis: a Redis that cannot be reached', args: (x) => ['calibrate', '--data', x.f.bookCsv, '--grid', 'gamma=0.1', '--windows', '2', '--window', '10s', '--redis', 'redis://127.0.0.1:1', ...OUT_REPORT(x)], absent: (x) => [x.at('report.html')], code: 2, names: () => ['redis://127.0.0.1:1'], message: /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/ },
  { name: 'backtest --catalog --depth full: a catalog without level changes is refused, naming the table', args: (x) => ['backtest', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--depth', 'full', '--strategy', 'symmetric'], code: 2, names: () => ['book_deltas', 'ETH-USDT'] },
  { name: 'backtest --catalog --depth full: read a day at a time, said in the result', args: (x) => ['backtest', '--catalog', x.f.depthCatalog, '--inst', 'BTC-USDT', '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '0.5', '--report', x.at('depth-catalog.html')], code: 0, reports: /read a day at a time/ },
  { name: 'backtest --catalog --depth full: GLFT on less than one --window of data names --window', args: (x) => ['backtest', '--catalog', x.f.depthCatalog, '--inst', 'BTC-USDT', '--depth', 'full', '--strategy', 'glft', '--window', '1h', '--report', x.at('depth-catalog-glft.html')], code: 2, names: (x) => ['--window', x.f.depthCatalog], absent: (x) => [x.at('depth-catalog-glft.html')] },
  { name: 'backtest --catalog --depth full --feed-latency recorded on a range without local stamps names the day', args: (x) => ['backtest', '--catalog', x.f.depthCatalog, '--inst', 'BTC-USDT', '--depth', 'full', '--strategy', 'symmetric', '--feed-latency', 'recorded', '--entry-latency', '10ms', '--report', x.at('depth-catalog-recorded.html')], code: 2, names: (x) => ['--feed-latency recorded', 'local receive stamps', '2025-11-01', x.f.depthCatalog], absent: (x) => [x.at('depth-catalog-recorded.html')] },
  { name: 'backtest --depth full: --from without --catalog', args: (x) => ['backtest', '--data', x.f.binanceSpot, '--depth', 'full', '--from', '2024-08-08'], code: 2, names: () => ['--from', '--catalog'] },
  { name: 'catalog query: SQL error', args: (x) => ['catalog', 'query', 'select nonsense from nowhere', '--catalog', x.f.sampleCatalog], code: 2, names: () => ['nowhere'] },
  { name: 'catalog query: an empty result is said', args: (x) => ['catalog', 'query', "select * from trades where instrument = 'NONE'", '--catalog', x.f.sampleCatalog], code: 0, reports: /no rows/ },
  { name: 'backtest --catalog: instrument not in the catalog', args: (x) => ['backtest', '--catalog', x.f.sampleCatalog, '--inst', 'BTC-USDT', ...OUT_REPORT(x)], code: 2, names: () => ['BTC-USDT'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest --catalog: a range without days', args: (x) => ['backtest', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--from', '2030-01-01', ...OUT_REPORT(x)], code: 2, names: () => ['no book days'], absent: (x) => [x.at('report.html')] },
  { name: 'backtest --catalog: a bad date', args: (x) => ['backtest', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--from', 'yesterday', ...OUT_REPORT(x)], code: 2, names: () => ['--from'] },
  { name: 'backtest --catalog: streams the days and says what it did per day', args: (x) => ['backtest', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--fill', 'tradeThrough', '--window', '20s', '--report', x.at('catalog-report.html')], code: 0, reports: /1 days, \d+ events[\s\S]*peak RSS/ },
  { name: 'backtest --catalog: --max-position below the order size: no fill, said with a WARNING naming both (a metrics table of zeros and no word before)', args: (x) => ['backtest', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--strategy', 'symmetric', '--fill', 'tradeThrough', '--max-position', '0.001', '--window', '10s', '--report', x.at('catalog-max-position.html')], code: 0, reports: /^WARNING no fill in \d+ decisions: --max-position 0\.001 is below the order size 0\.01/m },
  { name: 'backtest --catalog: days shorter than one calibration window', args: (x) => ['backtest', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--fill', 'tradeThrough', ...OUT_REPORT(x)], code: 1, names: () => ['shorter than one window'], logsToStderr: true, absent: (x) => [x.at('report.html')] },
  { name: 'estimate --catalog: a book that stops while trades go on ends in the pairing error (after the warning on the day it shows)', args: (x) => ['estimate', '--catalog', x.f.stoppedBookCatalog, '--inst', 'ETH-USDT'], code: 1, logsToStderr: true, names: () => ['cannot be paired with the book'], message: /trades \(\d+ %\) cannot be paired with the book/ },
  { name: 'estimate --catalog: trades that all reach one depth: the streamed MLE is checked per depth and its miss warned (it printed A, k with exit 0)', args: (x) => ['estimate', '--catalog', x.f.oneDepthCatalog, '--inst', 'ETH-USDT'], code: 0, reports: /^ {2}pooled MLE χ² \S+ on \d+ df, p = \S+: FAILS\n[\s\S]*^WARNING arrival pooled: the MLE fit misses the observed arrival rates/m },
  { name: 'estimate --catalog: a tick inferred from one half-tick row of the first day is warned about', args: (x) => ['estimate', '--catalog', x.f.halfTickCatalog, '--inst', 'ETH-USDT'], code: 0, reports: /^tick +0\.005 \(inferred from the first day\)[\s\S]*^WARNING ETH-USDT's first day in the catalog: tick 0\.005 inferred from 1 of 600 book rows \(the first: book row 301\)/m },
  { name: 'backtest --catalog: the same warning', args: (x) => ['backtest', '--catalog', x.f.halfTickCatalog, '--inst', 'ETH-USDT', '--strategy', 'symmetric', '--fill', 'tradeThrough', '--window', '10s', '--report', x.at('half-tick-catalog.html')], code: 0, reports: /^WARNING ETH-USDT's first day in the catalog: tick 0\.005 inferred from 1 of 600 book rows/m },
  { name: 'estimate --catalog: instrument not in the catalog', args: (x) => ['estimate', '--catalog', x.f.sampleCatalog, '--inst', 'BTC-USDT'], code: 2, names: () => ['BTC-USDT'] },
  { name: 'estimate --catalog: a range without days', args: (x) => ['estimate', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--from', '2030-01-01'], code: 2, names: () => ['no book days'] },
  { name: 'estimate --catalog: a flag that is not streamed', args: (x) => ['estimate', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--window', '60s'], code: 2, names: () => ['--window'] },
  { name: 'calibrate --catalog --refit daily: a day without a fill for any set: the next day\'s choice is said to be a tie on no evidence', args: (x) => ['calibrate', '--catalog', x.f.deadDayCatalog, '--inst', 'ETH-USDT', '--refit', 'daily', '--strategy', 'symmetric', '--grid', 'half-spread=0.05,0.1', '--window', '10s', '--fill', 'tradeThrough', '--workers', '0', '--report', x.at('dead-day-calibration.html')], code: 0, reports: /^WARNING no parameter set had a fill on day 2026-01-01 .*: the set traded on 2026-01-02 was chosen on a day without a fill, a tie, the first set taken on no evidence$/m },
  { name: 'calibrate --catalog: instrument not in the catalog', args: (x) => ['calibrate', '--catalog', x.f.sampleCatalog, '--inst', 'BTC-USDT', '--refit', 'daily', '--grid', 'gamma=0.1,1', ...OUT_REPORT(x)], code: 2, names: () => ['BTC-USDT'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate --catalog: a range without days', args: (x) => ['calibrate', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--refit', 'daily', '--grid', 'gamma=0.1,1', '--from', '2030-01-01', ...OUT_REPORT(x)], code: 2, names: () => ['no book days'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate --catalog without --refit daily', args: (x) => ['calibrate', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--grid', 'gamma=0.1,1', ...OUT_REPORT(x)], code: 2, names: () => ['--refit daily'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate --refit without --catalog', args: (x) => ['calibrate', '--data', x.f.sampleCatalog, '--refit', 'daily', '--grid', 'gamma=0.1,1', ...OUT_REPORT(x)], code: 2, names: () => ['--refit', '--catalog'], absent: (x) => [x.at('report.html')] },
  { name: 'calibrate --catalog: bad --trailing-days', args: (x) => ['calibrate', '--catalog', x.f.sampleCatalog, '--inst', 'ETH-USDT', '--refit', 'daily', '--trailing-days', '0', '--grid', 'gamma=0.1,1', ...OUT_REPORT(x)], code: 2, names: () => ['--trailing-days'], absent: (x) => [x.at('report.html')] },
  { name: 'sample --days into a catalog that has the day: refused', args: (x) => ['sample', '--days', '1', '--interval-ms', '60000', '--catalog', x.f.sampleCatalog], code: 2, names: (x) => [x.f.sampleCatalog], message: /--replace/ },
];

export const LOADER_CASES: readonly LoaderCase[] = [
  { name: 'empty file', loader: 'readTableFile', file: (x) => x.f.empty, error: /empty/ },
  { name: 'JSON text', loader: 'readTableFile', file: (x) => x.f.json, error: /unrecognised format/ },
  { name: 'truncated Arrow', loader: 'readTableFile', file: (x) => x.f.truncatedArrow, error: /Arrow/ },
  { name: 'rows out of order', loader: 'readTableFile', file: (x) => x.f.unsortedBook, error: /not sorted/ },
  { name: 'an order count that is no whole number (line and field)', loader: 'readTableFile', file: (x) => x.f.badCountsBook, error: /bad-counts-book\.csv:3 ask_cnt_1: an order count must be a whole number/ },
  { name: 'truncated gzip CSV', defect: 7, loader: 'readTableFile', file: (x) => x.f.truncatedCsvGz, error: /truncated|unexpected end/ },
  { name: 'truncated gzip Binance capture', defect: 7, loader: 'loadTables', file: (x) => x.f.binanceTruncated, error: /truncated|unexpected end/ },
  { name: 'gzipped asmm book CSV', defect: 8, loader: 'readTableFile', file: (x) => x.f.bookCsvGz, reports: /book 600 rows/ },
  { name: 'gzipped Tardis book snapshot', defect: 8, loader: 'readTableFile', file: (x) => x.f.tardisBookGz, reports: /book 600 rows/ },
  { name: 'gzipped Tardis trades', defect: 8, loader: 'loadTables', file: (x) => x.f.tardisTradesGz, reports: /trades \d+ rows/ },
  { name: 'gzipped reference CSV', defect: 8, loader: 'loadTables', file: (x) => x.f.referenceGz, reports: /book \d+ rows/ },
  { name: 'gzip that is no market data', defect: 8, loader: 'loadTables', file: (x) => x.f.garbageGz, error: /unrecognised format/ },
  { name: 'book ts_ms in seconds', defect: 8, loader: 'readTableFile', file: (x) => x.f.bookSeconds, error: /seconds/ },
  { name: 'trades ts_ms in seconds', defect: 8, loader: 'readTableFile', file: (x) => x.f.tradesSeconds, error: /seconds/ },
  { name: 'Tardis timestamp in ms', defect: 8, loader: 'readTableFile', file: (x) => x.f.tardisTradesMs, error: /\bms\b/ },
  { name: 'Tardis trades of two symbols', loader: 'loadTables', file: (x) => x.f.tardisTradesTwoSymbols, error: /:7 symbol: a second symbol, "BTC-USDT", after "ETH-USDT"/ },
  { name: 'Tardis book snapshots of two symbols', loader: 'readTableFile', file: (x) => x.f.tardisBookTwoSymbols, error: /:7 symbol: a second symbol, "BTC-USDT", after "ETH-USDT"/ },
  { name: 'Tardis trades of two exchanges', loader: 'readTableFile', file: (x) => x.f.tardisTradesTwoExchanges, error: /:7 exchange: a second exchange, "binance", after "okex"/ },
  { name: 'Binance capture with a gap: counted in the notes', loader: 'loadTables', file: (x) => x.f.binanceSpot, reports: /1 sequence gap/ },
  { name: 'Binance capture with a gap: masked interval on the book', defect: 2, loader: 'loadTables', file: (x) => x.f.binanceSpot, reports: /masked/ },
  { name: 'Binance futures capture has a book', defect: 1, loader: 'loadTables', file: (x) => x.f.binanceFutures, reports: /book [1-9]\d* rows/ },
];
