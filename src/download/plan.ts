import { join } from 'node:path';
import {
  addDays,
  okxBooksFileName,
  okxBooksMemberName,
  okxHistoryUrl,
  okxTradesFileName,
  okxTradesMemberName,
  utcDayStartMs,
  type OkxBookLevels,
  type OkxHistoryKind,
} from '../formats/okxHistoryLayout.js';

/**
 * One file to fetch: an (instrument, date, kind) day file of OKX's published history, its URL (OKX's
 * documented pattern, or the same path under `baseUrl`), the member its archive must hold, and where it goes:
 * `<out>/<INST>/<kind>/<OKX's file name>`.
 */
export interface DownloadItem {
  readonly inst: string;
  readonly date: string;
  readonly kind: OkxHistoryKind;
  readonly url: string;
  /** OKX's file name, kept as is. */
  readonly fileName: string;
  /** The one member the archive must hold. */
  readonly memberName: string;
  /** `<out>/<INST>/<kind>/<fileName>` */
  readonly path: string;
}

export interface DownloadPlanOptions {
  /** Instrument ids as OKX writes them (BTC-USDT, ETH-USDT-SWAP). */
  readonly insts: readonly string[];
  /** First and last date, YYYY-MM-DD, inclusive. */
  readonly from: string;
  readonly to: string;
  /** Default both, books first. */
  readonly kinds?: readonly OkxHistoryKind[];
  /** Output root (default `data/okx-history`). */
  readonly outDir?: string;
  /** Replaces OKX's host (`http://127.0.0.1:PORT` for tests); the path stays OKX's. */
  readonly baseUrl?: string;
  /** Books product (default 400 levels). */
  readonly levels?: OkxBookLevels;
  /** Upper bound on days (default 3,660: ten years), so a typo in a date does not plan a century. */
  readonly maxDays?: number;
}

/** The default output root. */
export const DEFAULT_OKX_HISTORY_DIR = 'data/okx-history';

/** The local path of a day file: `<out>/<INST>/<kind>/<fileName>`. */
export function okxHistoryLocalPath(outDir: string, inst: string, kind: OkxHistoryKind, fileName: string): string {
  return join(outDir, inst, kind, fileName);
}

const INST = /^[A-Z0-9]+(-[A-Z0-9]+)+$/;

/**
 * Every day file from `from` to `to` (inclusive) for each instrument and kind, ordered by date, then
 * instrument, then kind (so an interrupted run has whole early days rather than one instrument's month).
 * @throws RangeError naming the bad date, instrument or range.
 * @example planOkxDownload({ insts: ['BTC-USDT'], from: '2025-11-01', to: '2025-11-02', kinds: ['trades'] }).map((i) => i.fileName) // ['BTC-USDT-trades-2025-11-01.zip', 'BTC-USDT-trades-2025-11-02.zip']
 */
export function planOkxDownload(options: DownloadPlanOptions): DownloadItem[] {
  const fromMs = utcDayStartMs(options.from);
  const toMs = utcDayStartMs(options.to);
  if (toMs < fromMs) throw new RangeError(`--to ${options.to} is before --from ${options.from}`);
  const days = Math.round((toMs - fromMs) / 86_400_000) + 1;
  const maxDays = options.maxDays ?? 3660;
  if (days > maxDays) throw new RangeError(`${options.from}..${options.to} is ${days} days, more than ${maxDays}`);
  if (options.insts.length === 0) throw new RangeError('no instrument given');
  for (const inst of options.insts) {
    if (!INST.test(inst)) throw new RangeError(`not an OKX instrument id (such as BTC-USDT or ETH-USDT-SWAP): "${inst}"`);
  }
  const kinds = options.kinds ?? ['books', 'trades'];
  const levels = options.levels ?? 400;
  const outDir = options.outDir ?? DEFAULT_OKX_HISTORY_DIR;
  const items: DownloadItem[] = [];
  for (let d = 0; d < days; d++) {
    const date = addDays(options.from, d);
    for (const inst of options.insts) {
      for (const kind of kinds) {
        const fileName = kind === 'books' ? okxBooksFileName(inst, date, levels) : okxTradesFileName(inst, date);
        const memberName = kind === 'books' ? okxBooksMemberName(inst, date, levels) : okxTradesMemberName(inst, date);
        const url = okxHistoryUrl(kind, inst, date, { levels, ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}) });
        items.push({ inst, date, kind, url, fileName, memberName, path: okxHistoryLocalPath(outDir, inst, kind, fileName) });
      }
    }
  }
  return items;
}
