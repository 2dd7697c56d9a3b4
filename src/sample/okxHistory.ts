import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeTarGz, writeZip, type WrittenArchive } from '../data/archive.js';
import {
  addDays,
  dayWindowMs,
  okxBooksFileName,
  okxBooksMemberName,
  okxTradesFileName,
  okxTradesMemberName,
  OKX_OBSERVED_DAY_BOUNDARY,
  OKX_SNAPSHOT_INTERVAL_MS,
  OKX_TRADE_HEADER_BILINGUAL,
  OKX_TRADE_HEADER_CURRENT,
  OKX_TRADE_SOURCE_COLUMN,
  type OkxBookLevels,
  type OkxBooksArchive,
  type OkxDayBoundary,
  type OkxHistoryKind,
  type OkxTradeHeader,
} from '../formats/okxHistoryLayout.js';
import { createRng, deriveSeed, normalSampler } from '../random/index.js';
import { decimalGrid, gridValue, inSteps } from './decimalGrid.js';
import { sampleParams, type SampleMarketParams } from './params.js';
import { SampleMarketStream, type SampleMarket } from './sampleMarket.js';

/**
 * Writes OKX daily history files — books (`{INST}-L2orderbook-400lv-{date}.tar.gz`, or the older zip) and
 * trades (`{INST}-trades-{date}.zip`, current or bilingual header) — in exactly the layouts of
 * `formats/okxHistoryLayout.ts`, from the project's sample market (`sampleMarket.ts`), streaming (one hour
 * of the model in memory at a time; archives written through `data/archive.ts`).
 *
 * The market: hour chunks of the sample market, chunk k = `generateSampleMarket(okxHistoryChunkParams(options, k))`
 * — the sample's parameters (`market`) with startMs = origin + k h, durationSec 3600, seed
 * deriveSeed(seed, `okx-history-chunk-k`) and mid0 = the previous chunk's last true mid (the first: market.mid0).
 * So the mid is continuous across hours (the AR(1) book sizes restart from their stationary law each hour).
 * Everything is a deterministic function of (seed, market, originMs): the books and the trades of a day,
 * written by separate calls with the same options, come from the same market, whatever their day boundary.
 * `originMs` defaults to 16:00 UTC before the first date (the start of its UTC+8 day), so any day of a
 * `days`-long run is generated the same way by a call for that run; a different origin gives a different path.
 *
 * Books: the sample's `depth` levels per side are the top of the book (so the top levels of every line equal
 * the sample market's snapshot at that time); below them the book is filled to `bookLevels` levels per side,
 * one tick apart (contiguous), with synthetic sizes: lognormal around touchSizeMean·(1 + levelSizeGrowth·min(pos, 20)),
 * rounded to the lot, each deep level redrawn once every `deepRefreshSec` seconds (round robin) and drawn
 * afresh when a level enters the deep zone. Order counts are 1 + floor(size / tradeSizeMean). One update line per
 * model step holds every level that changed (absolute sizes; "0" deletes), bids best first then asks best
 * first; the first line is a snapshot, and every `snapshotEveryMs` a snapshot line with the whole book follows
 * the step's update line, with the same ts (so it equals the book built up to it).
 *
 * Trades: the sample's trades (taker side, lot-rounded size, ms times), ids from `tradeIdBase` upward in time
 * order counted from the origin, `source` "0" when the source column is written.
 */
