import type { TradeTable } from './tables.js';

/** What `dropDuplicateTrades` found: the trades without the repeated rows, and how many it took out or saw conflict. */
export interface DuplicateTrades {
  readonly trades: TradeTable;
  /** Rows equal in every field (id, time, side, price, size) to an earlier row: taken out. */
  readonly dropped: number;
  /** Rows whose id an earlier row has with another time, side, price or size: kept (which is right is not known). */
  readonly conflicting: number;
  /** The first repeated row (index into the input, from 0), −1 when none. */
  readonly firstRow: number;
}

/**
 * Trades recorded twice (a recorder that wrote a trade again after a reconnect, two overlapping files joined):
 * a row equal in id, time, side, price and size to an earlier one is the same trade, taken out, so that a
 * fill model does not fill on its volume twice. An exchange's trade id names one trade per instrument; when
 * the ids carry none (all equal, or not finite) nothing is taken out. Masks and metadata are kept.
 * @example // ids 1, 2, 2, 3 with rows 2 and 3 equal: dropDuplicateTrades(t).dropped === 1, its trades have ids 1, 2, 3
 */
export function dropDuplicateTrades(t: TradeTable): DuplicateTrades {
  const n = t.tsMs.length;
  const none = { trades: t, dropped: 0, conflicting: 0, firstRow: -1 };
  if (n < 2) return none;
  let informative = false;
  for (let i = 1; i < n && !informative; i++) if (t.id[i] !== t.id[0]) informative = true;
  if (!informative) return none;
  const seen = new Map<number, number>(); // id → its first row
  const keep = new Uint8Array(n).fill(1);
  let dropped = 0;
  let conflicting = 0;
  let firstRow = -1;
  for (let i = 0; i < n; i++) {
    const id = t.id[i];
    if (!Number.isFinite(id)) continue;
    const j = seen.get(id);
    if (j === undefined) {
      seen.set(id, i);
      continue;
    }
    if (firstRow < 0) firstRow = i;
    if (t.tsMs[j] === t.tsMs[i] && t.side[j] === t.side[i] && t.px[j] === t.px[i] && t.sz[j] === t.sz[i]) {
      keep[i] = 0;
      dropped++;
    } else conflicting++;
  }
  if (dropped === 0) return { ...none, conflicting, firstRow };
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) rows.push(i);
  const pick = (c: Float64Array) => Float64Array.from(rows, (r) => c[r]);
  const trades: TradeTable = {
    ...t,
    tsMs: pick(t.tsMs),
    id: pick(t.id),
    side: Int8Array.from(rows, (r) => t.side[r]),
    px: pick(t.px),
    sz: pick(t.sz),
    ...(t.localTsMs ? { localTsMs: pick(t.localTsMs) } : {}),
  };
  return { trades, dropped, conflicting, firstRow };
}
