export { frameHtml, toFrame, type FrameOptions } from './toFrame.js';
export { recordsFrame, recordsHtml } from './records.js';
export { backtestFillsFrame, backtestSeriesFrame } from './backtestFrames.js';
