import type { Readable } from 'node:stream';
import { openArchiveMember } from '../data/archive.js';
import { ColumnBuilder, Float64ColumnBuilder, withCapacity } from '../data/columnBuilder.js';
import { POW10, fieldText, parseDecimalBytes } from '../data/decimal.js';
import { DataError } from '../data/errors.js';
import { ByteLineSplitter } from '../data/lines.js';
import { describeMasks, maskSummary, mergeMasks, type MaskedInterval } from '../data/masks.js';
import type { BookTable, TableMeta } from '../data/tables.js';
import type { CaptureFormat, FileProbe } from './format.js';
import { BOOK_SIDE_ASK, BOOK_SIDE_BID, FullDepthBook, type LevelDifference } from './okxHistoryBookState.js';
import { DayAlignment, parseOkxHistoryFileName, type DayAlignmentResult } from './okxHistoryLayout.js';

export { BOOK_SIDE_ASK, BOOK_SIDE_BID, FullDepthBook, type LevelDifference } from './okxHistoryBookState.js';

/**
 * Streaming reader of OKX's daily order-book history (`{INST}-L2orderbook-400lv-{date}.tar.gz`, the 5000-level
 * product, the older zip, or the extracted `.data` NDJSON, plain or gzip): layouts in `okxHistoryLayout.ts`.
 *
 * Output, in bounded memory, as columnar batches of level changes (`OkxBookDeltaBatch`, ≈ `batchLevels` rows
 * each) — the `book_deltas` table — plus the best `topLevels` levels after every line that changed them — the
 * `book_top` table — from a full-depth book maintained as it goes. Row flags (OR-ed):
 * - `DELTA_SNAPSHOT`: a level of a snapshot line; `DELTA_SNAPSHOT_START`: the first row of a snapshot (the book
 *   is cleared before it; an empty snapshot is one row with side 0 and NaN price and size);
 * - `DELTA_UPDATE`: a level of an update line (absolute size; 0 deletes the level);
 * - `DELTA_MESSAGE_END`: the last row of its line: the book is consistent after it.
 *
 * Checks, all reported in the summary at the end (`OkxBooksSummary`), never silently:
 * - every snapshot after the first is compared with the book built up to it; a disagreement (levels missing,
 *   extra or of another size) is counted, its first times and levels kept, and the time since the previous
 *   snapshot is masked (the divergence happened somewhere in it). The snapshot then replaces the book.
 * - there is no `seqId` and no checksum in these files: a gap inside the file cannot be detected except by
 *   such a disagreement at the next snapshot (said in the summary's notes).
 * - a crossed book (best bid ≥ best ask) after a line is counted and masked until a line uncrosses it.
 * - lines before the first snapshot are not applied (the book is unknown): counted and masked.
 * - deletes of levels the book does not hold are counted.
 * Bad input throws a `DataError` naming the file, the line and the field (`asks[3][1]: not a decimal ("x")`):
 * malformed JSON, a missing field, another instrument than the file's, `ts` going backwards, a level that is
 * not three strings, a non-positive price, a negative size, a price repeated within a snapshot. Fields not in
 * the layout are noted (named in the summary), not rejected.
 */

export const DELTA_SNAPSHOT = 1;
export const DELTA_SNAPSHOT_START = 2;
export const DELTA_UPDATE = 4;
export const DELTA_MESSAGE_END = 8;

/**
 * A batch of level changes (book_deltas rows) and of top-N rows (book_top), columnar; arrays are the batch's
 * own, unless it is given back with `recycle` (then a later batch reuses them).
 */
export interface OkxBookDeltaBatch {
  /** Level-change rows in this batch. */
  readonly length: number;
  /** Exchange time of the line, ms since epoch (UTC). */
  readonly tsMs: Float64Array;
  /** `BOOK_SIDE_BID` (+1) or `BOOK_SIDE_ASK` (−1); 0 for an empty snapshot's marker row. */
  readonly side: Int8Array;
  /** Price, quote currency. */
  readonly px: Float64Array;
  /** New absolute size at that price (base currency for spot, contracts for swaps); 0 deletes the level. */
  readonly qty: Float64Array;
  /** Orders at the level, as OKX states it. */
  readonly orders: Float64Array;
  /** `DELTA_*` flags OR-ed. */
  readonly flags: Uint8Array;
  /** 1-based line of the member each row comes from. */
  readonly lineNo: Float64Array;
  /**
   * The best `topLevels` levels after each line that changed them (and after every snapshot), as a book
   * table (NaN for missing levels; rows in time order); absent when `topLevels` is 0.
   */
  readonly top?: BookTable;
}

/** What a whole file held and what the checks found. */
export interface OkxBooksSummary {
  readonly path: string;
  readonly memberName: string;
  readonly instId: string;
  readonly lines: number;
  readonly snapshots: number;
  readonly updates: number;
  /** Update lines with no level (nothing to apply). */
  readonly emptyUpdates: number;
  /** Level-change rows emitted (book_deltas rows). */
  readonly levelChanges: number;
  /** top-N rows emitted (book_top rows). */
  readonly topRows: number;
  /** Uncompressed bytes of NDJSON read. */
  readonly bytes: number;
  readonly firstTsMs: number;
  readonly lastTsMs: number;
  /** Lines before the first snapshot, not applied (their span is masked). */
  readonly linesBeforeFirstSnapshot: number;
  /** Snapshot lines after the first that did not agree with the book built up to them. */
  readonly snapshotsChecked: number;
  readonly snapshotDisagreements: number;
  /** The first disagreeing snapshots: time, line, levels differing, the first few levels. */
  readonly firstDisagreements: ReadonlyArray<{ readonly tsMs: number; readonly lineNo: number; readonly levels: number; readonly first: readonly LevelDifference[] }>;
  /** Lines after which the book was crossed, and the first such times. */
  readonly crossedLines: number;
  readonly firstCrossedTsMs: readonly number[];
  /** Update levels with size 0 at a price the book did not hold. */
  readonly deletesOfAbsentLevels: number;
  /** Levels of size 0 inside snapshot lines (ignored). */
  readonly zeroLevelsInSnapshots: number;
  /** Fields seen that the layout does not name (with their count of lines). */
  readonly unknownFields: Readonly<Record<string, number>>;
  /** Largest number of levels per side held. */
  readonly maxBidLevels: number;
  readonly maxAskLevels: number;
  /** Intervals in which the rebuilt book is not known to be right (disagreement, crossed, before the first snapshot). */
  readonly masked: readonly MaskedInterval[];
  /** Day boundary and the UTC dates the lines fall in (lines, not level rows); undefined when the file's date is unknown. */
  readonly day?: DayAlignmentResult;
  /** One line each, for `asmm inspect` and the catalog's import log; includes the no-seqId/checksum statement. */
  readonly notes: readonly string[];
}