export interface OkxHistoryDayOptions {
  /** Directory to write into (created). */
  readonly dir: string;
  readonly kind: OkxHistoryKind;
  /** First date, YYYY-MM-DD. */
  readonly date: string;
  /** Consecutive days from `date` (default 1). */
  readonly days?: number;
  /** Instrument id in names and lines (default the market's, `ETH-USDT`). */
  readonly inst?: string;
  readonly seed?: number;
  /** Overrides of the sample market's parameters (snapshotIntervalMs is the model step; depth the sampled top levels). */
  readonly market?: Partial<SampleMarketParams>;
  /** Start of the market path, ms (default the first date's UTC+8 day start, 16:00 UTC the day before). */
  readonly originMs?: number;
  /** Seconds of each day written (default 86,400; fewer for tests). */
  readonly durationSec?: number;
  /** Where in the day the written span starts, seconds after the day's start (default 0). */
  readonly startOffsetSec?: number;
  /** Product in the file name (400 or 5000; default 400). */
  readonly levels?: OkxBookLevels;
  /** Levels per side actually held in the book (default `levels`). */
  readonly bookLevels?: number;
  /** Snapshot line interval (default 15 min). */
  readonly snapshotEveryMs?: number;
  /** Seconds over which every deep level is redrawn once (default 300). */
  readonly deepRefreshSec?: number;
  /** Books archive (default tar.gz). */
  readonly archive?: OkxBooksArchive;
  /** Trades header (default current) and whether the current header has the `source` column (default true). */
  readonly tradeHeader?: OkxTradeHeader;
  readonly tradeSource?: boolean;
  /** First trade id (default 1,000,000). */
  readonly tradeIdBase?: number;
  /** Day boundary of the files (default as observed: books UTC, trades UTC+8). */
  readonly dayBoundary?: OkxDayBoundary;
  /**
   * zlib level of the archives (default 1: a generated day took about twice as long at zlib's usual 6, for
   * files a quarter smaller, and nothing reads them for their size).
   */
  readonly compressionLevel?: number;
  /** Injected faults, for tests. */
  readonly faults?: OkxHistoryFaults;
}

export interface OkxHistoryFaults {
  /** Periodic snapshots (1 = the first after the file's opening snapshot) whose best bid size is off by one lot. */
  readonly snapshotMismatch?: readonly number[];
  /** Lines (1-based, numbered as generated) left out: a gap, invisible until the next snapshot (if a later line does not overwrite it). */
  readonly dropLines?: readonly number[];
  /**
   * 1-based member line whose first price/size is made malformed: books — the first level's size becomes "abc"
   * (asks if the line has asks, else bids); trades — the price becomes "abc". Line 1 of a trades CSV is the header.
   */
  readonly malformedLine?: number;
}

/** One written day file. */
export interface OkxHistoryDayFile extends WrittenArchive {
  readonly kind: OkxHistoryKind;
  readonly date: string;
  /** Member lines (trades: with the header). */
  readonly lines: number;
  readonly firstTsMs: number;
  readonly lastTsMs: number;
  /** Books: snapshot lines. Trades: 0. */
  readonly snapshots: number;
  /** Trades: rows, buys and sells. Books: 0. */
  readonly trades: number;
  readonly buys: number;
  readonly sells: number;
}

/** Presets: `small` for tests (10 minutes, 40 levels, a snapshot every 2 minutes), `realistic` for the bench (about 3.7 M lines / 800 MB a day). */
export const OKX_HISTORY_PRESETS = {
  small: { durationSec: 600, bookLevels: 40, snapshotEveryMs: 120_000, deepRefreshSec: 60 },
  realistic: {
    durationSec: 86_400,
    bookLevels: 400,
    snapshotEveryMs: OKX_SNAPSHOT_INTERVAL_MS,
    deepRefreshSec: 300,
    market: { tickSize: 0.1, snapshotIntervalMs: 23, depth: 2, sigmaPerSqrtSec: 0.3, mid0: 90_000, lotSize: 0.00001, touchSizeMean: 0.5, tradeSizeMean: 0.05, instrument: 'BTC-USDT' },
  },
} as const satisfies Record<string, Partial<OkxHistoryDayOptions>>;

const HOUR_MS = 3_600_000;

function originOf(options: Pick<OkxHistoryDayOptions, 'originMs' | 'date'>): number {
  return options.originMs ?? dayWindowMs(options.date, 'utc+8')[0];
}

/**
 * The sample-market parameters of hour chunk `k` except mid0 (which is the previous chunk's last true mid;
 * `market.mid0` for k = 0): what the generator feeds the sample market (`SampleMarketStream`, the same market
 * as `generateSampleMarket`), for tests that rebuild it.
 */
export function okxHistoryChunkParams(options: Pick<OkxHistoryDayOptions, 'seed' | 'market' | 'originMs' | 'date'>, k: number, mid0?: number): SampleMarketParams {
  const base = sampleParams(options.market ?? {});
  return sampleParams({ ...base, seed: deriveSeed(options.seed ?? 1, `okx-history-chunk-${k}`), startMs: originOf(options) + k * HOUR_MS, durationSec: 3600, mid0: mid0 ?? base.mid0 });
}

