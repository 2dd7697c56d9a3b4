/**
 * Joins tables that follow each other in time (the days of a catalog range, the parts of a recording) into
 * one table, for the in-memory paths (notebooks, small ranges). The streaming paths never concatenate.
 */
import type { TypedColumn } from './columnBuilder.js';
import { DataError } from './errors.js';
import { mergeMasks } from './masks.js';
import type { BookTable, TradeTable } from './tables.js';

/** The columns one after another, in one new array of their kind (no columns: an empty Float64Array). */
export function concatColumns<A extends TypedColumn = Float64Array>(columns: ReadonlyArray<A>): A {
  const kind = (columns.length > 0 ? columns[0].constructor : Float64Array) as new (length: number) => A;
  const out = new kind(columns.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of columns) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Checks that each table starts at or after the previous one's last row; `what` names the tables in the error. */
function checkOrder(tables: ReadonlyArray<{ readonly tsMs: Float64Array; readonly meta: { readonly source?: string } }>, what: string): void {
  for (let i = 1; i < tables.length; i++) {
    const prev = tables[i - 1].tsMs;
    const next = tables[i].tsMs;
    if (prev.length > 0 && next.length > 0 && next[0] < prev[prev.length - 1]) {
      const name = tables[i].meta.source ?? `${what} ${i + 1} of ${tables.length}`;
      throw new DataError(name, 0, 'ts_ms', `starts at ${next[0]} ms, before the end of ${tables[i - 1].meta.source ?? `${what} ${i}`} (${prev[prev.length - 1]} ms); tables to join must follow each other in time`);
    }
  }
}

/**
 * One book table from consecutive ones of the same depth; their masked intervals merged, the first table's
 * metadata kept (with `source` naming how many were joined).
 * @throws DataError when the depths differ or a table starts before the previous one ends.
 */
export function concatBookTables(tables: readonly BookTable[]): BookTable {
  if (tables.length === 0) throw new DataError('(no book table)', 0, '', 'nothing to join');
  if (tables.length === 1) return tables[0];
  const depth = tables[0].depth;
  const other = tables.find((t) => t.depth !== depth);
  if (other) throw new DataError(other.meta.source ?? 'a book table', 0, 'depth', `${other.depth} levels, the first table has ${depth}; tables to join must have the same depth`);
  checkOrder(tables, 'book table');
  const levels = (pick: (t: BookTable) => readonly Float64Array[]) => Array.from({ length: depth }, (_, l) => concatColumns(tables.map((t) => pick(t)[l])));
  const withLocal = tables.every((t) => t.localTsMs !== undefined);
  const masked = mergeMasks(...tables.map((t) => t.masked));
  return {
    kind: 'book',
    depth,
    tsMs: concatColumns(tables.map((t) => t.tsMs)),
    ...(withLocal ? { localTsMs: concatColumns(tables.map((t) => t.localTsMs!)) } : {}),
    bidPx: levels((t) => t.bidPx),
    bidSz: levels((t) => t.bidSz),
    askPx: levels((t) => t.askPx),
    askSz: levels((t) => t.askSz),
    meta: { ...tables[0].meta, source: `${tables.length} tables joined, the first from ${tables[0].meta.source ?? 'an unnamed source'}` },
    ...(masked.length > 0 ? { masked } : {}),
  };
}

/**
 * One trade table from consecutive ones; masked intervals merged, the first table's metadata kept.
 * @throws DataError when a table starts before the previous one ends.
 */
export function concatTradeTables(tables: readonly TradeTable[]): TradeTable {
  if (tables.length === 0) throw new DataError('(no trade table)', 0, '', 'nothing to join');
  if (tables.length === 1) return tables[0];
  checkOrder(tables, 'trade table');
  const side = new Int8Array(tables.reduce((n, t) => n + t.side.length, 0));
  let at = 0;
  for (const t of tables) {
    side.set(t.side, at);
    at += t.side.length;
  }
  const withLocal = tables.every((t) => t.localTsMs !== undefined);
  const masked = mergeMasks(...tables.map((t) => t.masked));
  return {
    kind: 'trades',
    tsMs: concatColumns(tables.map((t) => t.tsMs)),
    ...(withLocal ? { localTsMs: concatColumns(tables.map((t) => t.localTsMs!)) } : {}),
    id: concatColumns(tables.map((t) => t.id)),
    side,
    px: concatColumns(tables.map((t) => t.px)),
    sz: concatColumns(tables.map((t) => t.sz)),
    meta: { ...tables[0].meta, source: `${tables.length} tables joined, the first from ${tables[0].meta.source ?? 'an unnamed source'}` },
    ...(masked.length > 0 ? { masked } : {}),
  };
}
