/**
 * OKX API v5 public WebSocket messages, parsed into readonly tagged types (tardis-style). Prices and sizes
 * stay decimal strings (checksums are computed over them). Times are ms since epoch.
 * @see OKX API v5 docs, "WebSocket" overview (subscribe, unsubscribe, error, notice, ping/pong) and the
 *   public channels "Order book channel" (books, books5, bbo-tbt) and "Trades channel".
 */
export interface ChannelArg {
  readonly channel: string;
  readonly instId: string;
}

/** One book message's data element. `checksum` is absent on books5/bbo-tbt; 0 since OKX stopped filling it. */
export interface BookData {
  readonly asks: ReadonlyArray<readonly [string, string, ...string[]]>;
  readonly bids: ReadonlyArray<readonly [string, string, ...string[]]>;
  readonly tsMs: number;
  readonly checksum?: number;
  readonly seqId?: number;
  readonly prevSeqId?: number;
}

export interface TradeData {
  readonly instId: string;
  readonly tradeId: string;
  readonly px: string;
  readonly sz: string;
  /** Taker side. */
  readonly side: 'buy' | 'sell';
  readonly tsMs: number;
}

export type OkxMessage =
  | { readonly type: 'pong' }
  | { readonly type: 'subscribe' | 'unsubscribe'; readonly arg: ChannelArg; readonly connId?: string }
  | { readonly type: 'error'; readonly code: string; readonly msg: string; readonly connId?: string }
  | { readonly type: 'notice'; readonly code: string; readonly msg: string; readonly connId?: string }
  | { readonly type: 'book'; readonly arg: ChannelArg; readonly action: 'snapshot' | 'update'; readonly data: readonly BookData[] }
  | { readonly type: 'trades'; readonly arg: ChannelArg; readonly data: readonly TradeData[] }
  | { readonly type: 'push'; readonly arg: ChannelArg; readonly data: readonly unknown[] };

/** A frame that is not valid OKX v5 public data; `path` names the offending field (e.g. `data[0].asks[3][1]`). */
export class OkxParseError extends Error {
  override readonly name = 'OkxParseError';
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
  }
}

export const BOOK_CHANNELS = new Set(['books', 'books5', 'bbo-tbt', 'books-l2-tbt', 'books50-l2-tbt']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new OkxParseError(path, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function decimal(value: unknown, path: string): string {
  const s = text(value, path);
  if (!isDecimal(s)) throw new OkxParseError(path, `not a decimal: ${JSON.stringify(s)}`);
  return s;
}

function integerField(value: unknown, path: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || !Number.isInteger(n)) throw new OkxParseError(path, `not an integer: ${JSON.stringify(value)}`);
  return n;
}

function channelArg(value: unknown, path: string): ChannelArg {
  if (!isRecord(value)) throw new OkxParseError(path, 'missing or not an object');
  return { channel: text(value.channel, `${path}.channel`), instId: typeof value.instId === 'string' ? value.instId : '' };
}

/** True for an OKX decimal string: optional minus, digits, optional fraction, optional exponent. */
function isDecimal(s: string): boolean {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === intStart) return false;
  if (i < n && s.charCodeAt(i) === 46) {
    const fracStart = ++i;
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === fracStart) return false;
  }
  if (i < n && (s.charCodeAt(i) | 32) === 101) return /^[eE][+-]?\d+$/.test(s.slice(i));
  return i === n;
}

function levels(value: unknown, path: string): Array<readonly [string, string, ...string[]]> {
  if (!Array.isArray(value)) throw new OkxParseError(path, 'not an array');
  for (let i = 0; i < value.length; i++) {
    const level: unknown = value[i];
    if (!Array.isArray(level) || level.length < 2) throw new OkxParseError(`${path}[${i}]`, 'not a [price, size, ...] level');
    for (let j = 0; j < 2; j++) {
      const v: unknown = level[j];
      if (typeof v !== 'string') throw new OkxParseError(`${path}[${i}][${j}]`, `expected a string, got ${JSON.stringify(v)}`);
      if (!isDecimal(v)) throw new OkxParseError(`${path}[${i}][${j}]`, `not a decimal: ${JSON.stringify(v)}`);
    }
    for (let j = 2; j < level.length; j++) if (typeof level[j] !== 'string') level[j] = String(level[j]);
  }
  // validated in place: the parsed JSON arrays are the levels
  return value as Array<readonly [string, string, ...string[]]>;
}

