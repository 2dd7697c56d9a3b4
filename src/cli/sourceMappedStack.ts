import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * `stack` with each frame in a compiled file that has a source map beside it (`<file>.map`, as esbuild links
 * them) named by its source instead: `(…/src/cli/main.ts:12:5)` for `(…/dist/cli-bundle/main.cjs:3101:9)`. The
 * bundled CLI runs as a vm.Script compiled from V8's code cache (scripts/compiledCli.mjs), whose frames Node's
 * --enable-source-maps does not map. Frames without a map, or outside what it covers, stay as they are.
 */
export function sourceMappedStack(stack: string): string {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (file: string): SourceMap | null => {
    let map = maps.get(file);
    if (map === undefined) {
      map = null;
      try {
        if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        // an unreadable map: the frame stays as it is
      }
      maps.set(file, map);
    }
    return map;
  };
  return stack.replace(/((?:file:\/\/)?\/[^\s():]+\.[cm]?js):(\d+):(\d+)/g, (frame: string, file: string, line: string, column: string) => {
    const path = file.replace(/^file:\/\//, '');
    const map = mapOf(path);
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (!entry?.originalSource || entry.originalLine === undefined) return frame;
    const source = resolve(dirname(path), entry.originalSource.replace(/^file:\/\//, ''));
    return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  });
}
