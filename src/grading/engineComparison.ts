/**
 * Two replays of the same quotes compared order by order: which orders each rested (matched by side, price in
 * ticks and the time they began resting) and when each filled them first. What notebook 08 uses to say where
 * the top-5 replay and the full-depth replay part on a capture, fill by fill.
 */

/** The orders of one replay, columns of equal length: side (+1 bid), price in ticks, rest start, first fill (NaN: none). */
export interface OrderFillView {
  readonly side: ArrayLike<number>;
  readonly pxTicks: ArrayLike<number>;
  readonly activeMs: ArrayLike<number>;
  readonly firstFillMs: ArrayLike<number>;
}

/** One order both replays rested whose first fills differ (NaN: not filled in that replay). */
export interface OrderFillDifference {
  readonly side: number;
  readonly pxTicks: number;
  readonly activeMs: number;
  readonly aFillMs: number;
  readonly bFillMs: number;
}

export interface OrderFillComparison {
  /** Orders in both replays, and in one only. */
  readonly matched: number;
  readonly onlyInA: number;
  readonly onlyInB: number;
  /** Of the matched: same first fill (or neither filled), both filled at different times, one filled only. */
  readonly same: number;
  readonly filledAtDifferentTimes: number;
  readonly filledInAOnly: number;
  readonly filledInBOnly: number;
  /** The first `keep` matched orders that differ, by rest start. */
  readonly firstDifferences: readonly OrderFillDifference[];
}

const key = (side: number, pxTicks: number, activeMs: number) => `${side}|${pxTicks}|${activeMs}`;

/**
 * Compares two replays' orders (see OrderFillView). Orders match when side, price in ticks and rest start are
 * equal; a key that repeats within one replay (two orders resting from the same instant at one price) is matched
 * in order of appearance.
 * @example
 * compareOrderFills({ side: [1], pxTicks: [100], activeMs: [5], firstFillMs: [9] }, { side: [1], pxTicks: [100], activeMs: [5], firstFillMs: [NaN] })
 * // { matched: 1, …, filledInAOnly: 1, firstDifferences: [{ side: 1, pxTicks: 100, activeMs: 5, aFillMs: 9, bFillMs: NaN }] }
 */
export function compareOrderFills(a: OrderFillView, b: OrderFillView, keep = 10): OrderFillComparison {
  const inB = new Map<string, number[]>();
  for (let k = 0; k < b.side.length; k++) {
    const id = key(b.side[k], b.pxTicks[k], b.activeMs[k]);
    const list = inB.get(id);
    if (list) list.push(k);
    else inB.set(id, [k]);
  }
  let matched = 0;
  let same = 0;
  let different = 0;
  let aOnly = 0;
  let bOnly = 0;
  const differences: OrderFillDifference[] = [];
  for (let k = 0; k < a.side.length; k++) {
    const list = inB.get(key(a.side[k], a.pxTicks[k], a.activeMs[k]));
    const m = list?.shift();
    if (m === undefined) continue;
    matched++;
    const fa = a.firstFillMs[k];
    const fb = b.firstFillMs[m];
    const fa0 = fa !== fa;
    const fb0 = fb !== fb;
    if (fa === fb || (fa0 && fb0)) {
      same++;
      continue;
    }
    if (fa0) bOnly++;
    else if (fb0) aOnly++;
    else different++;
    differences.push({ side: a.side[k], pxTicks: a.pxTicks[k], activeMs: a.activeMs[k], aFillMs: fa, bFillMs: fb });
  }
  differences.sort((x, y) => x.activeMs - y.activeMs);
  return { matched, onlyInA: a.side.length - matched, onlyInB: b.side.length - matched, same, filledAtDifferentTimes: different, filledInAOnly: aOnly, filledInBOnly: bOnly, firstDifferences: differences.slice(0, keep) };
}
