/**
 * Masked intervals: stretches of exchange time in which a table is not known to be right — a sequence gap, a
 * checksum mismatch, a lost connection, a recorder's gap record, a missing resync. A book is **invalid** from
 * the moment its loader detects the problem until it is rebuilt (the next snapshot, or the recorder's
 * resubscribe); trades are incomplete while their stream was down.
 *
 * What follows from a mask, everywhere in asmm:
 * - the backtest neither quotes nor fills inside a masked interval (its orders are pulled when one starts, and
 *   it quotes again only on a book row stamped at or after the interval's end);
 * - estimators skip masked time (returns that span it, trades inside it, and its duration in rates);
 * - every result (CLI text, `--json`, notebooks) lists the masked intervals and their total duration.
 *
 * Intervals are half-open, `[fromMs, toMs)`, in exchange time (ms since the Unix epoch), like `tsMs`.
 * On disk: Arrow files keep them in the schema metadata (`asmm.masked`, JSON), CSV files in a sidecar
 * `<name>.masked.csv` (`from_ts_ms,to_ts_ms,reason`) that the readers pick up.
 */
export interface MaskedInterval {
  readonly fromMs: number;
  readonly toMs: number;
  /** Why, in a few words: "sequence gap (U 1201 after u 1190)", "connection dropped", … */
  readonly reason: string;
}

/** The masked intervals of a result, and their total duration. */
export interface MaskSummary {
  readonly intervals: readonly MaskedInterval[];
  readonly count: number;
  /** Sum of the merged intervals' durations, ms (overlaps counted once). */
  readonly totalMs: number;
}

/**
 * The union of mask lists: sorted by start, overlapping or touching intervals merged (their distinct reasons
 * joined by "; "), empty and inverted intervals dropped.
 * @example mergeMasks([{ fromMs: 0, toMs: 10, reason: 'a' }], [{ fromMs: 5, toMs: 20, reason: 'b' }])
 *   // [{ fromMs: 0, toMs: 20, reason: 'a; b' }]
 */
export function mergeMasks(...lists: ReadonlyArray<readonly MaskedInterval[] | undefined>): MaskedInterval[] {
  const all: MaskedInterval[] = [];
  for (const list of lists) if (list) for (const m of list) if (m.toMs > m.fromMs) all.push(m);
  all.sort((a, b) => a.fromMs - b.fromMs || a.toMs - b.toMs);
  const out: Array<{ fromMs: number; toMs: number; reasons: string[] }> = [];
  for (const m of all) {
    const last = out[out.length - 1];
    if (last && m.fromMs <= last.toMs) {
      last.toMs = Math.max(last.toMs, m.toMs);
      if (!last.reasons.includes(m.reason)) last.reasons.push(m.reason);
    } else out.push({ fromMs: m.fromMs, toMs: m.toMs, reasons: [m.reason] });
  }
  return out.map((m) => ({ fromMs: m.fromMs, toMs: m.toMs, reason: m.reasons.join('; ') }));
}

/**
 * The parts of `intervals` outside every interval of `masks` (their reasons kept): what a new finding adds to
 * the masks a table already has.
 * @example subtractMasks([{ fromMs: 0, toMs: 10, reason: 'a' }], [{ fromMs: 3, toMs: 5, reason: 'b' }])
 *   // [{ fromMs: 0, toMs: 3, reason: 'a' }, { fromMs: 5, toMs: 10, reason: 'a' }]
 */
export function subtractMasks(intervals: readonly MaskedInterval[], masks: readonly MaskedInterval[] | undefined): MaskedInterval[] {
  if (!masks || masks.length === 0) return [...intervals];
  const merged = mergeMasks(masks);
  const out: MaskedInterval[] = [];
  for (const m of intervals) {
    let from = m.fromMs;
    for (const cut of merged) {
      if (cut.toMs <= from) continue;
      if (cut.fromMs >= m.toMs) break;
      if (cut.fromMs > from) out.push({ fromMs: from, toMs: cut.fromMs, reason: m.reason });
      from = Math.max(from, cut.toMs);
      if (from >= m.toMs) break;
    }
    if (from < m.toMs) out.push(from === m.fromMs ? m : { fromMs: from, toMs: m.toMs, reason: m.reason });
  }
  return out;
}

