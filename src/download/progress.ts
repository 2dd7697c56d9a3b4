/**
 * The download's progress line on stderr: files done of planned, bytes received, rate and ETA. On a terminal
 * it is redrawn in place (`\r`, erase to end of line) at most every `redrawMs`; otherwise (a log file, CI) a
 * plain line is written every `plainEveryMs`. Event lines (`log`) erase the redrawn line first so both stay
 * readable.
 *
 * ETA = remaining bytes / rate, with rate = bytes received since the start / elapsed seconds, and remaining
 * bytes = (stated total − received) of the files in flight + files not started × the mean size of the files
 * finished so far (unknown, shown `?`, until one file has finished).
 */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface DownloadProgressOptions {
  readonly filesTotal: number;
  /** Default process.stderr. */
  readonly out?: ProgressSink;
  /** Overrides `out.isTTY`. */
  readonly tty?: boolean;
  /** Draw nothing but the event lines. */
  readonly quiet?: boolean;
  readonly redrawMs?: number;
  readonly plainEveryMs?: number;
  /** Clock, ms (tests). */
  readonly now?: () => number;
}

/** Formats bytes with binary units. @example formatBytes(1536) // '1.5 KiB' */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Formats seconds as `1h02m`, `3m05s` or `42s`. @example formatEta(3725) // '1h02m' */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

export class DownloadProgress {
  private readonly out: ProgressSink;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly startMs: number;
  private lastDrawMs = -Infinity;
  private drawn = false;
  private filesDone = 0;
  private receivedBytes = 0;
  /** Bytes and stated totals of the files in flight, by key. */
  private readonly active = new Map<string, { bytes: number; totalBytes?: number }>();
  private finishedBytes = 0;
  private finishedFiles = 0;

  constructor(private readonly options: DownloadProgressOptions) {
    this.out = options.out ?? process.stderr;
    this.tty = options.tty ?? Boolean(this.out.isTTY);
    this.now = options.now ?? Date.now;
    this.startMs = this.now();
  }

  /** A file starts (or resumes with `bytesOnDisk` already there). */
  start(key: string, bytesOnDisk = 0): void {
    this.active.set(key, { bytes: bytesOnDisk });
  }

  total(key: string, totalBytes: number): void {
    const entry = this.active.get(key);
    if (entry) entry.totalBytes = totalBytes;
  }

  /** Bytes appended to a file (negative when a restart discarded some). */
  bytes(key: string, delta: number): void {
    const entry = this.active.get(key);
    if (entry) entry.bytes += delta;
    if (delta > 0) this.receivedBytes += delta;
    this.tick();
  }

  /** A file is settled (downloaded, skipped, missing or failed); `sizeBytes` counts toward the mean file size. */
  done(key: string, sizeBytes?: number): void {
    this.active.delete(key);
    this.filesDone++;
    if (sizeBytes !== undefined && sizeBytes > 0) {
      this.finishedBytes += sizeBytes;
      this.finishedFiles++;
    }
    this.tick();
  }

  /** An event line, printed whole (the progress line is erased first and redrawn later). */
  log(line: string): void {
    this.clear();
    this.out.write(line + '\n');
  }

  /** The progress text. */
  line(): string {
    const elapsedSec = Math.max(1e-3, (this.now() - this.startMs) / 1000);
    const rate = this.receivedBytes / elapsedSec;
    let remaining = 0;
    let known = true;
    for (const entry of this.active.values()) {
      if (entry.totalBytes === undefined) known = false;
      else remaining += Math.max(0, entry.totalBytes - entry.bytes);
    }
    const notStarted = this.options.filesTotal - this.filesDone - this.active.size;
    if (notStarted > 0) {
      if (this.finishedFiles === 0) known = false;
      else remaining += notStarted * (this.finishedBytes / this.finishedFiles);
    }
    const eta = known && rate > 0 ? formatEta(remaining / rate) : '?';
    return `files ${this.filesDone}/${this.options.filesTotal}, ${formatBytes(this.receivedBytes)} at ${formatBytes(Math.round(rate))}/s, ETA ${eta}`;
  }

  /** Draws when due (called on every change). */
  tick(): void {
    if (this.options.quiet) return;
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDrawMs < (this.options.redrawMs ?? 200)) return;
      this.lastDrawMs = t;
      this.out.write(`\r${this.line()}\x1b[K`);
      this.drawn = true;
    } else {
      if (t - this.lastDrawMs < (this.options.plainEveryMs ?? 5000)) return;
      if (this.lastDrawMs === -Infinity) {
        // the first plain line waits one interval: a short run prints none
        this.lastDrawMs = t;
        return;
      }
      this.lastDrawMs = t;
      this.out.write(`progress: ${this.line()}\n`);
    }
  }

  /** Erases the redrawn line (terminal only). */
  clear(): void {
    if (this.tty && this.drawn) {
      this.out.write('\r\x1b[K');
      this.drawn = false;
      this.lastDrawMs = -Infinity;
    }
  }

  /** Ends: erases the line. */
  finish(): void {
    this.clear();
  }
}