/** The span `[startMs, endMs)` a day file holds: its day window under its boundary, cut to startOffsetSec + durationSec. */
function writtenSpan(options: OkxHistoryDayOptions, date: string, observed: OkxDayBoundary): [number, number] {
  const [dayStart, dayEnd] = dayWindowMs(date, options.dayBoundary ?? observed);
  const start = dayStart + (options.startOffsetSec ?? 0) * 1000;
  if (!(start >= originOf(options))) throw new RangeError(`okx history generator: the written span starts at ${new Date(start).toISOString()}, before the market's origin ${new Date(originOf(options)).toISOString()}`);
  return [start, Math.min(dayEnd, start + (options.durationSec ?? 86_400) * 1000)];
}

/**
 * The last true mid of each hour chunk already generated, by market (seed, parameters, origin) and chunk: a
 * later day starts from the latest known chunk before it instead of regenerating the path from the origin, so
 * writing 30 consecutive days costs 30 days, not 465. Bounded (cleared past 100,000 entries).
 */
const chunkEnd = new Map<string, { mid: number; trades: number }>();
/** Forgets the chunk ends remembered (for tests that compare a cold start with a warm one). */
export function clearOkxHistoryCache(): void {
  chunkEnd.clear();
}
const marketKey = (options: OkxHistoryDayOptions) => JSON.stringify([options.seed ?? 1, sampleParams(options.market ?? {}), originOf(options)]);

/**
 * The market, hour by hour, from the chunk holding `fromMs` to the one holding `toMs` (exclusive), each chunk
 * from the sample market (see the module comment) and only its rows before `toMs` (with the trades of their
 * intervals, the last of which reaches `toMs` or past it). The hours
 * before `fromMs` and the rest of the last chunk are run without their rows (`SampleMarketStream.skipToEnd`:
 * the last mid and the trade count, exactly): a day after the first costs its own hours, not the path from
 * the origin.
 */
function* marketChunks(options: OkxHistoryDayOptions, fromMs: number, toMs: number): Generator<{ chunk: SampleMarket; tradesBefore: number }> {
  const key = marketKey(options);
  const origin = originOf(options);
  const target = Math.max(0, Math.floor((fromMs - origin) / HOUR_MS));
  let k = 0;
  let mid: number | undefined;
  let trades = 0;
  for (let j = target - 1; j >= 0; j--) {
    const known = chunkEnd.get(`${key}#${j}`);
    if (known !== undefined) {
      k = j + 1;
      mid = known.mid;
      trades = known.trades;
      break;
    }
  }
  for (; ; k++) {
    const chunkStartMs = origin + k * HOUR_MS;
    if (k >= target && chunkStartMs >= toMs) return;
    const stream = new SampleMarketStream(okxHistoryChunkParams(options, k, mid));
    const intervalMs = stream.params.snapshotIntervalMs;
    const chunk = k < target ? undefined : stream.next(Math.max(0, Math.ceil((toMs - chunkStartMs) / intervalMs)));
    const tradesBefore = trades;
    const ended = stream.skipToEnd();
    mid = ended.lastTrueMid;
    trades += ended.trades;
    if (chunkEnd.size > 100_000) chunkEnd.clear();
    chunkEnd.set(`${key}#${k}`, { mid, trades });
    if (chunk !== undefined) yield { chunk, tradesBefore };
  }
}

/** Groups small strings into ~1 MiB strings for the archive writers. */
function* batched(lines: Iterable<string>): Generator<string> {
  let parts: string[] = [];
  let length = 0;
  for (const line of lines) {
    parts.push(line);
    length += line.length;
    if (length >= 1 << 20) {
      yield parts.join('');
      parts = [];
      length = 0;
    }
  }
  if (parts.length) yield parts.join('');
}

/** Counters filled as the lines are generated (read after the writer has consumed them). */
interface LineStats {
  lines: number;
  firstTsMs: number;
  lastTsMs: number;
  snapshots: number;
  trades: number;
  buys: number;
  sells: number;
}
const newStats = (): LineStats => ({ lines: 0, firstTsMs: NaN, lastTsMs: NaN, snapshots: 0, trades: 0, buys: 0, sells: 0 });