export interface OkxBooksReadOptions {
  /** The instrument every line must carry; default: from the file name, else the first line's. */
  readonly inst?: string;
  /** The file's date (YYYY-MM-DD) for the day-boundary check; default: from the file or member name. */
  readonly date?: string;
  /** Level-change rows per batch (a batch ends after the line that fills it). Default 65,536. */
  readonly batchLevels?: number;
  /** Levels per side of the top-N rows; 0 for none. Default 5. */
  readonly topLevels?: number;
  /** Disagreeing snapshots and crossed times to list in the summary. Default 10. */
  readonly keep?: number;
}

const Q = 0x22; // "
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const NEWLINE = 0x0a;

const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === NEWLINE;

/** Levels of one side of one line, parsed into growable scratch arrays. */
class LevelScratch {
  px = new Float64Array(512);
  sz = new Float64Array(512);
  count = new Float64Array(512);
  n = 0;
  push(px: number, sz: number, count: number): void {
    if (this.n === this.px.length) {
      const capacity = 2 * this.px.length;
      this.px = withCapacity(this.px, capacity);
      this.sz = withCapacity(this.sz, capacity);
      this.count = withCapacity(this.count, capacity);
    }
    this.px[this.n] = px;
    this.sz[this.n] = sz;
    this.count[this.n] = count;
    this.n++;
  }
}

const KEY_INST = Buffer.from('instId');
const KEY_ACTION = Buffer.from('action');
const KEY_TS = Buffer.from('ts');
const KEY_ASKS = Buffer.from('asks');
const KEY_BIDS = Buffer.from('bids');
const SNAPSHOT = Buffer.from('snapshot');
const UPDATE = Buffer.from('update');

function bytesEqual(buf: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[start + k] !== word[k]) return false;
  return true;
}

/**
 * Parses one NDJSON book line by scanning its bytes (no JSON.parse, no strings except for errors): fields in
 * any order, whitespace allowed. Results are left in the public fields, valid until the next `parse`.
 */
export class OkxBookLineParser {
  instStart = 0;
  instEnd = 0;
  /** 1 snapshot, 2 update. */
  action = 0;
  tsMs = NaN;
  readonly asks = new LevelScratch();
  readonly bids = new LevelScratch();
  /** Unknown field names of the last line. */
  unknown: string[] = [];
  private buf: Uint8Array = new Uint8Array(0);
  private i = 0;
  private end = 0;
  private lineNo = 0;

  constructor(
    private readonly file: string,
    /** false: every line through `generalParse` (tests compare the two paths). */
    private readonly fastPath = true,
  ) {}

  private fail(field: string, reason: string): never {
    throw new DataError(this.file, this.lineNo, field, reason);
  }

  private ws(): void {
    while (this.i < this.end && isWs(this.buf[this.i])) this.i++;
  }

  /** Where the parser is, for errors only (built on failure, never on the hot path). */
  private ctxName = '';
  private ctxKs = -1;
  private ctxKe = -1;
  private ctxK = -1;
  private ctxE = -1;
  private where(): string {
    const base = this.ctxKs >= 0 ? fieldText(this.buf, this.ctxKs, this.ctxKe) : this.ctxName;
    return base + (this.ctxK >= 0 ? `[${this.ctxK}]` : '') + (this.ctxE >= 0 ? `[${this.ctxE}]` : '');
  }

  private expect(c: number, field: string | undefined, what: string): void {
    this.ws();
    if (this.i >= this.end || this.buf[this.i] !== c) this.fail(field ?? this.where(), `expected ${what}, found ${this.i >= this.end ? 'the end of the line' : JSON.stringify(String.fromCharCode(this.buf[this.i]))}`);
    this.i++;
  }

  /** A JSON string at `i` (no escapes expected; they are accepted but not decoded); sets i after it; returns [start, end) of its content. */
  private str(field?: string): number {
    this.ws();
    if (this.i >= this.end || this.buf[this.i] !== Q) this.fail(field ?? this.where(), `expected a string, found ${this.i >= this.end ? 'the end of the line' : JSON.stringify(fieldText(this.buf, this.i, Math.min(this.end, this.i + 12)))}`);
    const start = ++this.i;
    const buf = this.buf;
    while (this.i < this.end && buf[this.i] !== Q) {
      if (buf[this.i] === BACKSLASH) this.i++;
      this.i++;
    }
    if (this.i >= this.end) this.fail(field ?? this.where(), 'unterminated string');
    this.strEnd = this.i;
    this.i++;
    return start;
  }
  private strEnd = 0;

  parse(buf: Uint8Array, start: number, end: number, lineNo: number): void {
    if (this.fastPath && this.fastParse(buf, start, end)) return;
    this.generalParse(buf, start, end, lineNo);
  }

