import { createReadStream, readdirSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { okxHistoryUrl, parseOkxHistoryFileName } from '../formats/okxHistoryLayout.js';

/**
 * A local stand-in for OKX's history CDN, for tests and benches (never contacts anything): it binds
 * 127.0.0.1 (port 0 by default: the system picks one), serves the day files found under `dir` (any depth,
 * by OKX's file name) at OKX's URL paths (the path of `okxHistoryUrl(kind, inst, date)`; any other path is
 * 404), honours `Range: bytes=N-` (206 with Content-Range; 416 past the end), and stops by itself after
 * `lifetimeMs`.
 *
 * Faults, per file name, each applied to the next `times` requests of that file (in the order given):
 * - `drop`: send the headers with the full length, then `afterBytes` body bytes, then close the connection;
 *   once by default;
 * - `status`: answer `status` instead (404 forever by default; 5xx once by default);
 * - `truncate`: serve the file cut to its first `bytes` bytes with a consistent Content-Length (a truncated
 *   file on the server: the transfer succeeds, the archive check must catch it); every request by default;
 * - `ignoreRange`: answer 200 with the whole file to a Range request; every request by default;
 * - `stall`: send `afterBytes` body bytes, then nothing for `ms` (a client timeout), then close; once by default.
 */
export type HistoryFault =
  | { readonly kind: 'drop'; readonly afterBytes: number; readonly times?: number }
  | { readonly kind: 'status'; readonly status: number; readonly times?: number }
  | { readonly kind: 'truncate'; readonly bytes: number; readonly times?: number }
  | { readonly kind: 'ignoreRange'; readonly times?: number }
  | { readonly kind: 'stall'; readonly afterBytes: number; readonly ms: number; readonly times?: number };

export interface HistoryServerOptions {
  /** Directory of day files named as OKX names them (subdirectories searched). */
  readonly dir: string;
  /** Port (default 0: any free port). */
  readonly port?: number;
  /** The server stops itself after this long, ms (default 60,000). */
  readonly lifetimeMs?: number;
  /** Faults by file name (e.g. `BTC-USDT-trades-2025-11-02.zip`). */
  readonly faults?: Readonly<Record<string, readonly HistoryFault[]>>;
  /** Books product served (default 400 levels), for the URL check. */
  readonly levels?: 400 | 5000;
}

/** One request as the server saw it. */
export interface HistoryRequest {
  readonly path: string;
  readonly fileName: string;
  /** The Range header, if any. */
  readonly range?: string;
  readonly status: number;
  /** The fault applied, if any. */
  readonly fault?: HistoryFault['kind'];
  /** Body bytes the server meant to send (the connection may have been dropped earlier: see `fault`). */
  readonly bodyBytes: number;
}

export interface HistoryServer {
  /** `http://127.0.0.1:PORT`, to pass as `--base-url`. */
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: readonly HistoryRequest[];
  readonly closed: boolean;
  close(): Promise<void>;
}

const DEFAULT_TIMES: Record<HistoryFault['kind'], number> = { drop: 1, status: 1, truncate: Infinity, ignoreRange: Infinity, stall: 1 };

function indexFiles(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) indexFiles(path, into);
    else if (entry.isFile() && parseOkxHistoryFileName(entry.name) && !into.has(entry.name)) into.set(entry.name, path);
  }
  return into;
}

/**
 * Starts the server; resolves once it listens.
 * @example const server = await startHistoryServer({ dir, faults: { 'ETH-USDT-trades-2025-11-02.zip': [{ kind: 'drop', afterBytes: 5000 }] } }); // then asmm download okx … --base-url server.baseUrl
 */
