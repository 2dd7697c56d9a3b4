export { EstimationError, Z95 } from './errors.js';
export { previousTickGrid, type GridSeries } from './grid.js';
export { realizedVolatility, twoScaleVolatility, volatilitySignature, type VolatilityEstimate } from './volatility.js';
export { marketOrdersFromTrades, type MarketOrders } from './marketOrders.js';
export { empiricalIntensity, fitArrivalMle, fitArrivalWls, type ArrivalEstimate, type EmpiricalIntensity, type QuoteSide } from './intensity.js';
export { referenceRollingStdOfMid } from './volatility.js';
export { rollingCalibration, type RollingCalibration, type RollingCalibrationOptions } from './rolling.js';
export { inferredTradeTable, marketOrdersFromBook, type InferredMarketOrders } from './bookInferredOrders.js';
