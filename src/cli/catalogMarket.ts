import type { Catalog } from '../catalog/catalog.js';
import { CatalogRangeError, catalogRange as checkedRange, type CatalogRange } from '../catalog/marketRange.js';
import { UsageError } from './command.js';

export { catalogMarketDays, type CatalogRange } from '../catalog/marketRange.js';

/**
 * The `--catalog DIR --inst ID [--venue V] [--from D1] [--to D2]` options of estimate/backtest/calibrate,
 * checked against the catalog (`catalog/marketRange.ts`); a range that does not fit is a usage error (exit 2).
 */
export function catalogRange(catalog: Catalog, values: { inst?: string; venue?: string; from?: string; to?: string }): CatalogRange {
  try {
    return checkedRange(catalog, values);
  } catch (error) {
    if (error instanceof CatalogRangeError) throw new UsageError(error.message);
    throw error;
  }
}