function bookData(value: unknown, path: string): BookData {
  if (!isRecord(value)) throw new OkxParseError(path, 'not an object');
  const data: { asks: BookData['asks']; bids: BookData['bids']; tsMs: number; checksum?: number; seqId?: number; prevSeqId?: number } = {
    asks: levels(value.asks, `${path}.asks`),
    bids: levels(value.bids, `${path}.bids`),
    tsMs: integerField(value.ts, `${path}.ts`),
  };
  if (value.checksum !== undefined) data.checksum = integerField(value.checksum, `${path}.checksum`);
  if (value.seqId !== undefined) data.seqId = integerField(value.seqId, `${path}.seqId`);
  if (value.prevSeqId !== undefined) data.prevSeqId = integerField(value.prevSeqId, `${path}.prevSeqId`);
  return data;
}

function tradeData(value: unknown, path: string): TradeData {
  if (!isRecord(value)) throw new OkxParseError(path, 'not an object');
  const side = text(value.side, `${path}.side`);
  if (side !== 'buy' && side !== 'sell') throw new OkxParseError(`${path}.side`, `must be buy or sell, got ${JSON.stringify(side)}`);
  return {
    instId: text(value.instId, `${path}.instId`),
    tradeId: text(value.tradeId, `${path}.tradeId`),
    px: decimal(value.px, `${path}.px`),
    sz: decimal(value.sz, `${path}.sz`),
    side,
    tsMs: integerField(value.ts, `${path}.ts`),
  };
}

/**
 * Parses one text frame from the OKX v5 public WebSocket. `pong` is the reply to the client's text `ping`.
 * Throws `OkxParseError` naming the field for anything malformed.
 */
export function parseOkxFrame(frame: string): OkxMessage {
  if (frame === 'pong') return { type: 'pong' };
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch (error) {
    throw new OkxParseError('$', `not JSON (${(error as Error).message})`);
  }
  if (!isRecord(json)) throw new OkxParseError('$', 'not a JSON object');
  const connId = typeof json.connId === 'string' ? json.connId : undefined;
  if (typeof json.event === 'string') {
    const event = json.event;
    if (event === 'subscribe' || event === 'unsubscribe') return { type: event, arg: channelArg(json.arg, 'arg'), ...(connId ? { connId } : {}) };
    if (event === 'error' || event === 'notice') {
      return { type: event, code: String(json.code ?? ''), msg: String(json.msg ?? ''), ...(connId ? { connId } : {}) };
    }
    throw new OkxParseError('event', `unknown event ${JSON.stringify(event)}`);
  }
  const arg = channelArg(json.arg, 'arg');
  if (!Array.isArray(json.data)) throw new OkxParseError('data', 'missing or not an array');
  const data = json.data as unknown[];
  if (BOOK_CHANNELS.has(arg.channel)) {
    const action = json.action === undefined ? 'snapshot' : json.action;
    if (action !== 'snapshot' && action !== 'update') throw new OkxParseError('action', `must be snapshot or update, got ${JSON.stringify(action)}`);
    return { type: 'book', arg, action, data: data.map((d, i) => bookData(d, `data[${i}]`)) };
  }
  if (arg.channel === 'trades' || arg.channel === 'trades-all') return { type: 'trades', arg, data: data.map((d, i) => tradeData(d, `data[${i}]`)) };
  return { type: 'push', arg, data };
}

/** The subscribe request for channels × instruments. */
export function subscribeRequest(args: readonly ChannelArg[], id?: string): string {
  return JSON.stringify({ ...(id ? { id } : {}), op: 'subscribe', args });
}

/** The unsubscribe request. */
export function unsubscribeRequest(args: readonly ChannelArg[], id?: string): string {
  return JSON.stringify({ ...(id ? { id } : {}), op: 'unsubscribe', args });
}
