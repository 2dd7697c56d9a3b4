import { describeMasks, formatDurationMs, maskSummary, masksJson, type MaskSummary } from '../data/masks.js';
import type { BookTable, TradeTable } from '../data/tables.js';
import type { OrderPairing } from './marketOrders.js';
import type { VolatilityEstimate } from './volatility.js';

/**
 * What an estimate was made on and what it left out, for every result that shows estimates (`asmm estimate`
 * text and `--json`, notebooks): the masked intervals of the book and trades and their total duration, the
 * grid increments σ dropped across them, and the trades the pairing with the book dropped (outside its time
 * range, inside a mask, stale) with the time the rates are taken over.
 */
export interface ObservationReport {
  readonly masked: MaskSummary;
  /** Grid increments σ left out because they overlap a masked interval (or a stale stretch, when `bookStale` is given). */
  readonly sigmaIncrementsDropped: number;
  /** Stretches where the book was stale (no row for more than `maxStalenessMs`), which σ took no increment across. */
  readonly bookStale?: BookStale;
  readonly pairing?: OrderPairing;
}

/** Where the book was stale (see staleStretches): how many stretches, their total time (ms), and the limit (ms). */
export interface BookStale {
  readonly stretches: number;
  readonly ms: number;
  readonly maxStalenessMs: number;
  /** Book rows without a price (a side empty: no mid), which σ carried the last price through. */
  readonly rowsWithoutPrice: number;
}

/** The report for a book, its trades (if any), a σ estimate and the orders' pairing (if A and k were estimated). */
export function observationReport(book: BookTable, trades: TradeTable | undefined, sigma: VolatilityEstimate, pairing: OrderPairing | undefined, bookStale?: BookStale): ObservationReport {
  return { masked: maskSummary(book.masked, trades?.masked), sigmaIncrementsDropped: sigma.droppedIncrements, ...(bookStale ? { bookStale } : {}), ...(pairing ? { pairing } : {}) };
}

/** The WARNING line for stale stretches that σ left out, or undefined when there are none. */
export function bookStaleWarning(stale: BookStale | undefined): string | undefined {
  if (!stale || stale.stretches === 0) return undefined;
  const what = stale.rowsWithoutPrice > 0 ? 'no row with a price' : 'no row';
  return `WARNING     the book is stale (${what} for more than ${formatDurationMs(stale.maxStalenessMs)}) in ${stale.stretches} stretch${stale.stretches === 1 ? '' : 'es'}, ${formatDurationMs(stale.ms)} in all: σ takes no increment across them (raise --max-staleness for a feed that sends only changes)`;
}

/** The line for book rows without a price (one side empty), which σ carried the last price through; undefined when none. */
export function rowsWithoutPriceLine(stale: BookStale | undefined): string | undefined {
  if (!stale || stale.rowsWithoutPrice === 0) return undefined;
  return `σ           ${stale.rowsWithoutPrice} book row${stale.rowsWithoutPrice === 1 ? '' : 's'} without a price (a side of the book empty): the last price carried through ${stale.rowsWithoutPrice === 1 ? 'it' : 'them'}, and any stretch of them over ${formatDurationMs(stale.maxStalenessMs)} counted as stale`;
}

/** Lines for a text report: the masked intervals (none when nothing is masked), then what σ and the pairing dropped. */
export function observationLines(report: ObservationReport, inferred = false): string[] {
  const lines = describeMasks(report.masked);
  const stale = report.bookStale;
  const staleLine = bookStaleWarning(stale);
  if (staleLine) lines.push(staleLine);
  const noPrice = rowsWithoutPriceLine(stale);
  if (noPrice) lines.push(noPrice);
  if (report.sigmaIncrementsDropped > 0) lines.push(`σ           ${report.sigmaIncrementsDropped} grid increments overlapping masked intervals${stale && stale.stretches > 0 ? ' or stale stretches' : ''} left out`);
  const p = report.pairing;
  if (p) {
    const dropped: string[] = [];
    if (inferred) {
      if (p.droppedInMask) dropped.push(`${p.droppedInMask} book row pairs overlapping masked intervals skipped`);
    } else {
      if (p.tradesWithoutBook) dropped.push(`${p.tradesWithoutBook} before the first book row`);
      if (p.tradesAfterBook) dropped.push(`${p.tradesAfterBook} after the last book row`);
      if (p.droppedInMask) dropped.push(`${p.droppedInMask} inside masked intervals`);
      if (p.tradesStale) dropped.push(`${p.tradesStale} more than ${formatDurationMs(p.maxStalenessMs)} after the book row in force (stale)`);
    }
    const unobserved = [
      p.maskedMs ? `${formatDurationMs(p.maskedMs)} masked` : '',
      p.staleMs ? `${formatDurationMs(p.staleMs)} with a stale book` : '',
      p.tradelessMs ? `${formatDurationMs(p.tradelessMs)} at its ends without a trade` : '',
    ].filter(Boolean).join(', ');
    lines.push(
      `pairing     ${inferred ? 'orders inferred from the book' : `trades paired with the book row in force (stale after ${formatDurationMs(p.maxStalenessMs)})`}: ` +
        `${dropped.length ? `dropped ${dropped.join(', ')}` : 'nothing dropped'}${p.tradesMerged ? `; ${p.tradesMerged} trades merged into orders (same ms and side)` : ''}; ` +
        `rates over ${secondsText(p.observedMs)} observed of ${secondsText(p.spanMs)}${unobserved ? ` (${unobserved} left out)` : ''}` +
        (p.tradelessMs ? `; WARNING no trade for improbably long at the ends (P < 1e-6 at the rate elsewhere): the trade record is taken to be shorter than the book` : ''),
    );
  }
  return lines;
}

/** The JSON form (for `--json`). */
export function observationJson(report: ObservationReport) {
  const p = report.pairing;
  return {
    masked: masksJson(report.masked),
    sigmaIncrementsDropped: report.sigmaIncrementsDropped,
    bookStale: report.bookStale ?? null,
    pairing: p
      ? {
          tradesWithoutBook: p.tradesWithoutBook,
          tradesAfterBook: p.tradesAfterBook,
          tradesStale: p.tradesStale,
          maxStalenessMs: Number.isFinite(p.maxStalenessMs) ? p.maxStalenessMs : null,
          droppedInMask: p.droppedInMask,
          tradesMerged: p.tradesMerged,
          spanMs: p.spanMs,
          maskedMs: p.maskedMs,
          staleMs: p.staleMs,
          tradelessMs: p.tradelessMs,
          observedMs: p.observedMs,
        }
      : null,
  };
}

/**
 * A duration in seconds with the digits the rates beside it need: three significant digits below 100 s, one
 * decimal above (0.05 s printed as "0.1 s" made 1 order in it read as 20 /s against "0.1 s").
 * @example secondsText(50) // '0.05 s'
 */
export function secondsText(ms: number): string {
  const s = ms / 1000;
  return `${Math.abs(s) < 100 ? Number(s.toPrecision(3)) : s.toFixed(1)} s`;
}
