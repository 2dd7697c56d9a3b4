export { projectPath, projectRoot } from './root.js';
export { importOutsideBundle } from './importOutsideBundle.js';
