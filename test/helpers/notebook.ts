import { writeFileSync } from 'node:fs';

/** Writes a minimal tslab notebook from a list of cells ('md:' prefix for markdown). */
export function writeNotebook(path: string, cells: string[]): void {
  const notebook = {
    cells: cells.map((source) =>
      source.startsWith('md:')
        ? { cell_type: 'markdown', metadata: {}, source: source.slice(3) }
        : { cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null },
    ),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(path, JSON.stringify(notebook));
}
