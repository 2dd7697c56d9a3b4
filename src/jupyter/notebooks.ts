import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../project/index.js';

/** Every notebook in `notebooks/`, in name order (the order `npm start` and `npm test` run them). */
export function listNotebooks(dir: string = projectPath('notebooks')): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ipynb') && !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
}
