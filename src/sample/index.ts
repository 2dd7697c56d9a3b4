export { DEFAULT_SAMPLE_PARAMS, sampleParams, type SampleMarketParams } from './params.js';
export { generateSampleMarket, SampleMarketStream, sampleMarketDays, utcDate, type SampleMarket } from './sampleMarket.js';
export { DEFAULT_SAMPLE_DIR, SAMPLE_FILES, SAMPLE_VENUE, ensureSampleMarket, readSampleParams, writeSampleMarket } from './files.js';
export { decimalGrid, gridValue, inSteps, type DecimalGrid } from './decimalGrid.js';
export { DEFAULT_DEPLETING_MARKET, generateDepletingMarket, type DepletingMarket, type DepletingMarketOptions, type DepletingMarketParams } from './depletingMarket.js';
export { OKX_HISTORY_PRESETS, clearOkxHistoryCache, okxHistoryBookText, okxHistoryChunkParams, writeOkxHistoryDay, writeOkxHistoryDays, type OkxHistoryDayFile, type OkxHistoryDayOptions, type OkxHistoryFaults } from './okxHistory.js';
export { depthEventsOf, generateOrderBookMarket, ORDER_ADD, ORDER_CANCEL, ORDER_EXECUTE, trueFillTimes, trueQueue, type OrderBookMarket, type OrderBookMarketParams, type OrderEventLog, type OurOrders } from './orderBookMarket.js';
