/**
 * The recorder's raw log: NDJSON, one record per line, every received frame kept verbatim (as a JSON string,
 * so even a malformed frame survives byte for byte). Times are local receive/send times in ms since the Unix
 * epoch; `conn` numbers the WebSocket connections of one recording session (1, 2, ...).
 *
 * ```
 * {"type":"segment","session":"20261128T120000Z","segment":"20261128T120000Z","url":"wss://…","args":[{"channel":"books","instId":"ETH-USDT"}],"depth":5,"local_ts_ms":…}
 * {"type":"open","conn":1,"local_ts_ms":…,"url":"wss://…"}
 * {"type":"sent","conn":1,"local_ts_ms":…,"frame":"{\"op\":\"subscribe\",…}"}
 * {"type":"recv","conn":1,"local_ts_ms":…,"frame":"{\"arg\":…}"}
 * {"type":"retire","conn":1,"local_ts_ms":…,"reason":"notice 64008: …"}
 * {"type":"close","conn":1,"local_ts_ms":…,"code":1006,"reason":"…"}
 * {"type":"gap","inst":"ETH-USDT","channel":"books","from_local_ts_ms":…,"to_local_ts_ms":…,"reason":"…"}
 * ```
 * A gap record says: data of `inst`/`channel` ("*" = every subscription) between the two times may be
 * missing; it is written when the gap closes (or at stop, with the stop time as `to_local_ts_ms`).
 * `retire` marks a connection the recorder is leaving (notice, error event, stall): its later frames
 * are still logged but no longer normalized, and a replay must do the same.
 */
import type { ChannelArg } from '../okx/messages.js';

export interface SegmentRecord {
  readonly type: 'segment';
  readonly session: string;
  readonly segment: string;
  readonly url: string;
  readonly args: readonly ChannelArg[];
  readonly depth: number;
  readonly local_ts_ms: number;
}
export interface OpenRecord {
  readonly type: 'open';
  readonly conn: number;
  readonly local_ts_ms: number;
  readonly url: string;
}
export interface FrameRecord {
  readonly type: 'sent' | 'recv';
  readonly conn: number;
  readonly local_ts_ms: number;
  readonly frame: string;
}
export interface CloseRecord {
  readonly type: 'close';
  readonly conn: number;
  readonly local_ts_ms: number;
  readonly code: number;
  readonly reason: string;
}
export interface RetireRecord {
  readonly type: 'retire';
  readonly conn: number;
  readonly local_ts_ms: number;
  readonly reason: string;
}
export interface GapRecord {
  readonly type: 'gap';
  readonly inst: string;
  readonly channel: string;
  readonly from_local_ts_ms: number;
  readonly to_local_ts_ms: number;
  readonly reason: string;
}

export type RawRecord = SegmentRecord | OpenRecord | FrameRecord | RetireRecord | CloseRecord | GapRecord;

/** One NDJSON line (with its newline) for a received or sent frame; the hot path, so built by hand. */
export function frameLine(type: 'sent' | 'recv', conn: number, localTsMs: number, frame: string): string {
  return `{"type":"${type}","conn":${conn},"local_ts_ms":${localTsMs},"frame":${JSON.stringify(frame)}}\n`;
}

/** One NDJSON line for any record. */
export function recordLine(record: RawRecord): string {
  return JSON.stringify(record) + '\n';
}

/** Gap records as CSV (the session's `gaps.*.csv`): header and one line. */
export const GAP_CSV_HEADER = 'from_local_ts_ms,to_local_ts_ms,inst,channel,reason\n';

export function gapCsvLine(gap: GapRecord): string {
  const reason = `"${gap.reason.replace(/"/g, '""')}"`;
  return `${gap.from_local_ts_ms},${gap.to_local_ts_ms},${gap.inst},${gap.channel},${reason}\n`;
}
