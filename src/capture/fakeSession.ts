import type { ChannelArg } from '../okx/messages.js';
import { startFakeOkxServer, type FakeFault, type FakeOkxServer } from '../okx/fakeServer.js';
import { OkxRecorder, type RecorderSummary } from './recorder.js';

export interface FakeSessionOptions {
  readonly outDir: string;
  readonly args?: readonly ChannelArg[];
  readonly faults?: readonly FakeFault[];
  /** Market steps the fake exchange runs (about 2.3 data frames each for books + books5 + trades). */
  readonly steps?: number;
  readonly stepIntervalMs?: number;
  readonly onEvent?: (message: string) => void;
}

export interface FakeSessionResult {
  readonly summary: RecorderSummary;
  /** What the exchange did (connections, faults), one line each. */
  readonly exchangeLog: readonly string[];
  readonly exchangeCounts: FakeOkxServer['counts'];
}

/**
 * Records from the fake OKX exchange on loopback (see `startFakeOkxServer`) until it has run `steps` market
 * steps and the recorder has every frame it sent, then stops both. For demonstrations (notebook 01) and
 * for checking the recorder end to end offline.
 */
export async function recordFakeSession(options: FakeSessionOptions): Promise<FakeSessionResult> {
  const steps = options.steps ?? 1500;
  const server = await startFakeOkxServer({ stepIntervalMs: options.stepIntervalMs ?? 2, maxSteps: steps, faults: options.faults ?? [], noticeGraceMs: 1000, lifetimeMs: 120_000 });
  const recorder = new OkxRecorder({
    url: server.url,
    args: options.args ?? [
      { channel: 'books', instId: 'ETH-USDT' },
      { channel: 'books5', instId: 'ETH-USDT' },
      { channel: 'trades', instId: 'ETH-USDT' },
    ],
    outDir: options.outDir,
    keepAlive: { pingAfterMs: 200, pongTimeoutMs: 300 },
    backoff: { initialMs: 50, maxMs: 1000, factor: 2 },
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const done = recorder.start();
  const poll = setInterval(() => {
    if (server.counts.steps >= steps && recorder.snapshot().frames === server.counts.frames) recorder.stop('fake exchange finished');
  }, 50);
  try {
    const summary = await done;
    return { summary, exchangeLog: [...server.log], exchangeCounts: { ...server.counts } };
  } finally {
    clearInterval(poll);
    await server.close();
  }
}
