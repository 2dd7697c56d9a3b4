import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BookStream, NormalizedRowSink } from '../okx/normalizer.js';
import type { ChannelArg } from '../okx/messages.js';
import { bookColumnNames, tradeColumnNames } from '../data/tables.js';
import { LineFile } from './lineFile.js';
import { acquireOutDirLock, type OutDirLock } from './outDirLock.js';
import { GAP_CSV_HEADER, frameLine, gapCsvLine, recordLine, type GapRecord, type RawRecord } from './rawRecords.js';

/** When the recorder starts a new segment (a new set of files). */
export interface RotationPolicy {
  /** Start a new segment when the UTC hour of the receive time changes. */
  readonly hourly: boolean;
  /** Start a new segment when the raw file reaches this many bytes. */
  readonly maxRawBytes: number;
}

export const DEFAULT_ROTATION: RotationPolicy = { hourly: true, maxRawBytes: 256 * 1024 * 1024 };

/** `20261128T120000Z`: a UTC time as used in file names. */
export function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

function csvNumber(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

/**
 * The files of one recording session in `dir`, segment by segment, where a segment is named
 * `<session>.<NNNN>` (session = UTC start time, NNNN = 0001, 0002, ...; names sort in time order):
 * `okx.<segment>.raw.ndjson`, `<inst>.<channel>.<segment>.csv` (books: ts_ms, local_ts_ms and per-level
 * columns, with the orders per level when the channel gives them), `<inst>.trades.<segment>.csv`, and one `gaps.<session>.csv` for the session. Every file is
 * written as `.partial` and renamed when its segment ends, so complete files carry their final name.
 * The directory is locked while the files are open (`.asmm-record.lock`, see outDirLock.ts): a second
 * recorder into it is refused. A session started within the same second as an earlier one in the directory
 * gets a suffix (`20261128T120000Z-2`).
 */
export class CaptureFiles implements NormalizedRowSink {
  readonly session: string;
  private segment = '';
  private segmentHour = -1;
  private raw!: LineFile;
  private readonly books = new Map<string, LineFile>();
  /** Whether each book file has order-count columns (decided by its first row). */
  private readonly withCounts = new Map<string, boolean>();
  private readonly trades = new Map<string, LineFile>();
  private readonly gaps: LineFile;
  private closed = false;
  private readonly lock: OutDirLock;
  /** Rows written to table files, bytes closed into finished files, files finished. */
  readonly counts = { bookRows: 0, trades: 0, gaps: 0, closedBytes: 0, segments: 0 };
  /** Final paths of every file finished so far. */
  readonly finishedFiles: string[] = [];

  constructor(
    readonly dir: string,
    private readonly header: { readonly url: string; readonly args: readonly ChannelArg[]; readonly depth: number },
    startMs: number,
    private readonly rotation: RotationPolicy = DEFAULT_ROTATION,
    onWarning?: (message: string) => void,
  ) {
    mkdirSync(dir, { recursive: true });
    this.lock = acquireOutDirLock(dir, startMs, onWarning);
    try {
      let session = utcStamp(startMs);
      for (let n = 2; existsSync(join(dir, `gaps.${session}.csv`)) || existsSync(join(dir, `gaps.${session}.csv.partial`)); n++) session = `${utcStamp(startMs)}-${n}`;
      this.session = session;
      this.gaps = new LineFile(join(dir, `gaps.${this.session}.csv`), 0);
      this.gaps.write(GAP_CSV_HEADER);
      this.startSegment(startMs);
    } catch (error) {
      this.lock.release();
      throw error;
    }
  }

  private startSegment(nowMs: number): void {
    const segment = `${this.session}.${String(this.counts.segments + 1).padStart(4, '0')}`;
    this.segment = segment;
    this.segmentHour = Math.floor(nowMs / 3_600_000);
    this.counts.segments++;
    this.raw = new LineFile(join(this.dir, `okx.${segment}.raw.ndjson`));
    this.raw.write(recordLine({ type: 'segment', session: this.session, segment, url: this.header.url, args: this.header.args, depth: this.header.depth, local_ts_ms: nowMs }));
  }

  private finishSegment(): void {
    for (const file of [this.raw, ...this.books.values(), ...this.trades.values()]) this.finish(file);
    this.books.clear();
    this.withCounts.clear();
    this.trades.clear();
  }

  private finish(file: LineFile): void {
    file.close();
    this.counts.closedBytes += file.bytes;
    this.finishedFiles.push(file.path);
  }

  /** Starts a new segment when the hour changed or the raw file is full; call before writing a frame. */
  rotateIfDue(nowMs: number): boolean {
    const hourChanged = this.rotation.hourly && Math.floor(nowMs / 3_600_000) !== this.segmentHour;
    if (!hourChanged && this.raw.bytes < this.rotation.maxRawBytes) return false;
    this.finishSegment();
    this.startSegment(nowMs);
    return true;
  }

  /** Bytes written or buffered in all files. */
  get bytes(): number {
    let open = this.raw.bytes + this.gaps.bytes;
    for (const f of this.books.values()) open += f.bytes;
    for (const f of this.trades.values()) open += f.bytes;
    return this.counts.closedBytes + open;
  }

  frame(type: 'sent' | 'recv', conn: number, localTsMs: number, frame: string): void {
    this.raw.write(frameLine(type, conn, localTsMs, frame));
  }

  record(record: RawRecord): void {
    this.raw.write(recordLine(record));
  }

  gap(gap: GapRecord): void {
    this.counts.gaps++;
    this.raw.write(recordLine(gap));
    this.gaps.write(gapCsvLine(gap));
    this.gaps.flush();
  }

  bookRow(stream: BookStream, tsMs: number, localTsMs: number, bidPx: readonly number[], bidSz: readonly number[], askPx: readonly number[], askSz: readonly number[], bidCount?: readonly number[], askCount?: readonly number[]): void {
    const key = `${stream.instId}\t${stream.channel}`;
    let file = this.books.get(key);
    const depth = this.header.depth;
    if (!file) {
      // OKX book channels give each level's order count: the file keeps them when its first row has them
      const withCounts = bidCount !== undefined && askCount !== undefined && (bidCount.some((c) => c === c) || askCount.some((c) => c === c));
      file = new LineFile(join(this.dir, `${safeName(stream.instId)}.${safeName(stream.channel)}.${this.segment}.csv`));
      file.write(bookColumnNames(depth, true, withCounts).join(',') + '\n');
      this.books.set(key, file);
      this.withCounts.set(key, withCounts);
    }
    let line = `${tsMs},${localTsMs}`;
    for (const side of [bidPx, bidSz, askPx, askSz]) {
      for (let l = 0; l < depth; l++) line += ',' + (l < side.length ? csvNumber(side[l]) : '');
    }
    if (this.withCounts.get(key)) {
      for (const [prices, counts] of [[bidPx, bidCount], [askPx, askCount]] as const) {
        for (let l = 0; l < depth; l++) line += ',' + (l < prices.length && counts !== undefined && l < counts.length && counts[l] === counts[l] ? csvNumber(counts[l]) : '');
      }
    }
    file.write(line + '\n');
    this.counts.bookRows++;
  }

  trade(instId: string, tsMs: number, localTsMs: number, id: number, side: number, px: number, sz: number): void {
    let file = this.trades.get(instId);
    if (!file) {
      file = new LineFile(join(this.dir, `${safeName(instId)}.trades.${this.segment}.csv`));
      file.write(tradeColumnNames(true).join(',') + '\n');
      this.trades.set(instId, file);
    }
    file.write(`${tsMs},${localTsMs},${id},${side === 1 ? 'buy' : 'sell'},${px},${sz}\n`);
    this.counts.trades++;
  }

  /** Flushes buffered lines to disk (files stay open and `.partial`). */
  flush(): void {
    this.raw.flush();
    for (const f of this.books.values()) f.flush();
    for (const f of this.trades.values()) f.flush();
  }

  /** Finishes every file. Idempotent; synchronous, so safe in a signal handler. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.finishSegment();
      this.finish(this.gaps);
    } finally {
      this.lock.release();
    }
  }
}
