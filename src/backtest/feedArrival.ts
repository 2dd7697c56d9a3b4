import type { BookTable } from '../data/tables.js';
import { latencySampler, type FeedLatencySpec } from './latency.js';

/**
 * `feedArrivalTimes` for a book that comes in chunks: each call gives the arrival times of the next chunk's
 * rows, ms (exchange clock), continuing the previous chunk's state — the sampler's draws (one per row, in row
 * order, from the same seeded `'feed'` stream) and the in-order floor (a row never arrives before the one
 * before it, across chunks too). So the chunks' arrivals, concatenated, equal `feedArrivalTimes` of the
 * concatenated book, bit for bit.
 * @example
 * const next = feedArrivalStream(25);
 * next(bookOfDay1); next(bookOfDay2); // tsMs + 25 each
 */
export function feedArrivalStream(spec: FeedLatencySpec): (book: BookTable) => Float64Array {
  const state = { last: -Infinity };
  if (spec === 'recorded') {
    return (book) => {
      const n = book.tsMs.length;
      const out = new Float64Array(n);
      const local = book.localTsMs;
      if (!local && n > 0) throw new Error('feed latency "recorded" needs the book\'s local receive times (local_ts_ms), which this table does not have');
      let last = state.last;
      for (let i = 0; i < n; i++) {
        const t = Number.isFinite(local![i]) ? Math.max(local![i], book.tsMs[i]) : book.tsMs[i];
        last = Math.max(last, t);
        out[i] = last;
      }
      state.last = last;
      return out;
    };
  }
  if (typeof spec === 'number') {
    return (book) => {
      const n = book.tsMs.length;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = book.tsMs[i] + spec;
      return out;
    };
  }
  const next = latencySampler(spec, 'feed');
  return (book) => {
    const n = book.tsMs.length;
    const out = new Float64Array(n);
    let last = state.last;
    for (let i = 0; i < n; i++) {
      last = Math.max(last, book.tsMs[i] + next(book.tsMs[i]));
      out[i] = last;
    }
    state.last = last;
    return out;
  };
}
