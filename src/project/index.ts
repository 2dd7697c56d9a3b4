export { projectPath, projectRoot } from './root.js';
