import { openArchiveMember } from '../data/archive.js';
import { Float64ColumnBuilder, Int8ColumnBuilder } from '../data/columnBuilder.js';
import { fieldText, parseDecimalBytes } from '../data/decimal.js';
import { DataError } from '../data/errors.js';
import { ByteLineSplitter } from '../data/lines.js';
import { SIDE_BUY, SIDE_SELL, type TableMeta, type TradeTable } from '../data/tables.js';
import type { CaptureFormat, FileProbe } from './format.js';
import { DayAlignment, OKX_TRADE_HEADER_BILINGUAL, OKX_TRADE_HEADER_CURRENT, OKX_TRADE_SOURCE_COLUMN, parseOkxHistoryFileName, type DayAlignmentResult, type OkxTradeHeader } from './okxHistoryLayout.js';

/**
 * Streaming reader of OKX's daily trade history (`{INST}-trades-{date}.zip` with one CSV; also the CSV
 * itself, plain or gzip): layouts in `okxHistoryLayout.ts`. Both headers: the current
 * `instrument_name,trade_id,side,price,size,created_time[,source]` and the older bilingual
 * `trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间` (size before price, no instrument:
 * the instrument is the file name's). Columns are checked by name; any other header is refused with the first
 * column that differs.
 *
 * Rows become `TradeTable` batches (asmm's convention, `data/tables.ts`): `side` is the taker's, +1 buy
 * (lifted the ask), −1 sell, exactly OKX's `side`; `sz` as OKX states it (base currency for spot, contracts
 * for swaps and futures); `tsMs` = `created_time`; `id` = `trade_id`.
 *
 * The summary says whether the file runs on UTC or UTC+8 days (decided from the data: `DayAlignment`) and
 * which UTC dates its rows fall in, so a catalog partitions by UTC date either way (each row's own UTC date is
 * that of its `tsMs`). Errors (`DataError`, file:line field): wrong field count, another instrument, a side
 * other than buy/sell, a price or size that is not a positive decimal, a time or id that is not an integer,
 * `created_time` going backwards. Trade ids that do not increase are counted, not refused.
 */
export interface OkxTradesSummary {
  readonly path: string;
  readonly memberName: string;
  readonly instId: string;
  readonly header: OkxTradeHeader;
  /** The current header's optional `source` column is present; counts of its values. */
  readonly hasSource: boolean;
  readonly sources: Readonly<Record<string, number>>;
  readonly rows: number;
  readonly buys: number;
  readonly sells: number;
  /** Rows whose trade id is not above the previous row's. */
  readonly idsNotIncreasing: number;
  readonly firstTsMs: number;
  readonly lastTsMs: number;
  /** Uncompressed CSV bytes read. */
  readonly bytes: number;
  /** Day boundary and UTC dates of the rows; undefined when the file's date is unknown (no date in its name and none given). */
  readonly day?: DayAlignmentResult;
  readonly notes: readonly string[];
}

export interface OkxTradesReadOptions {
  /** The instrument every row must carry (and the bilingual header's instrument); default from the file name. */
  readonly inst?: string;
  /** The file's date for the day-boundary check; default from the file or member name. */
  readonly date?: string;
  /** Rows per batch (default 65,536). */
  readonly batchRows?: number;
}

/** An opened trades day file: iterate it for TradeTable batches, then ask for the summary. */
export interface OkxTradesStream extends AsyncIterable<TradeTable> {
  readonly path: string;
  readonly memberName: string;
  readonly memberBytes?: number;
  summary(): OkxTradesSummary;
}

const SIDE_BUY_BYTES = Buffer.from('buy');
const SIDE_SELL_BYTES = Buffer.from('sell');

function equalBytes(buf: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[s + k] !== word[k]) return false;
  return true;
}