/** One side of the generated full-depth book: contiguous ticks from the touch, sizes in lot units. */
class GeneratedSide {
  /** tick → size in lots, for every level held. */
  readonly levels = new Map<number, number>();
  best = NaN;
  cursor = 0;
  constructor(readonly dir: 1 | -1) {}
  tickAt(pos: number, best = this.best): number {
    return best + this.dir * pos;
  }
  posOf(tick: number, best = this.best): number {
    return this.dir * (tick - best);
  }
}

/** The NDJSON lines of one books day file. */
function* bookLines(options: OkxHistoryDayOptions, date: string, stats: LineStats): Generator<string> {
  const p = sampleParams(options.market ?? {});
  const inst = options.inst ?? p.instrument;
  const tick = decimalGrid(p.tickSize);
  const lot = decimalGrid(p.lotSize);
  const [dayStart, end] = writtenSpan(options, date, OKX_OBSERVED_DAY_BOUNDARY.books);
  const L = options.bookLevels ?? options.levels ?? 400;
  const D = Math.min(p.depth, L);
  const snapEvery = options.snapshotEveryMs ?? OKX_SNAPSHOT_INTERVAL_MS;
  const stepsPerRefresh = ((options.deepRefreshSec ?? 300) * 1000) / p.snapshotIntervalMs;
  const refreshPerStep = L > D ? (L - D) / stepsPerRefresh : 0;
  const deepRng = createRng(deriveSeed(options.seed ?? 1, `okx-history-deep-${date}`));
  const deepNormal = normalSampler(deepRng);
  const mismatch = new Set(options.faults?.snapshotMismatch ?? []);
  const drop = new Set(options.faults?.dropLines ?? []);
  const malformed = options.faults?.malformedLine;
  const prefix = `{"instId":${JSON.stringify(inst)},"action":"`;
  const lotUnits = (size: number) => Math.max(1, Math.round(inSteps(lot, size)));
  const deepSize = (pos: number) => lotUnits(p.touchSizeMean * (1 + p.levelSizeGrowth * Math.min(pos, 20)) * Math.exp(p.sizeLogStd * deepNormal() - 0.5 * p.sizeLogStd * p.sizeLogStd));
  const orders = (units: number) => 1 + Math.floor(gridValue(lot, units) / p.tradeSizeMean);
  const level = (t: number, units: number) => `["${gridValue(tick, t)}","${units === 0 ? '0' : gridValue(lot, units)}","${units === 0 ? 0 : orders(units)}"]`;
  const bids = new GeneratedSide(-1);
  const asks = new GeneratedSide(1);
  let started = false;
  let nextSnapshot = dayStart;
  let periodic = 0;
  let refreshCarry = 0;

  /** Updates one side to the new touch and sample sizes; returns its changes as [tick, units] best first. */
  const step = (side: GeneratedSide, newBest: number, topUnits: number[]): Array<[number, number]> => {
    const changes = new Map<number, number>();
    const old = side.best;
    const first = Number.isNaN(old);
    const valueAt = (t: number): number => {
      const pos = side.posOf(t, newBest);
      if (pos < 0 || pos >= L) return 0;
      if (pos < D) return topUnits[pos];
      // deep: keep the size if the tick was deep before, else a fresh draw
      const oldPos = first ? -1 : side.posOf(t, old);
      const held = side.levels.get(t);
      if (held !== undefined && oldPos >= D && oldPos < L) return held;
      return deepSize(pos);
    };
    const consider = (t: number) => {
      if (changes.has(t)) return;
      const now = valueAt(t);
      const before = side.levels.get(t) ?? 0;
      if (now !== before) changes.set(t, now);
    };
    if (first) {
      for (let pos = 0; pos < L; pos++) consider(side.tickAt(pos, newBest));
    } else {
      // near the touch: both top zones and everything between the old and the new touch
      const lo = Math.min(side.posOf(old, newBest), 0) - 1;
      const hi = Math.max(side.posOf(old, newBest), 0) + D;
      if (hi - lo > 2 * L) {
        for (let pos = 0; pos < L; pos++) consider(side.tickAt(pos, newBest));
        for (const t of side.levels.keys()) consider(t);
      } else {
        for (let pos = lo; pos <= hi; pos++) consider(side.tickAt(pos, newBest));
        // the far end of the window
        const oldEnd = side.posOf(side.tickAt(L - 1, old), newBest);
        for (let pos = Math.min(oldEnd, L - 1) - 1; pos <= Math.max(oldEnd, L - 1) + 1; pos++) consider(side.tickAt(pos, newBest));
      }
    }
    for (const [t, units] of changes) {
      if (units === 0) side.levels.delete(t);
      else side.levels.set(t, units);
    }
    side.best = newBest;
    return [...changes].sort((a, b) => side.posOf(a[0]) - side.posOf(b[0]));
  };

  /** Redraws `count` deep levels round robin (only when they were not changed this step). */
  const refresh = (side: GeneratedSide, count: number, into: Array<[number, number]>) => {
    for (let j = 0; j < count && L > D; j++) {
      const pos = D + (side.cursor++ % (L - D));
      const t = side.tickAt(pos);
      if (into.some((c) => c[0] === t)) continue;
      const units = deepSize(pos);
      if (units !== side.levels.get(t)) {
        side.levels.set(t, units);
        into.push([t, units]);
      }
    }
    into.sort((a, b) => side.posOf(a[0]) - side.posOf(b[0]));
  };

  const snapshotLine = (ts: number, corrupt: boolean): string => {
    const sideText = (side: GeneratedSide) => {
      const parts: string[] = [];
      for (let pos = 0; pos < L; pos++) {
        const t = side.tickAt(pos);
        let units = side.levels.get(t);
        if (units === undefined) continue;
        if (corrupt && side === bids && pos === 0) units += 1;
        parts.push(level(t, units));
      }
      return parts.join(',');
    };
    return `${prefix}snapshot","ts":"${ts}","asks":[${sideText(asks)}],"bids":[${sideText(bids)}]}\n`;
  };

  // faults are numbered by the lines as generated (before any is dropped); stats count the lines written
  let generated = 0;
  const emit = (line: string, ts: number): string | undefined => {
    generated++;
    if (drop.has(generated)) return undefined;
    stats.lines++;
    if (Number.isNaN(stats.firstTsMs)) stats.firstTsMs = ts;
    stats.lastTsMs = ts;
    if (generated === malformed) return line.replace(/("(asks|bids)":\[\["[^"]*",")[^"]*"/, '$1abc"');
    return line;
  };

  const topUnitsOf = (sizes: readonly Float64Array[], i: number) => sizes.slice(0, D).map((col) => lotUnits(col[i]));
  for (const { chunk } of marketChunks(options, dayStart, end)) {
    const book = chunk.book;
    if (book.tsMs.length && book.tsMs[0] >= end) break;
    for (let i = 0; i < book.tsMs.length; i++) {
      const ts = book.tsMs[i];
      if (ts < dayStart) continue;
      if (ts >= end) break;
      const bidChanges = step(bids, Math.round(inSteps(tick, book.bidPx[0][i])), topUnitsOf(book.bidSz, i));
      const askChanges = step(asks, Math.round(inSteps(tick, book.askPx[0][i])), topUnitsOf(book.askSz, i));
      refreshCarry += refreshPerStep;
      const refreshCount = Math.floor(refreshCarry);
      refreshCarry -= refreshCount;
      if (started) {
        refresh(bids, Math.ceil(refreshCount / 2), bidChanges);
        refresh(asks, Math.floor(refreshCount / 2), askChanges);
      }
      if (!started || ts >= nextSnapshot) {
        let corrupt = false;
        if (started) {
          // the step's own update first, then the snapshot of the book after it
          if (bidChanges.length + askChanges.length > 0) {
            const line = emit(`${prefix}update","ts":"${ts}","asks":[${askChanges.map(([t, u]) => level(t, u)).join(',')}],"bids":[${bidChanges.map(([t, u]) => level(t, u)).join(',')}]}\n`, ts);
            if (line !== undefined) yield line;
          }
          periodic++;
          corrupt = mismatch.has(periodic);
        }
        started = true;
        while (nextSnapshot <= ts) nextSnapshot += snapEvery;
        stats.snapshots++;
        const line = emit(snapshotLine(ts, corrupt), ts);
        if (line !== undefined) yield line;
        continue;
      }
      if (bidChanges.length + askChanges.length === 0) continue;
      const line = emit(`${prefix}update","ts":"${ts}","asks":[${askChanges.map(([t, u]) => level(t, u)).join(',')}],"bids":[${bidChanges.map(([t, u]) => level(t, u)).join(',')}]}\n`, ts);
      if (line !== undefined) yield line;
    }
  }
}

/** The CSV lines (header first) of one trades day file. */
function* tradeLines(options: OkxHistoryDayOptions, date: string, stats: LineStats): Generator<string> {
  const p = sampleParams(options.market ?? {});
  const inst = options.inst ?? p.instrument;
  const [dayStart, end] = writtenSpan(options, date, OKX_OBSERVED_DAY_BOUNDARY.trades);
  const header = options.tradeHeader ?? 'current';
  const withSource = header === 'current' && (options.tradeSource ?? true);
  const malformed = options.faults?.malformedLine;
  const idBase = options.tradeIdBase ?? 1_000_000;
  stats.lines = 1;
  yield (header === 'current' ? [...OKX_TRADE_HEADER_CURRENT, ...(withSource ? [OKX_TRADE_SOURCE_COLUMN] : [])] : [...OKX_TRADE_HEADER_BILINGUAL]).join(',') + '\n';
  for (const { chunk, tradesBefore } of marketChunks(options, dayStart, end)) {
    const t = chunk.trades;
    if (chunk.book.tsMs.length && chunk.book.tsMs[0] >= end) break;
    for (let i = 0; i < t.tsMs.length; i++) {
      const ts = t.tsMs[i];
      const tradeId = idBase + tradesBefore + i;
      if (ts < dayStart) continue;
      if (ts >= end) break;
      stats.lines++;
      stats.trades++;
      if (t.side[i] > 0) stats.buys++;
      else stats.sells++;
      if (Number.isNaN(stats.firstTsMs)) stats.firstTsMs = ts;
      stats.lastTsMs = ts;
      const side = t.side[i] > 0 ? 'buy' : 'sell';
      const px = stats.lines === malformed ? 'abc' : String(t.px[i]);
      yield header === 'current' ? `${inst},${tradeId},${side},${px},${t.sz[i]},${ts}${withSource ? ',0' : ''}\n` : `${tradeId},${side},${t.sz[i]},${px},${ts}\n`;
    }
  }
}

/**
 * Writes one OKX history day file (books or trades) for `options.date` into `options.dir`.
 * @example await writeOkxHistoryDay({ dir: 'data/okx-history', kind: 'books', date: '2025-11-01', ...OKX_HISTORY_PRESETS.small })
 */
export async function writeOkxHistoryDay(options: OkxHistoryDayOptions): Promise<OkxHistoryDayFile> {
  mkdirSync(options.dir, { recursive: true });
  const p = sampleParams(options.market ?? {});
  const inst = options.inst ?? p.instrument;
  const date = options.date;
  const stats = newStats();
  const writeOptions = { level: options.compressionLevel ?? 1 };
  let written: WrittenArchive;
  if (options.kind === 'books') {
    const archive = options.archive ?? 'tar.gz';
    const path = join(options.dir, okxBooksFileName(inst, date, options.levels ?? 400, archive));
    const member = okxBooksMemberName(inst, date, options.levels ?? 400);
    const chunks = batched(bookLines(options, date, stats));
    written = archive === 'zip' ? await writeZip(path, member, chunks, writeOptions) : await writeTarGz(path, member, chunks, writeOptions);
  } else {
    const path = join(options.dir, okxTradesFileName(inst, date));
    written = await writeZip(path, okxTradesMemberName(inst, date), batched(tradeLines(options, date, stats)), writeOptions);
  }
  return { ...written, kind: options.kind, date, ...stats };
}

/**
 * Writes `options.days` consecutive day files (default 1) from `options.date`, all from one market path (the
 * origin is the first date's, so day i is the same whether written alone with that origin or in the run).
 */
export async function writeOkxHistoryDays(options: OkxHistoryDayOptions): Promise<OkxHistoryDayFile[]> {
  const originMs = originOf(options);
  const out: OkxHistoryDayFile[] = [];
  for (let d = 0; d < (options.days ?? 1); d++) out.push(await writeOkxHistoryDay({ ...options, originMs, date: addDays(options.date, d) }));
  return out;
}

/** The NDJSON text of a books day (no archive), for tests that read the member directly. */
export function okxHistoryBookText(options: Omit<OkxHistoryDayOptions, 'dir' | 'kind'>): { text: string; stats: Readonly<LineStats> } {
  const stats = newStats();
  const text = [...bookLines({ ...options, dir: '', kind: 'books' }, options.date, stats)].join('');
  return { text, stats };
}

