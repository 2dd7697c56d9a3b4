export * from './schema.js';
export { CatalogWriter, dayRanges, partInterval, staleStagingNote, type CatalogWriterOptions, type PartWritten, type StaleStaging, type WriteColumn, type WriteOptions } from './writer.js';
export { Catalog, openCatalog, type BookDeltaDay, type DayPartition } from './catalog.js';
export { SqlResult } from './sqlResult.js';
export { mergeInstrumentMeta } from './instrumentMeta.js';
export { importIntoCatalog, importsFileByFile, undoneText, type ImportReport } from './importFiles.js';
export { CatalogRangeError, catalogMarketDays, catalogRange, type CatalogRange, type CatalogRangeNames } from './marketRange.js';
export { catalogDepthDays, readCatalogDepth, type CatalogDepthInput } from './depthRange.js';
