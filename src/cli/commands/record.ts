import { resolve } from 'node:path';
import { DEFAULT_BACKOFF, DEFAULT_KEEP_ALIVE, DEFAULT_ROTATION, DEFAULT_SUBSCRIBE_TIMEOUT_MS, OKX_PUBLIC_URL, OkxRecorder, OutDirLockedError, type RecorderStats } from '../../capture/index.js';
import { checkOutputDir, durationOption, listOption, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';

const CHANNELS = ['books', 'books5', 'bbo-tbt', 'trades'];

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** The progress line: elapsed, message rate, rows, reconnects, gaps, bytes. */
function progressLine(stats: RecorderStats, elapsedMs: number, rate: number): string {
  return `recording ${clock(elapsedMs)} | ${rate.toFixed(0)} msg/s | ${stats.frames} msgs | rows ${stats.bookRows} book, ${stats.trades} trades | reconnects ${stats.reconnects} | gaps ${stats.gaps} | ${megabytes(stats.bytes)}`;
}

export async function runRecord(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      inst: { type: 'string' },
      channels: { type: 'string' },
      duration: { type: 'string' },
      out: { type: 'string' },
      url: { type: 'string' },
      depth: { type: 'string' },
      'rotate-mb': { type: 'string' },
      'no-hourly': { type: 'boolean' },
      'ping-after': { type: 'string' },
      'pong-timeout': { type: 'string' },
      'ack-timeout': { type: 'string' },
      'progress-every': { type: 'string' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
  const instruments = listOption('inst', values.inst);
  if (!instruments) throw new UsageError('--inst is required, e.g. --inst ETH-USDT,BTC-USDT');
  for (const inst of instruments) if (!/^[A-Z0-9]+(-[A-Z0-9]+)+$/.test(inst)) throw new UsageError(`--inst: "${inst}" is not an OKX instrument id such as ETH-USDT or BTC-USDT-SWAP`);
  const channels = listOption('channels', values.channels) ?? ['books5', 'trades'];
  for (const channel of channels) if (!CHANNELS.includes(channel)) throw new UsageError(`--channels: "${channel}" is not one of ${CHANNELS.join(', ')}`);
  const url = values.url ?? OKX_PUBLIC_URL;
  if (!/^wss?:\/\/\S+$/.test(url)) throw new UsageError(`--url must be a ws:// or wss:// URL, got "${url}"`);
  const durationMs = durationOption('duration', values.duration, undefined);
  const depth = numberOption('depth', values.depth, 5, (v) => Number.isInteger(v) && v >= 1 && v <= 400);
  const rotateMb = numberOption('rotate-mb', values['rotate-mb'], DEFAULT_ROTATION.maxRawBytes / 2 ** 20, (v) => v > 0);
  const pingAfterMs = durationOption('ping-after', values['ping-after'], DEFAULT_KEEP_ALIVE.pingAfterMs) as number;
  const pongTimeoutMs = durationOption('pong-timeout', values['pong-timeout'], DEFAULT_KEEP_ALIVE.pongTimeoutMs) as number;
  const subscribeTimeoutMs = durationOption('ack-timeout', values['ack-timeout'], DEFAULT_SUBSCRIBE_TIMEOUT_MS) as number;
  const out = resolve(values.out ?? 'data/raw');
  checkOutputDir('--out', out);
  const tty = process.stderr.isTTY === true;
  const progressEveryMs = durationOption('progress-every', values['progress-every'], tty ? 1000 : 10_000) as number;

  const args = instruments.flatMap((instId) => channels.map((channel) => ({ channel, instId })));
  const recorderOptions = {
    url,
    args,
    outDir: out,
    depth,
    rotation: { hourly: !values['no-hourly'], maxRawBytes: rotateMb * 2 ** 20 },
    keepAlive: { pingAfterMs, pongTimeoutMs },
    subscribeTimeoutMs,
    backoff: DEFAULT_BACKOFF,
    ...(durationMs !== undefined ? { durationMs } : {}),
    onEvent: (message: string) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${new Date().toISOString()} ${message}\n`),
  };
  let recorder: OkxRecorder;
  try {
    recorder = new OkxRecorder(recorderOptions);
  } catch (error) {
    // Two recorders into one directory would interleave their sessions: refused (the lock file says who holds it).
    if (error instanceof OutDirLockedError) throw new UsageError(error.message);
    const e = error as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && typeof e.path === 'string') throw new UsageError(`--out ${out}: cannot write there (${e.code}: ${e.path})`);
    throw error;
  }
  process.stderr.write(
    `recording ${channels.join(',')} for ${instruments.join(',')} from ${url} into ${out} (session ${recorder.session})` +
      `${durationMs !== undefined ? ` for ${durationMs / 1000} s` : ''}; Ctrl-C stops and closes every file\n`,
  );
  const onSignal = (signal: NodeJS.Signals) => recorder.stop(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let lastFrames = 0;
  let lastMs = Date.now();
  const progress = setInterval(() => {
    const stats = recorder.snapshot();
    const now = Date.now();
    const rate = ((stats.frames - lastFrames) * 1000) / Math.max(1, now - lastMs);
    lastFrames = stats.frames;
    lastMs = now;
    const line = progressLine(stats, now - stats.startedMs, rate);
    process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  }, progressEveryMs);
  const summary = await recorder.start();
  clearInterval(progress);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const { stats } = summary;
  const elapsedMs = Date.now() - stats.startedMs;
  if (tty) process.stderr.write('\n');
  if (values.json) {
    printJson({
      session: summary.session,
      stopReason: summary.stopReason,
      ...(summary.fatal ? { fatal: summary.fatal } : {}),
      noData: summary.noData,
      quietAtEnd: summary.quietAtEnd,
      out,
      url,
      args,
      stats,
      elapsedMs,
      files: summary.files,
    });
  } else {
    process.stdout.write(
      `${progressLine(stats, elapsedMs, (stats.frames * 1000) / Math.max(1, elapsedMs))}\nstopped: ${summary.stopReason}\n` +
        summary.files.map((f) => `  ${f}`).join('\n') +
        '\n',
    );
  }
  for (const q of summary.quietAtEnd) {
    process.stderr.write(`WARNING ${q.channel} ${q.instId}: no book message in the last ${(q.quietMs / 1000).toFixed(1)} s of the recording (a stall the keep-alive's ping did not reach yet, or a very quiet book): written as a gap; the tables end at its last message\n`);
  }
  if (summary.fatal) {
    process.stderr.write(`asmm record: ${summary.fatal}\n`);
    return 1;
  }
  // A recording that captured nothing for a subscription is a failure, not an empty success.
  if (summary.noData.length > 0) {
    process.stderr.write(`asmm record: ${summary.noDataMessage}\n`);
    return 1;
  }
  return 0;
}
