export { summarize, type SampleSummary } from './summary.js';
