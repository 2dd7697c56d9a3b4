/**
 * Venue and vendor file formats, one module per format above `data/` (which knows only asmm's own tables,
 * CSV and Arrow): each exports a `Format` — detection by content (`canHandle`) and a loader — and the
 * registry (`FORMATS`, in detection order) is what `detectFormat`, `readTableFile` and `loadTables` dispatch on.
 */
export { probeFile, type CaptureFormat, type FileFormat, type FileProbe, type Format, type TableFormat } from './format.js';
export { FORMATS, formatNamed } from './registry.js';
export { detectFormat, loadTables, readBookFile, readTableFile, readTradeFile, shallowerThan, type LoadedTables } from './loadAny.js';
export { arrowFormat, asmmBookCsvFormat, asmmTradesCsvFormat } from './asmm.js';
export { REFERENCE_COLUMNS, onReferenceClock, readReferenceCsv, referenceCsvFormat, writeReferenceCsv } from './referenceCsv.js';
export { TARDIS_EXCHANGE_KEY, readTardisBookSnapshot, readTardisTrades, tardisBookSnapshotFormat, tardisKind, tardisTradesFormat, type TardisKind } from './tardisCsv.js';
export { FORMAT_VENUES, OKX_VENUE, TARDIS_EXCHANGE_VENUES, binanceVenue, tardisVenue, type VenueRule } from './venues.js';
export { cryptofeedOkxFormat, cryptofeedOkxNotes, replayCryptofeedOkx, type CaptureReplay } from './cryptofeedOkx.js';
export { binanceCaptureFormat, binanceReplayNotes, replayBinanceCapture, type BinanceReplay } from './binanceCapture.js';
export { FUTURES_RULE, SPOT_RULE, classifyBinanceStream, sequenceRuleOf, type BinanceMarket, type BinanceStream, type SequenceRule } from './binanceStreams.js';
export { crossCheckBookTicker, type BookTickerCheck, type BookTickerSeries } from './bookTickerCheck.js';
export { OFFSET_WINDOW_MS, recorderRawFiles, recorderRawFormat, replayRecorderRaw, type RecorderRawReplay, type RecorderSession } from './recorderRaw.js';
export * from './okxHistoryLayout.js';
export { BOOK_SIDE_ASK, BOOK_SIDE_BID, DELTA_MESSAGE_END, DELTA_SNAPSHOT, DELTA_SNAPSHOT_START, DELTA_UPDATE, FullDepthBook, OkxBookLineParser, OkxBooksDecoder, isOkxBooksContent, okxHistoryBooksFormat, openOkxBooks, readOkxBooksTable, type LevelDifference, type OkxBookDeltaBatch, type OkxBooksReadOptions, type OkxBooksStream, type OkxBooksSummary } from './okxHistoryBooks.js';
export { OkxTradesDecoder, isOkxTradesContent, okxHistoryTradesFormat, openOkxTrades, readOkxTradesTable, type OkxTradesReadOptions, type OkxTradesStream, type OkxTradesSummary } from './okxHistoryTrades.js';