  /**
   * The usual line, read in one pass with local variables: `{"key":value,…}` without whitespace, the five
   * fields of the layout once each (any order), `ts` an integer string or number, levels
   * `["px","sz","count"]` of plain decimals (at most 15 digits: exact mantissas, as parseDecimalBytes' own
   * fast path), px > 0. Anything else (whitespace, escapes, other fields, a sign or exponent, a field
   * missing or repeated, a value out of range) returns false with nothing kept, and `generalParse` reads the
   * line: its rules decide what is accepted and every error message, this path decides speed only.
   */
  private fastParse(buf: Uint8Array, start: number, end: number): boolean {
    if (buf[start] !== LBRACE || buf[end - 1] !== RBRACE) return false;
    let i = start + 1;
    let seen = 0; // bits: 1 instId, 2 action, 4 ts, 8 asks, 16 bids
    let instStart = -1;
    let instEnd = -1;
    let action = 0;
    let tsMs = NaN;
    const asks = this.asks;
    const bids = this.bids;
    asks.n = 0;
    bids.n = 0;
    for (;;) {
      if (buf[i] !== Q) return false;
      const ks = i + 1;
      let ke = ks;
      while (ke < end && buf[ke] !== Q && buf[ke] !== BACKSLASH) ke++;
      if (buf[ke] !== Q || buf[ke + 1] !== COLON) return false;
      i = ke + 2;
      let bit: number;
      if (bytesEqual(buf, ks, ke, KEY_ASKS) || bytesEqual(buf, ks, ke, KEY_BIDS)) {
        bit = buf[ks] === 0x61 ? 8 : 16;
        const into = bit === 8 ? asks : bids;
        if (buf[i] !== LBRACKET) return false;
        i++;
        if (buf[i] === RBRACKET) i++;
        else {
          for (;;) {
            // ["px","sz","count"]
            if (buf[i] !== LBRACKET || buf[i + 1] !== Q) return false;
            i += 2;
            let px = 0;
            let sz = 0;
            let count = 0;
            for (let e = 0; e < 3; e++) {
              let mantissa = 0;
              let dot = -1;
              const itemStart = i;
              let c = buf[i];
              for (; ; c = buf[++i]) {
                if (c >= 48 && c <= 57) mantissa = mantissa * 10 + (c - 48);
                else if (c === 46 && dot < 0) dot = i;
                else break;
              }
              const digits = dot < 0 ? i - itemStart : i - itemStart - 1;
              if (c !== Q || digits === 0 || digits > 15) return false;
              const value = dot < 0 ? mantissa : mantissa / POW10[i - dot - 1];
              if (e === 0) px = value;
              else if (e === 1) sz = value;
              else count = value;
              // after the item's quote: "," then the next quote, or "]"
              if (e < 2) {
                if (buf[i + 1] !== COMMA || buf[i + 2] !== Q) return false;
                i += 3;
              } else {
                if (buf[i + 1] !== RBRACKET) return false;
                i += 2;
              }
            }
            if (!(px > 0)) return false;
            into.push(px, sz, count);
            const c = buf[i];
            if (c === COMMA) {
              i++;
              continue;
            }
            if (c !== RBRACKET) return false;
            i++;
            break;
          }
        }
      } else if (bytesEqual(buf, ks, ke, KEY_TS)) {
        bit = 4;
        const quoted = buf[i] === Q;
        if (quoted) i++;
        const s = i;
        let v = 0;
        for (let c = buf[i]; c >= 48 && c <= 57; c = buf[++i]) v = v * 10 + (c - 48);
        if (i === s || i - s > 15) return false;
        if (quoted) {
          if (buf[i] !== Q) return false;
          i++;
        }
        tsMs = v;
      } else if (bytesEqual(buf, ks, ke, KEY_INST)) {
        bit = 1;
        if (buf[i] !== Q) return false;
        instStart = ++i;
        while (i < end && buf[i] !== Q && buf[i] !== BACKSLASH) i++;
        if (buf[i] !== Q) return false;
        instEnd = i++;
      } else if (bytesEqual(buf, ks, ke, KEY_ACTION)) {
        bit = 2;
        if (buf[i] !== Q) return false;
        const s = ++i;
        while (i < end && buf[i] !== Q && buf[i] !== BACKSLASH) i++;
        if (buf[i] !== Q) return false;
        if (bytesEqual(buf, s, i, SNAPSHOT)) action = 1;
        else if (bytesEqual(buf, s, i, UPDATE)) action = 2;
        else return false;
        i++;
      } else return false;
      if (seen & bit) return false;
      seen |= bit;
      if (buf[i] === COMMA) {
        i++;
        continue;
      }
      if (i !== end - 1 || seen !== 31) return false;
      break;
    }
    this.instStart = instStart;
    this.instEnd = instEnd;
    this.action = action;
    this.tsMs = tsMs;
    if (this.unknown.length) this.unknown = [];
    return true;
  }

  private generalParse(buf: Uint8Array, start: number, end: number, lineNo: number): void {
    this.buf = buf;
    this.i = start;
    this.end = end;
    this.lineNo = lineNo;
    this.action = 0;
    this.tsMs = NaN;
    this.instEnd = this.instStart = -1;
    this.asks.n = 0;
    this.bids.n = 0;
    if (this.unknown.length) this.unknown = [];
    let seenAsks = false;
    let seenBids = false;
    this.expect(LBRACE, '', 'a JSON object "{"');
    this.ws();
    if (this.i < end && buf[this.i] === RBRACE) this.fail('instId', 'missing (empty object)');
    for (;;) {
      this.ctxKs = -1;
      this.ctxK = this.ctxE = -1;
      const ks = this.str('field name');
      const ke = this.strEnd;
      this.ctxKs = ks;
      this.ctxKe = ke;
      this.expect(COLON, undefined, '":"');
      if (bytesEqual(buf, ks, ke, KEY_ASKS)) {
        this.levels(this.asks, 'asks');
        seenAsks = true;
      } else if (bytesEqual(buf, ks, ke, KEY_BIDS)) {
        this.levels(this.bids, 'bids');
        seenBids = true;
      } else if (bytesEqual(buf, ks, ke, KEY_TS)) {
        this.ws();
        const quoted = buf[this.i] === Q;
        let s = this.i;
        let e: number;
        if (quoted) {
          s = this.str('ts');
          e = this.strEnd;
        } else {
          while (this.i < end && buf[this.i] >= 0x30 && buf[this.i] <= 0x39) this.i++;
          e = this.i;
        }
        let v = 0;
        for (let k = s; k < e; k++) {
          const c = buf[k] - 0x30;
          if (c < 0 || c > 9) this.fail('ts', `not an epoch-ms integer (${JSON.stringify(fieldText(buf, s, e))})`);
          v = v * 10 + c;
        }
        if (e === s) this.fail('ts', 'not an epoch-ms integer (empty)');
        this.tsMs = v;
      } else if (bytesEqual(buf, ks, ke, KEY_INST)) {
        this.instStart = this.str('instId');
        this.instEnd = this.strEnd;
      } else if (bytesEqual(buf, ks, ke, KEY_ACTION)) {
        const s = this.str('action');
        const e = this.strEnd;
        if (bytesEqual(buf, s, e, SNAPSHOT)) this.action = 1;
        else if (bytesEqual(buf, s, e, UPDATE)) this.action = 2;
        else this.fail('action', `expected "snapshot" or "update", found ${JSON.stringify(fieldText(buf, s, e))}`);
      } else {
        this.unknown.push(Buffer.from(buf.subarray(ks, ke)).toString('utf8'));
        this.skipValue(fieldText(buf, ks, ke));
      }
      this.ws();
      if (this.i < end && buf[this.i] === COMMA) {
        this.i++;
        continue;
      }
      this.ctxKs = ks;
      this.ctxKe = ke;
      this.ctxK = this.ctxE = -1;
      this.expect(RBRACE, undefined, '"," or "}" after the value');
      break;
    }
    this.ws();
    if (this.i < end) this.fail('', `unexpected text after the object: ${JSON.stringify(fieldText(buf, this.i, end))}`);
    if (this.instStart < 0) this.fail('instId', 'missing');
    if (this.action === 0) this.fail('action', 'missing');
    if (Number.isNaN(this.tsMs)) this.fail('ts', 'missing');
    if (!seenAsks) this.fail('asks', 'missing');
    if (!seenBids) this.fail('bids', 'missing');
  }

