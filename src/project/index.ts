export { projectPath, projectRoot } from './root.js';
export { importOutsideBundle } from './importOutsideBundle.js';
export { processRuns } from './processRuns.js';
