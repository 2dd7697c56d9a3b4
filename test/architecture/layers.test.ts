import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The folder layering of `src/`, read from the import statements of every source file (static `import`/`export
 * … from`, side-effect `import '…'` and dynamic `import('…')`, type-only imports included: a type import still
 * ties one folder's meaning to another's).
 *
 * Rules:
 * - `src/data/` (tables, CSV, Arrow, validation, masks, generic helpers) is a leaf: it imports no other src
 *   folder, except the base utilities in {@link BASE}, which themselves import no src folder at all;
 * - no cycle between src folders (a folder's files may import each other freely).
 */
const SRC = resolve(__dirname, '../../src');

/** Folders below `data/`: pure utilities that import nothing from src (checked below). */
const BASE = ['project', 'stats'];

interface FolderImport {
  readonly fromFolder: string;
  readonly toFolder: string;
  /** `src/<file>:<line> imports '<specifier>'` */
  readonly where: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|cts|tsx)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Relative module specifiers of a file's import statements, with their line numbers. Comments are skipped. */
export function importSpecifiers(source: string): Array<{ specifier: string; line: number }> {
  // blank out comments (keeping line breaks) so that `import` in JSDoc examples does not count
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
  const patterns = [
    /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?[\w*${}\s,]*?\bfrom\s*['"]([^'"]+)['"]/g, // import … from '…', export … from '…'
    /(?:^|[;\s])import\s*['"]([^'"]+)['"]/g, // import '…'
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…'), typeof import('…')
  ];
  const found: Array<{ specifier: string; line: number; at: number }> = [];
  for (const pattern of patterns) {
    for (const m of code.matchAll(pattern)) {
      const at = m.index! + m[0].lastIndexOf(m[1]);
      found.push({ specifier: m[1], line: code.slice(0, at).split('\n').length, at });
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ specifier, line }) => ({ specifier, line }));
}

function folderImports(): FolderImport[] {
  const out: FolderImport[] = [];
  for (const file of sourceFiles(SRC)) {
    const fromFolder = relative(SRC, file).split(sep)[0];
    if (fromFolder === relative(SRC, file)) continue; // a file directly in src/ belongs to no folder
    for (const { specifier, line } of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file), specifier));
      if (target.startsWith('..')) continue; // outside src
      const toFolder = target.split(sep)[0];
      if (toFolder !== fromFolder) out.push({ fromFolder, toFolder, where: `src/${relative(SRC, file)}:${line} imports '${specifier}'` });
    }
  }
  return out;
}

/** Every elementary cycle's folders, found by depth-first search from each folder (each cycle reported once). */
function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const folders = [...edges.keys()].sort();
  for (const start of folders) {
    const path: string[] = [start];
    const walk = (node: string): void => {
      for (const next of [...(edges.get(node) ?? [])].sort()) {
        if (next === start) {
          // the same cycle is found from each of its folders: keep the rotation that starts at the smallest
          const key = [...path].sort()[0] === start ? path.join('>') : '';
          if (key && !seen.has(key)) {
            seen.add(key);
            cycles.push([...path, start]);
          }
        } else if (next > start && !path.includes(next)) {
          path.push(next);
          walk(next);
          path.pop();
        }
      }
    };
    walk(start);
  }
  return cycles;
}

describe('src/ folder layering', () => {
  const imports = folderImports();

  it('finds the imports it checks (the parser reads single-line, multi-line, type and dynamic imports)', () => {
    const parsed = importSpecifiers(
      [
        "import { a } from './a.js';",
        'import {',
        '  b,',
        '  type C,',
        "} from '../b/index.js';",
        "import type { D } from '../d/d.js';",
        "export * from './e.js';",
        "import './side.js';",
        "const f = await import('../f/f.js');",
        "type G = typeof import('../g/g.js');",
        "/** import { no } from '../comment/x.js' */",
        "// import { no } from '../comment/y.js'",
      ].join('\n'),
    );
    expect(parsed).toEqual([
      { specifier: './a.js', line: 1 },
      { specifier: '../b/index.js', line: 5 },
      { specifier: '../d/d.js', line: 6 },
      { specifier: './e.js', line: 7 },
      { specifier: './side.js', line: 8 },
      { specifier: '../f/f.js', line: 9 },
      { specifier: '../g/g.js', line: 10 },
    ]);
    expect(imports.length).toBeGreaterThan(50);
  });

  it(`data/ imports no other src folder (only the base utilities ${BASE.join(', ')}/)`, () => {
    const offending = imports.filter((i) => i.fromFolder === 'data' && !BASE.includes(i.toFolder));
    expect(offending.map((i) => i.where), `data/ must be a leaf:\n${offending.map((i) => i.where).join('\n')}`).toEqual([]);
  });

  it(`the base utilities (${BASE.join(', ')}/) import no src folder`, () => {
    const offending = imports.filter((i) => BASE.includes(i.fromFolder));
    expect(offending.map((i) => i.where), `base utilities must import nothing from src:\n${offending.map((i) => i.where).join('\n')}`).toEqual([]);
  });

  it('no cycle between src folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of imports) {
      if (!edges.has(i.fromFolder)) edges.set(i.fromFolder, new Set());
      if (!edges.has(i.toFolder)) edges.set(i.toFolder, new Set());
      edges.get(i.fromFolder)!.add(i.toFolder);
    }
    const cycles = folderCycles(edges);
    const report = cycles.map((cycle) => {
      const steps = cycle.slice(1).map((to, k) => {
        const from = cycle[k];
        const lines = imports.filter((i) => i.fromFolder === from && i.toFolder === to).map((i) => `    ${i.where}`);
        return `  ${from} -> ${to}:\n${lines.join('\n')}`;
      });
      return `${cycle.join(' -> ')}\n${steps.join('\n')}`;
    });
    expect(cycles.map((c) => c.join(' -> ')), `cycles between src folders:\n${report.join('\n')}`).toEqual([]);
  });

  it('the cycle finder finds a known cycle (a -> b -> c -> a) once, and none in a DAG', () => {
    const graph = (pairs: string[]) => {
      const m = new Map<string, Set<string>>();
      for (const p of pairs) {
        const [from, to] = p.split('>');
        if (!m.has(from)) m.set(from, new Set());
        if (!m.has(to)) m.set(to, new Set());
        m.get(from)!.add(to);
      }
      return m;
    };
    expect(folderCycles(graph(['a>b', 'b>c', 'c>a', 'c>d']))).toEqual([['a', 'b', 'c', 'a']]);
    expect(folderCycles(graph(['a>b', 'b>c', 'a>c', 'c>d']))).toEqual([]);
    expect(folderCycles(graph(['data>okx', 'okx>data']))).toEqual([['data', 'okx', 'data']]);
  });
});