  private levels(into: LevelScratch, name: string): void {
    const buf = this.buf;
    this.ctxKs = -1;
    this.ctxName = name;
    this.ctxK = this.ctxE = -1;
    this.expect(LBRACKET, name, 'an array "["');
    this.ws();
    if (buf[this.i] === RBRACKET) {
      this.i++;
      return;
    }
    for (let k = 0; ; k++) {
      this.ws();
      this.ctxK = k;
      this.ctxE = -1;
      if (buf[this.i] !== LBRACKET) this.fail(this.where(), `expected a level [px, sz, count], found ${JSON.stringify(fieldText(buf, this.i, Math.min(this.end, this.i + 12)))}`);
      this.i++;
      this.ctxE = 0;
      const ps = this.str();
      const px = parseDecimalBytes(buf, ps, this.strEnd);
      if (!(px > 0) || !Number.isFinite(px)) this.fail(this.where(), Number.isNaN(px) ? `not a decimal (${JSON.stringify(fieldText(buf, ps, this.strEnd))})` : `price must be positive (${fieldText(buf, ps, this.strEnd)})`);
      this.ctxE = -1;
      this.expect(COMMA, undefined, 'three elements [px, sz, count]: ","');
      this.ctxE = 1;
      const ss = this.str();
      const sz = parseDecimalBytes(buf, ss, this.strEnd);
      if (!(sz >= 0) || !Number.isFinite(sz)) this.fail(this.where(), Number.isNaN(sz) ? `not a decimal (${JSON.stringify(fieldText(buf, ss, this.strEnd))})` : `size must not be negative (${fieldText(buf, ss, this.strEnd)})`);
      this.ctxE = -1;
      this.expect(COMMA, undefined, 'three elements [px, sz, count]: ","');
      this.ctxE = 2;
      const cs = this.str();
      const count = parseDecimalBytes(buf, cs, this.strEnd);
      if (!(count >= 0) || !Number.isFinite(count)) this.fail(this.where(), `not an order count (${JSON.stringify(fieldText(buf, cs, this.strEnd))})`);
      this.ws();
      this.ctxE = -1;
      if (buf[this.i] === COMMA) {
        let extra = 3;
        while (buf[this.i] === COMMA) {
          this.i++;
          this.skipValue(`${name}[${k}][${extra++}]`);
          this.ws();
        }
        this.fail(`${name}[${k}]`, `expected three elements [px, sz, count], found ${extra} (the WebSocket books channel has four; this is not OKX's history layout)`);
      }
      this.expect(RBRACKET, undefined, '"]" after three elements');
      into.push(px, sz, count);
      this.ws();
      if (buf[this.i] === COMMA) {
        this.i++;
        continue;
      }
      this.expect(RBRACKET, name, '"," or "]"');
      return;
    }
  }

  /** Skips one JSON value of any kind (for fields the layout does not name). */
  private skipValue(field: string): void {
    this.ws();
    const buf = this.buf;
    const c = buf[this.i];
    if (c === Q) {
      this.str(field);
      return;
    }
    if (c === LBRACE || c === LBRACKET) {
      let depth = 0;
      while (this.i < this.end) {
        const d = buf[this.i];
        if (d === Q) {
          this.str(field);
          continue;
        }
        if (d === LBRACE || d === LBRACKET) depth++;
        else if (d === RBRACE || d === RBRACKET) {
          depth--;
          if (depth === 0) {
            this.i++;
            return;
          }
        }
        this.i++;
      }
      this.fail(field, 'unterminated value');
    }
    const s = this.i;
    while (this.i < this.end && buf[this.i] !== COMMA && buf[this.i] !== RBRACE && buf[this.i] !== RBRACKET && !isWs(buf[this.i])) this.i++;
    if (this.i === s) this.fail(field, 'expected a value');
  }
}

/** Growable columns of one batch. */
class DeltaColumns {
  tsMs: Float64Array;
  side: Int8Array;
  px: Float64Array;
  qty: Float64Array;
  orders: Float64Array;
  flags: Uint8Array;
  lineNo: Float64Array;
  n = 0;
  constructor(private capacity: number) {
    this.tsMs = new Float64Array(capacity);
    this.side = new Int8Array(capacity);
    this.px = new Float64Array(capacity);
    this.qty = new Float64Array(capacity);
    this.orders = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.lineNo = new Float64Array(capacity);
  }
  private grow(): void {
    const capacity = (this.capacity *= 2);
    this.tsMs = withCapacity(this.tsMs, capacity);
    this.side = withCapacity(this.side, capacity);
    this.px = withCapacity(this.px, capacity);
    this.qty = withCapacity(this.qty, capacity);
    this.orders = withCapacity(this.orders, capacity);
    this.flags = withCapacity(this.flags, capacity);
    this.lineNo = withCapacity(this.lineNo, capacity);
  }
  /** Room for `rows` more rows. */
  reserve(rows: number): void {
    while (this.n + rows > this.capacity) this.grow();
  }
  /**
   * A row per level of `levels` (all of them, in order) at time `tsMs` on `side` with `flags`, written in one
   * loop (a `push` per level passed its doubles boxed); call `reserve` first.
   */
  levelRows(tsMs: number, side: number, levels: LevelScratch, flags: number, lineNo: number): void {
    const n = this.n;
    const count = levels.n;
    const px = levels.px;
    const sz = levels.sz;
    const orders = levels.count;
    const tsCol = this.tsMs;
    const sideCol = this.side;
    const pxCol = this.px;
    const qtyCol = this.qty;
    const ordersCol = this.orders;
    const flagsCol = this.flags;
    const lineCol = this.lineNo;
    for (let k = 0; k < count; k++) {
      const r = n + k;
      tsCol[r] = tsMs;
      sideCol[r] = side;
      pxCol[r] = px[k];
      qtyCol[r] = sz[k];
      ordersCol[r] = orders[k];
      flagsCol[r] = flags;
      lineCol[r] = lineNo;
    }
    this.n = n + count;
  }
  push(tsMs: number, side: number, px: number, qty: number, orders: number, flags: number, lineNo: number): void {
    if (this.n === this.capacity) this.grow();
    const n = this.n++;
    this.tsMs[n] = tsMs;
    this.side[n] = side;
    this.px[n] = px;
    this.qty[n] = qty;
    this.orders[n] = orders;
    this.flags[n] = flags;
    this.lineNo[n] = lineNo;
  }
}

/**
 * Top-N columns of one batch, written in place (`row` then `n++`): ts, then 4·depth level columns (bid px by
 * level, bid sz, ask px, ask sz). Plain Float64Arrays doubled when full, handed out as views.
 */