/** The intervals cut to [fromMs, toMs) (those outside dropped): a window's own masks. */
export function clipMasks(masks: readonly MaskedInterval[] | undefined, fromMs: number, toMs: number): MaskedInterval[] | undefined {
  if (masks === undefined) return undefined;
  const out: MaskedInterval[] = [];
  for (const m of masks) {
    const a = Math.max(m.fromMs, fromMs);
    const b = Math.min(m.toMs, toMs);
    if (b > a) out.push(a === m.fromMs && b === m.toMs ? m : { fromMs: a, toMs: b, reason: m.reason });
  }
  return out;
}

/** Total masked duration, ms, overlaps counted once. */
export function maskedDurationMs(masks: readonly MaskedInterval[] | undefined): number {
  let total = 0;
  for (const m of mergeMasks(masks)) total += m.toMs - m.fromMs;
  return total;
}

/** The merged intervals and their total duration. */
export function maskSummary(...lists: ReadonlyArray<readonly MaskedInterval[] | undefined>): MaskSummary {
  const intervals = mergeMasks(...lists);
  let totalMs = 0;
  for (const m of intervals) totalMs += m.toMs - m.fromMs;
  return { intervals, count: intervals.length, totalMs };
}

/** Masked duration inside [fromMs, toMs), ms, of merged (sorted, disjoint) intervals. */
export function maskedWithinMs(merged: readonly MaskedInterval[], fromMs: number, toMs: number): number {
  let total = 0;
  for (const m of merged) {
    if (m.fromMs >= toMs) break;
    const a = Math.max(m.fromMs, fromMs);
    const b = Math.min(m.toMs, toMs);
    if (b > a) total += b - a;
  }
  return total;
}

/**
 * Flags, for each time of a non-decreasing series, whether it lies inside one of the merged intervals (1) or
 * not (0): one pass over both.
 */
export function maskedFlags(tsMs: ArrayLike<number>, merged: readonly MaskedInterval[]): Uint8Array {
  const flags = new Uint8Array(tsMs.length);
  let k = 0;
  for (let i = 0; i < tsMs.length; i++) {
    const t = tsMs[i];
    while (k < merged.length && merged[k].toMs <= t) k++;
    if (k < merged.length && merged[k].fromMs <= t) flags[i] = 1;
  }
  return flags;
}

/** Whether any masked interval overlaps [fromMs, toMs] (closed: a return from a to b spans a mask touching either end). */
export function spansMask(merged: readonly MaskedInterval[], fromMs: number, toMs: number): boolean {
  for (const m of merged) {
    if (m.fromMs > toMs) return false;
    if (m.toMs > fromMs) return true;
  }
  return false;
}

/** A duration in words: "850 ms", "12.3 s", "4.2 min", "1.50 h". */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(2)} h`;
}

/**
 * Lines for a report: a headline with the count and total, then up to `max` intervals in ISO time.
 * Empty when nothing is masked.
 */
export function describeMasks(summary: MaskSummary, max = 20): string[] {
  if (summary.count === 0) return [];
  const lines = [`masked: ${summary.count} interval(s), ${formatDurationMs(summary.totalMs)} in total (no quote, no fill, no estimate inside)`];
  for (const m of summary.intervals.slice(0, max)) {
    lines.push(`  masked ${isoMs(m.fromMs)} .. ${isoMs(m.toMs)} (${formatDurationMs(m.toMs - m.fromMs)}): ${m.reason}`);
  }
  if (summary.count > max) lines.push(`  … ${summary.count - max} more masked intervals`);
  return lines;
}

/** An epoch-ms time as ISO 8601 UTC, or the number as it is when it is no date (NaN, ±Infinity, out of range). */
export function isoMs(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** The JSON form of a summary (for `--json` outputs). */
export function masksJson(summary: MaskSummary): { count: number; totalMs: number; intervals: Array<{ fromMs: number; toMs: number; reason: string }> } {
  return { count: summary.count, totalMs: summary.totalMs, intervals: summary.intervals.map((m) => ({ fromMs: m.fromMs, toMs: m.toMs, reason: m.reason })) };
}
