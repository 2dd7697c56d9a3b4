export { extent } from './extent.js';
export { summarize, type SampleSummary } from './summary.js';
export { median, quantile, quantileOfSorted, quantiles } from './quantile.js';
export { studentT975 } from './studentT.js';
