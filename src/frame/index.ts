export { frameHtml, toFrame, type FrameOptions } from './toFrame.js';