class TopColumns {
  ts: Float64Array;
  cols: Float64Array[];
  n = 0;
  constructor(readonly depth: number, private capacity: number) {
    this.ts = new Float64Array(capacity);
    this.cols = Array.from({ length: 4 * depth }, () => new Float64Array(capacity));
  }
  get rows(): number {
    return this.n;
  }
  /** Room for one more row. */
  reserve(): void {
    if (this.n < this.capacity) return;
    this.capacity *= 2;
    this.ts = withCapacity(this.ts, this.capacity);
    this.cols = this.cols.map((c) => withCapacity(c, this.capacity));
  }
  finish(meta: TableMeta): BookTable {
    const d = this.depth;
    const n = this.n;
    const cols = this.cols.map((c) => c.subarray(0, n));
    return { kind: 'book', depth: d, tsMs: this.ts.subarray(0, n), bidPx: cols.slice(0, d), bidSz: cols.slice(d, 2 * d), askPx: cols.slice(2 * d, 3 * d), askSz: cols.slice(3 * d, 4 * d), meta };
  }
}

/**
 * The decoder behind `openOkxBooks`: feed it the member's bytes (`push`, any chunking), then `finish()`.
 * Batches become ready as they fill (`takeBatches()`); `summary()` after `finish()`. Synchronous, so it can
 * be driven from a stream, a buffer or a benchmark alike.
 */
export class OkxBooksDecoder {
  private readonly parser: OkxBookLineParser;
  private book = new FullDepthBook();
  /** Where a later snapshot is built before it is compared with `book`; the two swap roles. */
  private check = new FullDepthBook();
  private readonly batchLevels: number;
  private readonly topLevels: number;
  private readonly keep: number;
  private instBytes: Buffer | undefined;
  private instId: string;
  private deltas: DeltaColumns;
  private top: TopColumns | undefined;
  private readonly lastTop: Float64Array;
  private readonly ready: OkxBookDeltaBatch[] = [];
  /** Splits pushed bytes into lines for `line`. */
  private readonly splitter = new ByteLineSplitter((buf, start, end) => this.line(buf, start, end));
  private lineNo = 0;
  private bytes = 0;
  private snapshots = 0;
  private updates = 0;
  private emptyUpdates = 0;
  private levelChanges = 0;
  private topRows = 0;
  private firstTs = NaN;
  private lastTs = NaN;
  private beforeFirst = 0;
  private snapshotsChecked = 0;
  private disagreements = 0;
  private readonly firstDisagreements: Array<{ tsMs: number; lineNo: number; levels: number; first: LevelDifference[] }> = [];
  private crossedLines = 0;
  private readonly firstCrossed: number[] = [];
  private crossedSince = NaN;
  private absentDeletes = 0;
  private zeroInSnapshots = 0;
  private readonly unknownFields = new Map<string, number>();
  private maxBid = 0;
  private maxAsk = 0;
  private readonly masks: MaskedInterval[] = [];
  private lastSnapshotTs = NaN;
  private readonly day: DayAlignment | undefined;
  private readonly meta: TableMeta;
  private finished = false;

  constructor(
    readonly path: string,
    readonly memberName: string,
    options: OkxBooksReadOptions = {},
  ) {
    this.parser = new OkxBookLineParser(path);
    this.batchLevels = options.batchLevels ?? 65_536;
    this.topLevels = options.topLevels ?? 5;
    this.keep = options.keep ?? 10;
    const named = parseOkxHistoryFileName(path) ?? parseOkxHistoryFileName(memberName);
    this.instId = options.inst ?? named?.inst ?? '';
    if (this.instId) this.instBytes = Buffer.from(this.instId);
    const date = options.date ?? named?.date;
    this.day = date ? new DayAlignment(date) : undefined;
    this.deltas = new DeltaColumns(Math.max(1024, this.batchLevels + 1024));
    if (this.topLevels > 0) this.top = new TopColumns(this.topLevels, this.topCapacity());
    this.lastTop = new Float64Array(4 * Math.max(0, this.topLevels)).fill(NaN);
    this.meta = { instrument: this.instId || undefined, source: `OKX daily order-book history ${path}`, extra: { 'okx.history.member': memberName } };
  }