export async function startHistoryServer(options: HistoryServerOptions): Promise<HistoryServer> {
  let files = indexFiles(options.dir);
  const remaining = new Map<string, number[]>();
  for (const [name, faults] of Object.entries(options.faults ?? {})) {
    remaining.set(name, faults.map((f) => f.times ?? (f.kind === 'status' && f.status === 404 ? Infinity : DEFAULT_TIMES[f.kind])));
  }
  const requests: HistoryRequest[] = [];
  let closed = false;

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const fileName = basename(path);
    const range = req.headers.range;
    const record = (status: number, bodyBytes: number, fault?: HistoryFault['kind']) =>
      requests.push({ path, fileName, ...(range !== undefined ? { range } : {}), status, bodyBytes, ...(fault ? { fault } : {}) });
    const plain = (status: number, text: string, fault?: HistoryFault['kind']) => {
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
      res.end(req.method === 'HEAD' ? undefined : text);
      record(status, 0, fault);
    };
    const parsed = parseOkxHistoryFileName(fileName);
    const expectedPath = parsed ? new URL(okxHistoryUrl(parsed.kind, parsed.inst, parsed.date, { levels: parsed.levels ?? options.levels ?? 400, ...(parsed.extension === 'zip' && parsed.kind === 'books' ? { archive: 'zip' as const } : {}) })).pathname : undefined;
    if (!parsed || path !== expectedPath) return plain(404, `not an OKX history path: ${path}\n`);
    if (!files.has(fileName)) files = indexFiles(options.dir);
    const filePath = files.get(fileName);

    // faults that apply to this request, consumed in order
    const active = new Map<HistoryFault['kind'], HistoryFault>();
    const faults = options.faults?.[fileName] ?? [];
    const left = remaining.get(fileName) ?? [];
    faults.forEach((fault, i) => {
      if (left[i] > 0 && !active.has(fault.kind)) {
        if (fault.kind === 'status' && active.has('status')) return;
        active.set(fault.kind, fault);
        left[i]--;
      }
    });
    const status = active.get('status') as Extract<HistoryFault, { kind: 'status' }> | undefined;
    if (status) return plain(status.status, `injected HTTP ${status.status}\n`, 'status');
    if (!filePath) return plain(404, `no such file: ${fileName}\n`);

    const truncate = active.get('truncate') as Extract<HistoryFault, { kind: 'truncate' }> | undefined;
    const size = truncate ? Math.min(truncate.bytes, statSync(filePath).size) : statSync(filePath).size;
    let start = 0;
    let partialAnswer = false;
    const m = range === undefined ? null : /^bytes=(\d+)-(\d*)$/.exec(range);
    if (range !== undefined && !active.has('ignoreRange')) {
      if (!m) return plain(416, `unsupported range ${range}\n`);
      start = Number(m[1]);
      if (start >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}`, 'content-length': 0 });
        res.end();
        return record(416, 0);
      }
      partialAnswer = true;
    }
    const end = m && m[2] !== '' && partialAnswer ? Math.min(size - 1, Number(m[2])) : size - 1;
    const length = end - start + 1;
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/octet-stream', 'content-length': length, 'accept-ranges': 'bytes' };
    if (partialAnswer) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(partialAnswer ? 206 : 200, headers);
    const faultKind = active.has('drop') ? 'drop' : active.has('stall') ? 'stall' : active.has('truncate') ? 'truncate' : active.has('ignoreRange') && range !== undefined ? 'ignoreRange' : undefined;
    record(partialAnswer ? 206 : 200, length, faultKind);
    if (req.method === 'HEAD' || length === 0) return res.end();
    const cut = (active.get('drop') ?? active.get('stall')) as { afterBytes: number; ms?: number } | undefined;
    if (!cut) {
      createReadStream(filePath, { start, end }).pipe(res);
      return;
    }
    const sendBytes = Math.min(cut.afterBytes, length);
    const kill = () => res.socket?.destroy();
    const after = () => {
      if (cut.ms === undefined) kill();
      else setTimeout(kill, cut.ms).unref();
    };
    if (sendBytes <= 0) return after();
    const stream = createReadStream(filePath, { start, end: start + sendBytes - 1 });
    stream.pipe(res, { end: false });
    stream.on('end', () => res.write('', after));
  });
  server.keepAliveTimeout = 2000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  setTimeout(() => void close(), options.lifetimeMs ?? 60_000).unref();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    requests,
    get closed() {
      return closed;
    },
    close,
  };
}
