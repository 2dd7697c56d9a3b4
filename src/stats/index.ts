export { summarize, type SampleSummary } from './summary.js';
export { median } from './median.js';