  /** Feeds bytes of the member. */
  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.splitter.push(chunk);
  }

  /** Batches completed so far (removed from the decoder). */
  takeBatches(): OkxBookDeltaBatch[] {
    return this.ready.splice(0, this.ready.length);
  }

  /** Each batch's column builders, for `recycle`. */
  private readonly batchColumns = new WeakMap<OkxBookDeltaBatch, { deltas: DeltaColumns; top: TopColumns | undefined }>();
  /** Column builders of batches given back, filled again by the next batches instead of new ones. */
  private readonly spareDeltas: DeltaColumns[] = [];
  private readonly spareTops: TopColumns[] = [];

  /**
   * Gives a batch taken from this decoder back: its arrays are overwritten by a later batch, so call it only when
   * done with the batch (the catalog import, whose writer copies rows on append). A day's import then fills the
   * same few MB again and again instead of allocating them for every batch (on a realistic day, 1.8 GB of
   * arrays and the garbage collections they set off). A batch given back twice, or not this decoder's, is ignored.
   */
  recycle(batch: OkxBookDeltaBatch): void {
    const columns = this.batchColumns.get(batch);
    if (!columns) return;
    this.batchColumns.delete(batch);
    columns.deltas.n = 0;
    this.spareDeltas.push(columns.deltas);
    if (columns.top) {
      columns.top.n = 0;
      this.spareTops.push(columns.top);
    }
  }

  /** Ends the input: the last partial line is parsed, the last batch made ready. */
  finish(): void {
    if (this.finished) return;
    this.splitter.end();
    this.finished = true;
    this.flush();
    if (!Number.isNaN(this.crossedSince)) this.masks.push({ fromMs: this.crossedSince, toMs: this.lastTs + 1, reason: 'crossed book (best bid ≥ best ask) to the end of the file' });
  }

  private line(buf: Buffer, start: number, end: number): void {
    const lineNo = ++this.lineNo;
    let e = end;
    if (e > start && buf[e - 1] === 0x0d) e--;
    let s = start;
    while (s < e && isWs(buf[s])) s++;
    if (s === e) return; // blank line
    const p = this.parser;
    p.parse(buf, s, e, lineNo);
    if (this.instBytes === undefined) {
      this.instId = buf.toString('utf8', p.instStart, p.instEnd);
      this.instBytes = Buffer.from(this.instId);
    } else if (!bytesEqual(buf, p.instStart, p.instEnd, this.instBytes)) {
      throw new DataError(this.path, lineNo, 'instId', `expected ${this.instId}, found ${fieldText(buf, p.instStart, p.instEnd)}`);
    }
    const ts = p.tsMs;
    if (ts < this.lastTs) throw new DataError(this.path, lineNo, 'ts', `goes backwards: ${ts} after ${this.lastTs} (${this.lastTs - ts} ms)`);
    if (Number.isNaN(this.firstTs)) this.firstTs = ts;
    this.lastTs = ts;
    this.day?.add(ts);
    for (const name of p.unknown) this.unknownFields.set(name, (this.unknownFields.get(name) ?? 0) + 1);
    // (the line's time is read back from lastTs: a double argument is boxed for a call V8 does not inline)
    if (p.action === 1) this.snapshot(lineNo);
    else this.update(lineNo);
    if (this.book.bidLevels > this.maxBid) this.maxBid = this.book.bidLevels;
    if (this.book.askLevels > this.maxAsk) this.maxAsk = this.book.askLevels;
    if (this.deltas.n >= this.batchLevels) this.flush();
  }

  private snapshot(lineNo: number): void {
    const ts = this.lastTs;
    const p = this.parser;
    this.snapshots++;
    const first = this.snapshots === 1;
    // build the snapshot's own book, compare it with the built one (from the second snapshot on), then it
    // replaces the book (the two swap roles)
    const snap = this.check;
    snap.clear();
    this.loadSide(snap, BOOK_SIDE_BID, p.bids, lineNo, 'bids');
    this.loadSide(snap, BOOK_SIDE_ASK, p.asks, lineNo, 'asks');
    if (first) {
      if (this.beforeFirst > 0) this.masks.push({ fromMs: this.firstTs, toMs: ts, reason: `${this.beforeFirst} lines before the first snapshot (book unknown)` });
    } else {
      this.snapshotsChecked++;
      const { count, first: levels } = this.book.differences(snap, 5);
      if (count > 0) {
        this.disagreements++;
        if (this.firstDisagreements.length < this.keep) this.firstDisagreements.push({ tsMs: ts, lineNo, levels: count, first: levels });
        this.masks.push({ fromMs: Number.isNaN(this.lastSnapshotTs) ? this.firstTs : this.lastSnapshotTs, toMs: ts, reason: `snapshot at line ${lineNo} disagrees with the book built up to it (${count} levels)` });
      }
    }
    this.check = this.book;
    this.book = snap;
    this.lastSnapshotTs = ts;
    // rows: every level of the snapshot, bids then asks, in the line's order
    const d = this.deltas;
    const startRow = d.n;
    const nb = p.bids.n;
    const na = p.asks.n;
    for (let k = 0; k < nb; k++) if (p.bids.sz[k] > 0) d.push(ts, BOOK_SIDE_BID, p.bids.px[k], p.bids.sz[k], p.bids.count[k], DELTA_SNAPSHOT, lineNo);
    for (let k = 0; k < na; k++) if (p.asks.sz[k] > 0) d.push(ts, BOOK_SIDE_ASK, p.asks.px[k], p.asks.sz[k], p.asks.count[k], DELTA_SNAPSHOT, lineNo);
    if (d.n === startRow) d.push(ts, 0, NaN, NaN, NaN, DELTA_SNAPSHOT, lineNo);
    d.flags[startRow] |= DELTA_SNAPSHOT_START;
    d.flags[d.n - 1] |= DELTA_MESSAGE_END;
    this.levelChanges += d.n - startRow;
    this.afterLine(true);
  }

  private loadSide(book: FullDepthBook, side: number, levels: LevelScratch, lineNo: number, name: string): void {
    for (let k = 0; k < levels.n; k++) {
      const sz = levels.sz[k];
      if (sz === 0) {
        this.zeroInSnapshots++;
        continue;
      }
      const before = side === BOOK_SIDE_BID ? book.bidLevels : book.askLevels;
      book.set(side, levels.px[k], sz, levels.count[k]);
      if ((side === BOOK_SIDE_BID ? book.bidLevels : book.askLevels) === before) throw new DataError(this.path, lineNo, `${name}[${k}][0]`, `price ${levels.px[k]} repeats within the snapshot`);
    }
  }

  private update(lineNo: number): void {
    const ts = this.lastTs;
    const p = this.parser;
    this.updates++;
    if (this.snapshots === 0) {
      this.beforeFirst++;
      return;
    }
    const nb = p.bids.n;
    const na = p.asks.n;
    if (nb + na === 0) {
      this.emptyUpdates++;
      return;
    }
    // the book, a side at a time (its deletes of absent levels counted), then the rows: bids then asks, each in
    // the line's order (the book and the rows do not depend on each other)
    this.absentDeletes += this.book.applyLevels(BOOK_SIDE_BID, p.bids.px, p.bids.sz, p.bids.count, nb) + this.book.applyLevels(BOOK_SIDE_ASK, p.asks.px, p.asks.sz, p.asks.count, na);
    const d = this.deltas;
    d.reserve(nb + na);
    d.levelRows(ts, BOOK_SIDE_BID, p.bids, DELTA_UPDATE, lineNo);
    d.levelRows(ts, BOOK_SIDE_ASK, p.asks, DELTA_UPDATE, lineNo);
    d.flags[d.n - 1] |= DELTA_MESSAGE_END;
    this.levelChanges += nb + na;
    this.afterLine(false);
  }

  private afterLine(snapshot: boolean): void {
    const ts = this.lastTs;
    const book = this.book;
    if (book.crossed()) {
      this.crossedLines++;
      if (this.firstCrossed.length < this.keep) this.firstCrossed.push(ts);
      if (Number.isNaN(this.crossedSince)) this.crossedSince = ts;
    } else if (!Number.isNaN(this.crossedSince)) {
      this.masks.push({ fromMs: this.crossedSince, toMs: ts, reason: 'crossed book (best bid ≥ best ask)' });
      this.crossedSince = NaN;
    }
    const top = this.top;
    if (!top) return;
    const n = this.topLevels;
    const last = this.lastTop;
    // the book's sides hold their best level last (see okxHistoryBookState.ts): level l is at n - 1 - l. One
    // pass reads the new top into `last`, noting whether it changed (a NaN level equals a NaN one)
    const bids = book.bids;
    const asks = book.asks;
    const nb = bids.n;
    const na = asks.n;
    const bidKeys = bids.key;
    const bidSizes = bids.sz;
    const askKeys = asks.key;
    const askSizes = asks.sz;
    // NaN for a missing level, read from an array: with the NaN literal in the conditionals below, V8 kept the
    // four values boxed (a heap number each, 300 bytes of garbage a line)
    const missing = NO_LEVEL[0];
    let changed = snapshot;
    for (let l = 0; l < n; l++) {
      const bp = l < nb ? bidKeys[nb - 1 - l] : missing;
      const bs = l < nb ? bidSizes[nb - 1 - l] : missing;
      const ap = l < na ? -askKeys[na - 1 - l] : missing;
      const as = l < na ? askSizes[na - 1 - l] : missing;
      if (!changed && !(same(last[l], bp) && same(last[n + l], bs) && same(last[2 * n + l], ap) && same(last[3 * n + l], as))) changed = true;
      last[l] = bp;
      last[n + l] = bs;
      last[2 * n + l] = ap;
      last[3 * n + l] = as;
    }
    if (!changed) return;
    top.reserve();
    const r = top.n++;
    top.ts[r] = ts;
    const cols = top.cols;
    for (let c = 0; c < 4 * n; c++) cols[c][r] = last[c];
    this.topRows++;
  }

  /** First capacity of a batch's top rows: a line changes at least one level, and usually several. */
  private topCapacity(): number {
    return Math.max(1024, this.batchLevels >> 2);
  }

  private flush(): void {
    const d = this.deltas;
    const top = this.top;
    if (d.n === 0 && (!top || top.rows === 0)) return;
    const n = d.n;
    const batch: OkxBookDeltaBatch = {
      length: n,
      tsMs: d.tsMs.subarray(0, n),
      side: d.side.subarray(0, n),
      px: d.px.subarray(0, n),
      qty: d.qty.subarray(0, n),
      orders: d.orders.subarray(0, n),
      flags: d.flags.subarray(0, n),
      lineNo: d.lineNo.subarray(0, n),
      ...(top ? { top: top.finish({ ...this.meta, instrument: this.instId || undefined }) } : {}),
    };
    this.batchColumns.set(batch, { deltas: d, top });
    this.ready.push(batch);
    this.deltas = this.spareDeltas.pop() ?? new DeltaColumns(Math.max(1024, this.batchLevels + 1024));
    if (top) this.top = this.spareTops.pop() ?? new TopColumns(this.topLevels, this.topCapacity());
  }

  /** What the file held and what the checks found; call after `finish()`. */
  summary(): OkxBooksSummary {
    if (!this.finished) throw new Error('OkxBooksDecoder.summary(): call finish() first');
    const day = this.day?.result();
    const masked = mergeMasks(this.masks);
    const notes: string[] = [
      `${this.lines()} lines: ${this.snapshots} snapshots, ${this.updates} updates; ${this.levelChanges} level changes, ${this.topRows} top-${this.topLevels} rows; up to ${this.maxBid} bid and ${this.maxAsk} ask levels`,
      `no seqId and no checksum in OKX's history files: a gap inside the file cannot be detected, only a disagreement at the next snapshot (about every 15 min)`,
      `${this.snapshotsChecked} snapshots checked against the book built up to them: ${this.disagreements} disagreed` +
        (this.firstDisagreements.length ? ` (first at ${new Date(this.firstDisagreements[0].tsMs).toISOString()}, line ${this.firstDisagreements[0].lineNo}, ${this.firstDisagreements[0].levels} levels)` : ''),
    ];
    if (this.crossedLines) notes.push(`${this.crossedLines} lines left the book crossed (first at ${new Date(this.firstCrossed[0]).toISOString()})`);
    if (this.beforeFirst) notes.push(`${this.beforeFirst} lines before the first snapshot were not applied`);
    if (this.absentDeletes) notes.push(`${this.absentDeletes} deletes of levels the book did not hold (a lost update would show this way; not masked, as the loss cannot be placed in time)`);
    if (this.zeroInSnapshots) notes.push(`${this.zeroInSnapshots} zero-size levels inside snapshots ignored`);
    if (this.emptyUpdates) notes.push(`${this.emptyUpdates} update lines with no level`);
    if (this.unknownFields.size) notes.push(`fields not in the layout (ignored): ${[...this.unknownFields].map(([k, v]) => `${k} (${v} lines)`).join(', ')}`);
    if (day) notes.push(`day ${day.date}: ${day.description}`);
    notes.push(...describeMasks(maskSummary(masked), 10));
    return {
      path: this.path,
      memberName: this.memberName,
      instId: this.instId,
      lines: this.lines(),
      snapshots: this.snapshots,
      updates: this.updates,
      emptyUpdates: this.emptyUpdates,
      levelChanges: this.levelChanges,
      topRows: this.topRows,
      bytes: this.bytes,
      firstTsMs: this.firstTs,
      lastTsMs: this.lastTs,
      linesBeforeFirstSnapshot: this.beforeFirst,
      snapshotsChecked: this.snapshotsChecked,
      snapshotDisagreements: this.disagreements,
      firstDisagreements: this.firstDisagreements,
      crossedLines: this.crossedLines,
      firstCrossedTsMs: this.firstCrossed,
      deletesOfAbsentLevels: this.absentDeletes,
      zeroLevelsInSnapshots: this.zeroInSnapshots,
      unknownFields: Object.fromEntries(this.unknownFields),
      maxBidLevels: this.maxBid,
      maxAskLevels: this.maxAsk,
      masked,
      ...(day ? { day } : {}),
      notes,
    };
  }

  private lines(): number {
    return this.lineNo;
  }
}

