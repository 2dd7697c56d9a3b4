import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from './root.js';

/**
 * A package loaded on first use instead of at import time: `const arrow = lazyPackage<typeof import('apache-arrow')>('apache-arrow')`,
 * then `arrow().tableFromIPC(...)`. Large packages (mathjs, apache-arrow) take longer to load than most
 * commands take to run, and most commands never call them. Resolved from the project's package.json, the way
 * that works both in the compiled ES modules the CLI runs and in tslab's CommonJS.
 */
export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) loaded = createRequire(join(projectRoot(), 'package.json'))(name) as T;
    return loaded;
  };
}
