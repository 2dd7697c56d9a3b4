import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The asmm project root: `$ASMM_ROOT` when set (the CLI sets it), else the nearest ancestor of the
 * working directory whose package.json is named "asmm". Notebooks run with the root as working directory
 * (see scripts/tslab-kernel.cjs), so paths such as `data/sample` resolve the same everywhere.
 */
export function projectRoot(): string {
  const fromEnv = process.env.ASMM_ROOT;
  if (fromEnv) return resolve(fromEnv);
  let dir = process.cwd();
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'asmm') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** A path inside the project root. */
export function projectPath(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}