const same = (a: number, b: number) => a === b || (a !== a && b !== b);
/** The value of a level the book does not have (see afterLine). */
const NO_LEVEL = Float64Array.of(NaN);

/** An opened books day file: iterate it for batches, then ask for the summary. */
export interface OkxBooksStream extends AsyncIterable<OkxBookDeltaBatch> {
  readonly path: string;
  readonly memberName: string;
  /** The member's uncompressed size when the archive states it. */
  readonly memberBytes?: number;
  /** Available once the iteration has ended (throws before). */
  summary(): OkxBooksSummary;
  /** Gives a batch back for its arrays to be reused by a later one (OkxBooksDecoder.recycle): only when done with it. */
  recycle(batch: OkxBookDeltaBatch): void;
}

/**
 * Opens an OKX books day file (tar.gz, zip, gzip or plain NDJSON, by content) for streaming. Iterate it once:
 * `for await (const batch of stream) …`, then `stream.summary()`. Memory: one batch (≈ `batchLevels` rows,
 * a few MB) plus the full-depth book, whatever the file's size.
 * @example
 * const books = await openOkxBooks('BTC-USDT-L2orderbook-400lv-2025-11-01.tar.gz');
 * for await (const batch of books) catalog.append(batch);
 * books.summary().snapshotDisagreements // 0
 */