function integerBytes(buf: Uint8Array, s: number, e: number): number {
  if (e <= s) return NaN;
  let v = 0;
  for (let k = s; k < e; k++) {
    const c = buf[k] - 0x30;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** The header's kind, or a DataError naming the first column that differs from the nearer layout. */
function headerOf(path: string, line: string): { header: OkxTradeHeader; hasSource: boolean } {
  const cols = line.replace(/^\uFEFF/, '').trim().split(',').map((c) => c.trim());
  const current = [...OKX_TRADE_HEADER_CURRENT];
  const bilingual = [...OKX_TRADE_HEADER_BILINGUAL];
  if (cols.length === current.length + 1 && cols.slice(0, -1).join(',') === current.join(',') && cols[cols.length - 1] === OKX_TRADE_SOURCE_COLUMN) return { header: 'current', hasSource: true };
  if (cols.join(',') === current.join(',')) return { header: 'current', hasSource: false };
  if (cols.join(',') === bilingual.join(',')) return { header: 'bilingual', hasSource: false };
  const expected = cols[0].includes('/') ? bilingual : current;
  const at = expected.findIndex((name, i) => cols[i] !== name);
  const column = at < 0 ? expected.length + 1 : at + 1;
  throw new DataError(path, 1, 'header', `not an OKX trades header: column ${column} is ${JSON.stringify(cols[column - 1] ?? '(missing)')}, expected ${JSON.stringify(expected[column - 1] ?? '(nothing more)')} (expected "${current.join(',')}[,source]" or "${bilingual.join(',')}")`);
}

/** The decoder behind `openOkxTrades`: feed it the CSV's bytes, then `finish()`; synchronous. */
export class OkxTradesDecoder {
  /** Splits pushed bytes into lines for `line`. */
  private readonly splitter = new ByteLineSplitter((buf, start, end) => this.line(buf, start, end));
  private lineNo = 0;
  private bytes = 0;
  private layout: { header: OkxTradeHeader; hasSource: boolean } | undefined;
  /** Column positions: instrument (−1 none), id, side, px, sz, ts, source (−1 none). */
  private cols = { inst: 0, id: 1, side: 2, px: 3, sz: 4, ts: 5, source: -1, count: 6 };
  private instId: string;
  private instBytes: Buffer | undefined;
  private ts = new Float64ColumnBuilder();
  private id = new Float64ColumnBuilder();
  private side = new Int8ColumnBuilder();
  private px = new Float64ColumnBuilder();
  private sz = new Float64ColumnBuilder();
  private readonly ready: TradeTable[] = [];
  private rows = 0;
  private buys = 0;
  private sells = 0;
  private idsNotIncreasing = 0;
  private lastId = -Infinity;
  private firstTs = NaN;
  private lastTs = NaN;
  private readonly sources = new Map<string, number>();
  private readonly day: DayAlignment | undefined;
  private readonly batchRows: number;
  /** Column names, for errors. */
  private names: readonly string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private finished = false;

  constructor(
    readonly path: string,
    readonly memberName: string,
    options: OkxTradesReadOptions = {},
  ) {
    const named = parseOkxHistoryFileName(path) ?? parseOkxHistoryFileName(memberName);
    this.instId = options.inst ?? named?.inst ?? '';
    if (this.instId) this.instBytes = Buffer.from(this.instId);
    const date = options.date ?? named?.date;
    this.day = date ? new DayAlignment(date) : undefined;
    this.batchRows = options.batchRows ?? 65_536;
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.splitter.push(chunk);
    if (this.ts.length >= this.batchRows) this.flush();
  }


  takeBatches(): TradeTable[] {
    return this.ready.splice(0, this.ready.length);
  }

  finish(): void {
    if (this.finished) return;
    this.splitter.end();
    if (!this.layout) throw new DataError(this.path, 0, 'header', 'empty CSV (no header)');
    this.finished = true;
    this.flush();
  }

  private fail(lineNo: number, field: string, reason: string): never {
    throw new DataError(this.path, lineNo, field, reason);
  }

  private line(buf: Buffer, start: number, end: number): void {
    const lineNo = ++this.lineNo;
    let e = end;
    if (e > start && buf[e - 1] === 0x0d) e--;
    if (e === start) return; // blank line
    if (!this.layout) {
      this.layout = headerOf(this.path, buf.toString('utf8', start, e));
      this.cols =
        this.layout.header === 'current'
          ? { inst: 0, id: 1, side: 2, px: 3, sz: 4, ts: 5, source: this.layout.hasSource ? 6 : -1, count: this.layout.hasSource ? 7 : 6 }
          : { inst: -1, id: 0, side: 1, sz: 2, px: 3, ts: 4, source: -1, count: 5 };
      this.names = this.layout.header === 'current' ? [...OKX_TRADE_HEADER_CURRENT, OKX_TRADE_SOURCE_COLUMN] : [...OKX_TRADE_HEADER_BILINGUAL];
      if (this.layout.header === 'bilingual' && !this.instId) this.fail(lineNo, 'header', 'the bilingual header has no instrument column and the file name names none: pass the instrument');
      return;
    }
    const starts = this.starts;
    const ends = this.ends;
    starts.length = 0;
    ends.length = 0;
    let s = start;
    for (let i = start; i < e; i++) {
      if (buf[i] === 0x2c) {
        starts.push(s);
        ends.push(i);
        s = i + 1;
      }
    }
    starts.push(s);
    ends.push(e);
    const c = this.cols;
    const names = this.names;
    if (starts.length < c.count) this.fail(lineNo, names[starts.length], `missing (expected ${c.count} fields, found ${starts.length})`);
    if (starts.length > c.count) this.fail(lineNo, `field ${c.count + 1}`, `unexpected (expected ${c.count} fields, found ${starts.length})`);
    if (c.inst >= 0) {
      if (this.instBytes === undefined) {
        this.instId = buf.toString('utf8', starts[c.inst], ends[c.inst]);
        this.instBytes = Buffer.from(this.instId);
      } else if (!equalBytes(buf, starts[c.inst], ends[c.inst], this.instBytes)) {
        this.fail(lineNo, 'instrument_name', `expected ${this.instId}, found ${fieldText(buf, starts[c.inst], ends[c.inst])}`);
      }
    }
    const id = integerBytes(buf, starts[c.id], ends[c.id]);
    if (Number.isNaN(id)) this.fail(lineNo, names[c.id], `not an integer trade id (${JSON.stringify(fieldText(buf, starts[c.id], ends[c.id]))})`);
    let side: number;
    if (equalBytes(buf, starts[c.side], ends[c.side], SIDE_BUY_BYTES)) side = SIDE_BUY;
    else if (equalBytes(buf, starts[c.side], ends[c.side], SIDE_SELL_BYTES)) side = SIDE_SELL;
    else this.fail(lineNo, names[c.side], `expected buy or sell, found ${JSON.stringify(fieldText(buf, starts[c.side], ends[c.side]))}`);
    const px = parseDecimalBytes(buf, starts[c.px], ends[c.px]);
    if (!(px > 0) || !Number.isFinite(px)) this.fail(lineNo, names[c.px], Number.isNaN(px) ? `not a decimal (${JSON.stringify(fieldText(buf, starts[c.px], ends[c.px]))})` : `price must be positive (${px})`);
    const sz = parseDecimalBytes(buf, starts[c.sz], ends[c.sz]);
    if (!(sz > 0) || !Number.isFinite(sz)) this.fail(lineNo, names[c.sz], Number.isNaN(sz) ? `not a decimal (${JSON.stringify(fieldText(buf, starts[c.sz], ends[c.sz]))})` : `size must be positive (${sz})`);
    const ts = integerBytes(buf, starts[c.ts], ends[c.ts]);
    if (Number.isNaN(ts)) this.fail(lineNo, names[c.ts], `not an epoch-ms integer (${JSON.stringify(fieldText(buf, starts[c.ts], ends[c.ts]))})`);
    if (ts < this.lastTs) this.fail(lineNo, names[c.ts], `goes backwards: ${ts} after ${this.lastTs} (${this.lastTs - ts} ms)`);
    if (c.source >= 0) {
      const src = buf.toString('utf8', starts[c.source], ends[c.source]);
      this.sources.set(src, (this.sources.get(src) ?? 0) + 1);
    }
    if (id <= this.lastId) this.idsNotIncreasing++;
    this.lastId = id;
    if (Number.isNaN(this.firstTs)) this.firstTs = ts;
    this.lastTs = ts;
    this.day?.add(ts);
    this.rows++;
    if (side > 0) this.buys++;
    else this.sells++;
    this.ts.push(ts);
    this.id.push(id);
    this.side.push(side);
    this.px.push(px);
    this.sz.push(sz);
  }

  private meta(): TableMeta {
    return { instrument: this.instId || undefined, source: `OKX daily trade history ${this.path}`, extra: { 'okx.history.member': this.memberName } };
  }

  private flush(): void {
    if (this.ts.length === 0) return;
    this.ready.push({ kind: 'trades', tsMs: this.ts.finish(), id: this.id.finish(), side: this.side.finish(), px: this.px.finish(), sz: this.sz.finish(), meta: this.meta() });
    this.ts = new Float64ColumnBuilder();
    this.id = new Float64ColumnBuilder();
    this.side = new Int8ColumnBuilder();
    this.px = new Float64ColumnBuilder();
    this.sz = new Float64ColumnBuilder();
  }

  summary(): OkxTradesSummary {
    if (!this.finished) throw new Error('OkxTradesDecoder.summary(): call finish() first');
    const layout = this.layout!;
    const day = this.day?.result();
    const notes = [
      `${this.rows} trades (${this.buys} buys, ${this.sells} sells by taker side), ${layout.header} header${layout.hasSource ? ' with source' : ''}${layout.header === 'bilingual' ? ` (no instrument column: ${this.instId} from the file name)` : ''}`,
    ];
    if (this.idsNotIncreasing) notes.push(`${this.idsNotIncreasing} trade ids not above the previous row's`);
    if (day) notes.push(`day ${day.date}: ${day.description}; UTC dates: ${day.utcDates.map((d) => `${d.date} (${d.rows})`).join(', ')}`);
    return {
      path: this.path,
      memberName: this.memberName,
      instId: this.instId,
      header: layout.header,
      hasSource: layout.hasSource,
      sources: Object.fromEntries(this.sources),
      rows: this.rows,
      buys: this.buys,
      sells: this.sells,
      idsNotIncreasing: this.idsNotIncreasing,
      firstTsMs: this.firstTs,
      lastTsMs: this.lastTs,
      bytes: this.bytes,
      ...(day ? { day } : {}),
      notes,
    };
  }
}

/**
 * Opens an OKX trades day file (zip, gzip or plain CSV, by content) for streaming: iterate it once for
 * TradeTable batches, then `summary()`.
 * @example
 * const trades = await openOkxTrades('BTC-USDT-trades-2025-11-01.zip');
 * for await (const batch of trades) catalog.append(batch);
 * trades.summary().day?.boundary // 'utc+8'
 */
export async function openOkxTrades(path: string, options: OkxTradesReadOptions = {}): Promise<OkxTradesStream> {
  const member = await openArchiveMember(path);
  const decoder = new OkxTradesDecoder(path, member.memberName, options);
  let done = false;
  let used = false;
  async function* batches(): AsyncGenerator<TradeTable> {
    try {
      for await (const chunk of member.stream) {
        decoder.push(chunk as Buffer);
        for (const batch of decoder.takeBatches()) yield batch;
      }
      decoder.finish();
      for (const batch of decoder.takeBatches()) yield batch;
      done = true;
    } finally {
      member.stream.destroy();
    }
  }
  return {
    path,
    memberName: member.memberName,
    ...(member.memberBytes !== undefined ? { memberBytes: member.memberBytes } : {}),
    [Symbol.asyncIterator]() {
      if (used) throw new Error(`${path}: an OKX trades stream can be iterated once`);
      used = true;
      return batches();
    },
    summary() {
      if (!done) throw new Error(`${path}: the summary is known once every batch has been read`);
      return decoder.summary();
    },
  };
}

/** Reads a whole trades day file into one TradeTable (for `asmm inspect`/`convert`; the catalog streams). */
export async function readOkxTradesTable(path: string, options: OkxTradesReadOptions = {}): Promise<{ trades: TradeTable; summary: OkxTradesSummary }> {
  const stream = await openOkxTrades(path, { ...options, batchRows: Number.MAX_SAFE_INTEGER });
  const batches: TradeTable[] = [];
  for await (const batch of stream) batches.push(batch);
  const summary = stream.summary();
  const concat = <A extends Float64Array | Int8Array>(pick: (t: TradeTable) => A, kind: new (n: number) => A): A => {
    const out = new kind(batches.reduce((n, b) => n + b.tsMs.length, 0));
    let at = 0;
    for (const b of batches) {
      out.set(pick(b), at);
      at += b.tsMs.length;
    }
    return out;
  };
  const trades: TradeTable = {
    kind: 'trades',
    tsMs: concat((t) => t.tsMs, Float64Array),
    id: concat((t) => t.id, Float64Array),
    side: concat((t) => t.side, Int8Array),
    px: concat((t) => t.px, Float64Array),
    sz: concat((t) => t.sz, Float64Array),
    meta: { instrument: summary.instId, source: `OKX daily trade history ${path}`, extra: { 'okx.history.member': summary.memberName } },
  };
  return { trades, summary };
}

const TRADES_MEMBER = /-trades-\d{4}-\d{2}-\d{2}\.csv$/;

/** Whether probed content is an OKX trades day file: a zip whose member is named like one, or the CSV with either header. */
export function isOkxTradesContent(probe: FileProbe): boolean {
  const head = probe.head;
  if (head.length >= 30 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) {
    const nameLength = head.readUInt16LE(26);
    return TRADES_MEMBER.test(head.subarray(30, 30 + nameLength).toString('utf8'));
  }
  const line = probe.firstLine.replace(/^\uFEFF/, '');
  return line === OKX_TRADE_HEADER_CURRENT.join(',') || line === [...OKX_TRADE_HEADER_CURRENT, OKX_TRADE_SOURCE_COLUMN].join(',') || line === OKX_TRADE_HEADER_BILINGUAL.join(',');
}

/** OKX's daily trade history as a format of the registry (read through its archive, hence a replayed format). */
export const okxHistoryTradesFormat: CaptureFormat = {
  name: 'okx-history-trades',
  holds: 'capture',
  canHandle: isOkxTradesContent,
  async replay(path) {
    const { trades, summary } = await readOkxTradesTable(path);
    return { tables: [trades], notes: [...summary.notes] };
  },
};