export async function openOkxBooks(path: string, options: OkxBooksReadOptions = {}): Promise<OkxBooksStream> {
  const member = await openArchiveMember(path);
  const decoder = new OkxBooksDecoder(path, member.memberName, options);
  let done = false;
  let used = false;
  async function* batches(stream: Readable): AsyncGenerator<OkxBookDeltaBatch> {
    try {
      for await (const chunk of stream) {
        decoder.push(chunk as Buffer);
        for (const batch of decoder.takeBatches()) yield batch;
      }
      decoder.finish();
      for (const batch of decoder.takeBatches()) yield batch;
      done = true;
    } finally {
      stream.destroy();
    }
  }
  return {
    path,
    memberName: member.memberName,
    ...(member.memberBytes !== undefined ? { memberBytes: member.memberBytes } : {}),
    [Symbol.asyncIterator]() {
      if (used) throw new Error(`${path}: an OKX books stream can be iterated once`);
      used = true;
      return batches(member.stream);
    },
    summary() {
      if (!done) throw new Error(`${path}: the summary is known once every batch has been read`);
      return decoder.summary();
    },
    recycle: (batch) => decoder.recycle(batch),
  };
}

/**
 * Reads a whole books day file into memory as a BookTable of the best `depth` levels after each line that
 * changed them (for `asmm inspect`/`convert` on small files; the catalog streams instead). Masked intervals
 * from the summary are kept on the table; the summary's notes come with it.
 */
export async function readOkxBooksTable(path: string, depth = 5, options: Omit<OkxBooksReadOptions, 'topLevels'> = {}): Promise<{ book: BookTable; summary: OkxBooksSummary }> {
  const stream = await openOkxBooks(path, { ...options, topLevels: depth });
  const top = new TopRows(depth);
  for await (const batch of stream) top.push(batch.top!);
  const summary = stream.summary();
  return { book: top.finish(path, summary), summary };
}

/** The top-N rows of a stream's batches, joined into one BookTable (`readOkxBooksTable`, `readOkxBooksDepthEvents`). */
class TopRows {
  private readonly ts = new Float64ColumnBuilder();
  private readonly cols: Float64ColumnBuilder[];
  constructor(private readonly depth: number) {
    this.cols = Array.from({ length: 4 * depth }, () => new Float64ColumnBuilder());
  }
  push(top: BookTable): void {
    const rows = top.tsMs.length;
    const parts = [...top.bidPx, ...top.bidSz, ...top.askPx, ...top.askSz];
    for (let r = 0; r < rows; r++) this.ts.push(top.tsMs[r]);
    parts.forEach((col, c) => {
      for (let r = 0; r < rows; r++) this.cols[c].push(col[r]);
    });
  }
  finish(path: string, summary: OkxBooksSummary): BookTable {
    const depth = this.depth;
    const arrays = this.cols.map((c) => c.finish());
    return {
      kind: 'book',
      depth,
      tsMs: this.ts.finish(),
      bidPx: arrays.slice(0, depth),
      bidSz: arrays.slice(depth, 2 * depth),
      askPx: arrays.slice(2 * depth, 3 * depth),
      askSz: arrays.slice(3 * depth, 4 * depth),
      meta: { instrument: summary.instId, source: `OKX daily order-book history ${path}`, extra: { 'okx.history.member': summary.memberName } },
      masked: summary.masked,
    };
  }
}

const TAR_BOOKS_MEMBER = /-L2orderbook-\d+lv-\d{4}-\d{2}-\d{2}\.data$/;

/** Whether probed content is an OKX books day file: a tar or zip whose member is named like one, or the NDJSON itself. */
export function isOkxBooksContent(probe: FileProbe): boolean {
  const head = probe.head;
  // a tar.gz: probe.head is the decompressed start, a tar header (member name in bytes 0..100, "ustar" at 257)
  if (probe.gzip && head.length >= 263 && head.subarray(257, 262).toString('latin1') === 'ustar') {
    const name = head.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    return TAR_BOOKS_MEMBER.test(name);
  }
  // a zip: local file header, name at byte 30 of length at byte 26
  if (head.length >= 30 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) {
    const nameLength = head.readUInt16LE(26);
    return TAR_BOOKS_MEMBER.test(head.subarray(30, 30 + nameLength).toString('utf8'));
  }
  return /^\{\s*"instId"\s*:\s*"[^"]+"\s*,\s*"action"\s*:\s*"(snapshot|update)"\s*,\s*"ts"\s*:/.test(probe.firstLine) && /"asks"\s*:\s*\[\s*(\]|\[\s*"[^"]*"\s*,\s*"[^"]*"\s*,\s*"[^"]*"\s*\])/.test(probe.head.toString('utf8'));
}

/** OKX's daily order-book history as a format of the registry (replayed: the book is rebuilt from the file). */
export const okxHistoryBooksFormat: CaptureFormat = {
  name: 'okx-history-books',
  holds: 'capture',
  canHandle: isOkxBooksContent,
  async replay(path, depth) {
    const { book, summary } = await readOkxBooksTable(path, depth);
    return { tables: [book], notes: [...summary.notes] };
  },
};

/**
 * A books day file's level changes at full depth, as `replayDepth` reads them (a snapshot line: a marker row,
 * side 0, that clears the book, then its levels; an update line: its levels), with the top `depth` levels after
 * each line that changed them (what the estimators and the top-N replay read) and the reader's summary (its
 * masked intervals: before the first snapshot, snapshots that disagreed with the book built up to them).
 * In memory: about 25 bytes per level change (a 400-level BTC-USDT day: about 20 M changes, 0.5 GB).
 */
export async function readOkxBooksDepthEvents(path: string, depth = 5, options: Omit<OkxBooksReadOptions, 'topLevels'> = {}): Promise<{ events: { tsMs: Float64Array; side: Int8Array; px: Float64Array; qty: Float64Array; orders: Float64Array }; book: BookTable; summary: OkxBooksSummary }> {
  const stream = await openOkxBooks(path, { ...options, topLevels: depth });
  const ts = new Float64ColumnBuilder();
  const side = new ColumnBuilder(Int8Array);
  const px = new Float64ColumnBuilder();
  const qty = new Float64ColumnBuilder();
  const orders = new Float64ColumnBuilder();
  const top = new TopRows(depth);
  for await (const batch of stream) {
    for (let r = 0; r < batch.length; r++) {
      const flags = batch.flags[r];
      if (flags & DELTA_SNAPSHOT_START) {
        ts.push(batch.tsMs[r]);
        side.push(0);
        px.push(NaN);
        qty.push(NaN);
        orders.push(NaN);
      }
      if (batch.side[r] === 0) continue; // an empty snapshot's marker
      ts.push(batch.tsMs[r]);
      side.push(batch.side[r]);
      px.push(batch.px[r]);
      qty.push(batch.qty[r]);
      orders.push(batch.orders[r]);
    }
    top.push(batch.top!);
  }
  const summary = stream.summary();
  const book = top.finish(path, summary);
  return { events: { tsMs: ts.finish(), side: side.finish(), px: px.finish(), qty: qty.finish(), orders: orders.finish() }, book, summary };
}
