import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayBinanceCapture } from '../../src/formats/binanceCapture.js';
import { projectRootForTests, runAsmm } from '../helpers/cli.js';
import { asStrategy, backtestExecutions, depthReplaySession, FILL_CAUSES, glftStrategy, replayDepth, runBacktest, symmetricStrategy, type DepthEvents, type QueueModelName } from '../../src/backtest/index.js';
import type { TradeTable } from '../../src/data/index.js';
import { rollingCalibration } from '../../src/estimate/index.js';
import { depthEventsOf, generateOrderBookMarket, trueFillTimes } from '../../src/sample/index.js';

// The full-depth replay graded against a market whose queue is known (Cont, Stoikov & Talreja's order-by-order
// market, src/sample/orderBookMarket.ts): the level changes of every order event, at every depth, replayed.

const replay = (cancelRatePerSec: number, halfSpreadTicks: number, queueModel: QueueModelName, seed = 3) => {
  // without cancellations, market orders of 8 units at 3 a second keep the queues from only growing and reach
  // deep into the book
  const market = generateOrderBookMarket({ seed, durationSec: 600, cancelRatePerSec, ...(cancelRatePerSec === 0 ? { marketRatePerSec: 3, marketUnits: 8 } : {}) });
  const events = depthEventsOf(market);
  const r = replayDepth(events, market.trades, {
    strategy: symmetricStrategy(halfSpreadTicks * market.tickSize),
    orderSize: 1e-6, // negligible, as the truth assumes
    tickSize: market.tickSize,
    feedLatencyMs: 3,
    entryLatencyMs: 7,
    queueModel: { name: queueModel },
  });
  // the truth over each order's life; an order the replay filled lives on in the truth (until the end) so that a
  // true fill after the replay's is found, not cut off by the replay's own end of the order
  const ours = r.orders.firstFillMs;
  const endMs = r.orders.endMs.map((end, o) => (Number.isNaN(ours[o]) ? end : Infinity));
  const truth = trueFillTimes(market.log, { side: r.orders.side, pxTicks: r.orders.pxTicks, activeMs: r.orders.activeMs, endMs });
  return { market, events, r, truth, ours };
};

/** The shared Binance capture with its level changes, read once for the tests that use it. */
let sharedRead: ReturnType<typeof replayBinanceCapture> | undefined;
const sharedCapture = () => (sharedRead ??= replayBinanceCapture(join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz'), 5, { native: true }));

describe('replayDepth: full-depth level changes, queue fills at any depth', () => {
  for (const half of [2.5, 7.5]) {
    it(`without cancellations every order fills exactly when the truth says (quotes ${half} ticks from the mid${half > 5 ? ', deep in the book' : ''})`, () => {
      const { r, truth, ours, events, market } = replay(0, half, 'power');
      expect(r.nativeEvents).toBe(events.tsMs.length + market.trades.tsMs.length);
      const n = ours.length;
      expect(n).toBeGreaterThan(100);
      let filled = 0;
      for (let o = 0; o < n; o++) {
        // (an order marketable on arrival fills as a taker at once; the truth knows only resting orders)
        if (ours[o] === r.orders.activeMs[o]) continue;
        if (Number.isNaN(ours[o])) expect(truth[o], `order ${o}`).toBeNaN();
        else {
          expect(ours[o], `order ${o}`).toBe(truth[o]);
          filled++;
        }
      }
      expect(filled).toBeGreaterThan(300);
    });
  }

  it('with cancellations: riskAverse never fills before the truth, optimistic never after it; the default lies between in fill counts', () => {
    const counts: Record<string, number> = {};
    for (const name of ['riskAverse', 'power', 'optimistic'] as const) {
      const { r, truth, ours } = replay(0.5, 1.5, name, 5);
      let count = 0;
      for (let o = 0; o < ours.length; o++) {
        if (ours[o] === r.orders.activeMs[o]) continue; // a taker fill on arrival (see above)
        const t = truth[o];
        if (name === 'riskAverse' && !Number.isNaN(ours[o])) expect(ours[o], `order ${o}`).toBeGreaterThanOrEqual(t);
        if (name === 'optimistic' && !Number.isNaN(t) && t <= r.orders.endMs[o]) expect(ours[o], `order ${o}`).toBeLessThanOrEqual(t);
        if (!Number.isNaN(ours[o])) count++;
      }
      counts[name] = count;
    }
    expect(counts.riskAverse).toBeLessThanOrEqual(counts.power);
    expect(counts.power).toBeLessThanOrEqual(counts.optimistic);
    expect(counts.riskAverse).toBeLessThan(counts.optimistic);
  });

  it('orderCount at full depth (the level\'s order counts, no peer has it): exact without cancellations, between the bounds with them, and nearer the truth than power 2 in fill count', () => {
    const exact = replay(0, 2.5, 'orderCount');
    let filled = 0;
    for (let o = 0; o < exact.ours.length; o++) {
      if (exact.ours[o] === exact.r.orders.activeMs[o]) continue;
      if (Number.isNaN(exact.ours[o])) expect(exact.truth[o], `order ${o}`).toBeNaN();
      else {
        expect(exact.ours[o], `order ${o}`).toBe(exact.truth[o]);
        filled++;
      }
    }
    expect(filled).toBeGreaterThan(300);
    const fills = (name: QueueModelName) => {
      const { r, truth, ours } = replay(0.5, 1.5, name, 5);
      let model = 0;
      let real = 0;
      for (let o = 0; o < ours.length; o++) {
        if (ours[o] === r.orders.activeMs[o]) continue;
        if (!Number.isNaN(ours[o])) model++;
        if (!Number.isNaN(truth[o]) && truth[o] <= r.orders.endMs[o]) real++;
      }
      return { model, real };
    };
    const counted = fills('orderCount');
    const averse = fills('riskAverse');
    const optimistic = fills('optimistic');
    const power = fills('power');
    expect(counted.model).toBeGreaterThanOrEqual(averse.model);
    expect(counted.model).toBeLessThanOrEqual(optimistic.model);
    expect(Math.abs(counted.model - counted.real)).toBeLessThanOrEqual(Math.abs(power.model - power.real));
    // without counts in the events the model is refused, not run on sizes
    const market = generateOrderBookMarket({ seed: 1, durationSec: 60 });
    const { orders: _, ...sizesOnly } = depthEventsOf(market);
    expect(() => replayDepth(sizesOnly, market.trades, { strategy: symmetricStrategy(market.tickSize), orderSize: 1e-6, tickSize: market.tickSize, queueModel: { name: 'orderCount' } })).toThrow(/no order counts/);
    // nor on a level whose count is missing (NaN, as a catalog column without it reads)
    const holed = depthEventsOf(market);
    const at = holed.qty.findIndex((q, i) => i > 100 && q > 0 && holed.side[i] !== 0);
    const orders = Float64Array.from(holed.orders!);
    orders[at] = NaN;
    expect(() => replayDepth({ ...holed, orders }, market.trades, { strategy: symmetricStrategy(market.tickSize), orderSize: 1e-6, tickSize: market.tickSize, queueModel: { name: 'orderCount' } })).toThrow(new RegExp(`level change ${at} .*order count is NaN`));
  });
});

describe('replayDepth: masked intervals and the CLI', () => {
  // a hand-built full-depth book: bids 99.0 (5), 98.9 (5); asks 100.0 (5), 100.1 (5); tick 0.1
  const events = (extra: Array<[number, number, number, number]>) => {
    const rows: Array<[number, number, number, number]> = [[0, 1, 99, 5], [0, 1, 98.9, 5], [0, -1, 100, 5], [0, -1, 100.1, 5], ...extra];
    return { tsMs: Float64Array.from(rows, (r) => r[0]), side: Int8Array.from(rows, (r) => r[1]), px: Float64Array.from(rows, (r) => r[2]), qty: Float64Array.from(rows, (r) => r[3]) };
  };
  const sells = (list: Array<[number, number, number]>) => ({ kind: 'trades' as const, tsMs: Float64Array.from(list, (r) => r[0]), side: Int8Array.from(list, () => -1), px: Float64Array.from(list, (r) => r[1]), sz: Float64Array.from(list, (r) => r[2]), id: Float64Array.from(list, (_, i) => i), meta: {} });
  // symmetric 0.55 around the mid 99.5: our bid at 98.9, behind 5 there; sells of 8 at 98.9 fill 3 of ours
  const config = (masked?: Array<{ fromMs: number; toMs: number; reason: string }>) => ({ strategy: symmetricStrategy(0.55), orderSize: 4, tickSize: 0.1, ...(masked ? { masked } : {}) });

  it('a sell through the queue ahead fills the rest; inside a masked interval the order is pulled and nothing fills', () => {
    const ev = events([[20, 1, 98.9, 6]]); // someone joins behind us at t 20
    const t = sells([[30, 98.9, 8]]);
    const free = replayDepth(ev, t, config());
    expect(free.fills.qty).toEqual([3]);
    expect(free.fills.px).toEqual([98.9]);
    const masked = replayDepth(ev, t, config([{ fromMs: 25, toMs: 35, reason: 'sequence gap' }]));
    expect(masked.fills.tsMs).toEqual([]);
    expect(masked.maskedTrades).toBe(1);
    expect(masked.orders.endMs[masked.orders.side.indexOf(1)]).toBe(25);
  });

  const capture = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
  it.skipIf(!existsSync(capture))(`asmm backtest --depth full on the shared Binance capture: the replay's counts and fills, as in code${existsSync(capture) ? '' : ' (skipped: ../shared/data is absent)'}`, async () => {
    const run = runAsmm(['backtest', '--report', join(tmpdir(), 'depth-cli-report.html'), '--data', capture, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '1', '--size', '0.001', '--feed-latency', '10ms', '--entry-latency', '10ms', '--tick', '0.01', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { nativeEvents: number; fills: number; pnl: number; replaySec: number; depth: string };
    const replayed = await sharedCapture();
    const inCode = replayDepth(replayed.native!, replayed.trades, { strategy: symmetricStrategy(1), orderSize: 0.001, tickSize: 0.01, feedLatencyMs: 10, entryLatencyMs: 10, masked: replayed.book.masked ?? [] });
    expect(out.depth).toBe('full');
    expect(out.nativeEvents).toBe(replayed.native!.tsMs.length + replayed.trades.tsMs.length);
    expect(out.fills).toBe(inCode.fills.tsMs.length);
    expect(out.fills).toBeGreaterThan(50);
    expect(out.pnl).toBeCloseTo(inCode.pnl, 9);
    expect(out.replaySec).toBeGreaterThan(0);
    // the text table: the same numbers to 6 significant digits (the --json ones are exact sums, -33.857831199999055)
    const text = runAsmm(['backtest', '--report', join(tmpdir(), 'depth-cli-report-text.html'), '--data', capture, '--depth', 'full', '--strategy', 'symmetric', '--half-spread', '1', '--size', '0.001', '--feed-latency', '10ms', '--entry-latency', '10ms', '--tick', '0.01']);
    expect(text.code, text.stderr).toBe(0);
    const row = (name: string) => new RegExp(`^${name} +(\\S+)$`, 'm').exec(text.stdout)?.[1];
    expect(row('pnl')).toBe(String(Number(out.pnl.toPrecision(6))));
    expect(row('fills')).toBe(String(out.fills));
    for (const number of text.stdout.split('\n').filter((l) => !/^(data|report) /.test(l)).join('\n').match(/-?\d+\.\d+/g) ?? []) expect(number.replace(/^-?0\.0*|[-.]/g, '').length, number).toBeLessThanOrEqual(12);
  });
});

describe.skipIf(!existsSync(join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz')))('replayDepth against the top-5 replay on the shared Binance capture (needs ../shared/data)', () => {
  it('gives the top-5 replay\'s fills, fill for fill, for symmetric and GLFT quotes (another implementation, on the rows the same changes fold into)', async () => {
    const capture = join(projectRootForTests, '..', 'shared', 'data', 'binance-spot-btcusdt-hftbacktest', 'btcusdt_20240808.gz');
    const replayed = await sharedCapture();
    const { book, trades } = replayed;
    const executions = backtestExecutions(book, trades, 'queue', 0.01, { label: 'shared capture' });
    const calibration = rollingCalibration(book, executions.marketOrders, { windowSec: 60, stepSec: 1 });
    const common = { orderSize: 0.001, tickSize: 0.01, feedLatencyMs: 10, entryLatencyMs: 10, masked: book.masked ?? [] };
    for (const strategy of [symmetricStrategy(1), glftStrategy(0.1, 10)]) {
      const depth = replayDepth(replayed.native!, trades, { ...common, strategy, calibration });
      const top = runBacktest(book, trades, { ...common, strategy, calibration, fill: 'queue', lotSize: 0, refreshMs: 0, recordSeries: false });
      // prices compared in ticks: the top-5 replay's carry binary residue (61836.630000000005), the full-depth
      // replay's are the decimals themselves (61836.63). Times: an order marketable on arrival fills at its
      // arrival here, at the next event in the top-5 replay (which applies arrivals lazily): never later here,
      // and by the time to that event (a few ms)
      expect(depth.fills.tsMs.length, strategy.name).toBeGreaterThan(30);
      const key = (side: ArrayLike<number>, px: ArrayLike<number>, qty: ArrayLike<number>) => Array.from(side, (s, i) => `${s}|${Math.round(px[i] / 0.01)}|${qty[i]}`);
      expect(key(depth.fills.side, depth.fills.px, depth.fills.qty), strategy.name).toEqual(key(top.fills.side, top.fills.px, top.fills.qty));
      depth.fills.tsMs.forEach((t, i) => {
        expect(t, `${strategy.name} fill ${i}`).toBeLessThanOrEqual(top.fills.tsMs[i]);
        if (t !== top.fills.tsMs[i]) expect(FILL_CAUSES[top.fills.cause[i]], `${strategy.name} fill ${i}`).toBe('marketable');
      });
    }
  });
});

describe('replayDepth: what it refuses and what it keeps from quoting', () => {
  const ev = (rows: Array<[number, number, number, number]>) => ({ tsMs: Float64Array.from(rows, (r) => r[0]), side: Int8Array.from(rows, (r) => r[1]), px: Float64Array.from(rows, (r) => r[2]), qty: Float64Array.from(rows, (r) => r[3]) });
  const tradesOf = (list: Array<[number, number, number]>) => ({ kind: 'trades' as const, tsMs: Float64Array.from(list, (r) => r[0]), side: Int8Array.from(list, () => -1), px: Float64Array.from(list, (r) => r[1]), sz: Float64Array.from(list, (r) => r[2]), id: Float64Array.from(list, (_, i) => i), meta: {} });
  it('a trade off the tick grid is an error, not a trade that never fills', () => {
    expect(() => replayDepth(ev([[0, 1, 99, 1], [0, -1, 101, 1]]), tradesOf([[5, 99.3, 1]]), { strategy: symmetricStrategy(1), orderSize: 1, tickSize: 1 })).toThrow(/trade 0: price 99.3 is not on the 1 grid/);
  });
  it('after a masked interval, a decision that sees only the book from before its end does not quote', () => {
    // a level inside the mask moves the best bid to 150; with 15 ms of feed latency the decisions just after the
    // mask still see the book of before its end
    const events = ev([[0, 1, 99, 1], [0, -1, 201, 1], [12, 1, 150, 1], [30, -1, 202, 1], [60, -1, 203, 1]]);
    const r = replayDepth(events, undefined, { strategy: symmetricStrategy(10), orderSize: 1, tickSize: 1, feedLatencyMs: 15, refreshMs: 5, masked: [{ fromMs: 10, toMs: 20, reason: 'gap' }] });
    // sent orders: none from a decision whose view is older than 20
    for (const sent of r.orders.sentMs) expect(sent - 15).toBeGreaterThanOrEqual(20);
    expect(r.maskedDecisions).toBeGreaterThan(2);
  });
});

describe('replayDepth: recorded feed latency (bookArrivalMs)', () => {
  const market = generateOrderBookMarket({ seed: 5, durationSec: 300 });
  const events = depthEventsOf(market);
  const base = { strategy: symmetricStrategy(1.5 * market.tickSize), orderSize: 1e-6, tickSize: market.tickSize, entryLatencyMs: 4, queueModel: { name: 'power' as const } };
  const summary = (r: ReturnType<typeof replayDepth>) => ({ fills: r.fills, orders: r.orders, inventory: r.inventory, cash: r.cash, decisions: r.decisions });

  it('arrivals at exchange time + c replay exactly as the constant feed latency c; arrivals before exchange time are taken at it', () => {
    const constant = replayDepth(events, market.trades, { ...base, feedLatencyMs: 6 });
    const recorded = replayDepth(events, market.trades, { ...base, feedLatencyMs: 6, bookArrivalMs: Float64Array.from(events.tsMs, (t) => t + 6) });
    expect(constant.fills.tsMs.length).toBeGreaterThan(50);
    expect(summary(recorded)).toEqual(summary(constant));
    // a clock behind the exchange's: every arrival clamped to its exchange time, i.e. a zero feed latency
    const zero = replayDepth(events, market.trades, { ...base, feedLatencyMs: 6, bookArrivalMs: Float64Array.from(events.tsMs, (t) => t - 1000) });
    const zeroFeed = replayDepth(events, market.trades, { ...base, feedLatencyMs: 6, bookArrivalMs: events.tsMs });
    expect(summary(zero)).toEqual(summary(zeroFeed));
    expect(summary(zeroFeed)).not.toEqual(summary(constant));
  });

  it('a late arrival delays the decisions it causes: orders are sent when the change arrived, not at exchange time + latency', () => {
    // every group arrives 6 ms after its exchange time except one stretch, which arrives 250 ms late
    const n = events.tsMs.length;
    const from = events.tsMs[Math.floor(n / 2)];
    const to = from + 2000;
    const arrival = Float64Array.from(events.tsMs, (t) => (t >= from && t < to ? t + 250 : t + 6));
    const r = replayDepth(events, market.trades, { ...base, feedLatencyMs: 6, bookArrivalMs: arrival });
    // groups before the stretch arrive by from + 6, those inside it from from + 250 on: no decision between
    const between = r.orders.sentMs.filter((s) => s > from + 6 && s < from + 250);
    expect(between).toEqual([]);
    expect(r.orders.sentMs.filter((s) => s >= from + 250 && s < to + 250).length).toBeGreaterThan(0);
    const constant = replayDepth(events, market.trades, { ...base, feedLatencyMs: 6 });
    expect(constant.orders.sentMs.filter((s) => s > from + 6 && s < from + 250).length).toBeGreaterThan(0);
    expect(() => replayDepth(events, market.trades, { ...base, bookArrivalMs: new Float64Array(3) })).toThrow(/bookArrivalMs has 3 times/);
  });
});

describe('replayDepth: partialFills false (hftbacktest NoPartialFillExchange)', () => {
  it('a trade that passes the queue ahead by less than our size fills all of it; with partial fills only the part beyond', () => {
    // one bid level at 100 ticks of size 2 (tick 1), an ask at 103; our bid of size 3 joins at 100 behind the 2;
    // a sell trade of 3 at 100 takes the 2 ahead and 1 of ours
    const events = {
      tsMs: Float64Array.of(0, 0),
      side: Int8Array.of(1, -1),
      px: Float64Array.of(100, 103),
      qty: Float64Array.of(2, 5),
    };
    const trades = { kind: 'trades' as const, tsMs: Float64Array.of(50), side: Int8Array.of(-1), px: Float64Array.of(100), sz: Float64Array.of(3), id: Float64Array.of(1), meta: {} };
    const quote = { name: 'fixed', requires: [], quote: () => ({ reservationPx: 101.5, bidPx: 100, askPx: 110 }) };
    const run = (partialFills: boolean) => replayDepth(events, trades, { strategy: quote as never, orderSize: 3, tickSize: 1, partialFills });
    const partial = run(true);
    expect(partial.fills.qty.filter((_, k) => partial.fills.side[k] > 0)).toEqual([1]);
    const whole = run(false);
    expect(whole.fills.qty.filter((_, k) => whole.fills.side[k] > 0)).toEqual([3]);
    expect(whole.inventory).toBe(3);
  });

  it('on a generated market every fill is a whole order: fills = orders filled', () => {
    const market = generateOrderBookMarket({ seed: 4, durationSec: 300, marketRatePerSec: 3, marketUnits: 8 });
    const r = replayDepth(depthEventsOf(market), market.trades, { strategy: symmetricStrategy(1.5 * market.tickSize), orderSize: market.unitQty, tickSize: market.tickSize, partialFills: false });
    const filledOrders = r.orders.firstFillMs.filter((t) => t === t).length;
    expect(filledOrders).toBeGreaterThan(30);
    expect(r.fills.tsMs.length).toBe(filledOrders);
    expect(r.fills.qty.every((q) => q === market.unitQty)).toBe(true);
    const withPartial = replayDepth(depthEventsOf(market), market.trades, { strategy: symmetricStrategy(1.5 * market.tickSize), orderSize: market.unitQty, tickSize: market.tickSize });
    expect(withPartial.fills.qty.some((q) => q < market.unitQty)).toBe(true);
  });
});

describe('replayDepth: sampled latencies (feed, entry, cancel), as the top-N replay draws them', () => {
  const market = generateOrderBookMarket({ seed: 8, durationSec: 300 });
  const events = depthEventsOf(market);
  const base = { strategy: symmetricStrategy(1.5 * market.tickSize), orderSize: 1e-6, tickSize: market.tickSize };
  const summary = (r: ReturnType<typeof replayDepth>) => ({ fills: r.fills, orders: r.orders, inventory: r.inventory, decisions: r.decisions });

  it('one sample is the constant; the same seed gives the same run, another seed another', () => {
    const constant = replayDepth(events, market.trades, { ...base, feedLatencyMs: 7, entryLatencyMs: 4, cancelLatencyMs: 9 });
    const single = replayDepth(events, market.trades, { ...base, feedLatencyMs: { samplesMs: [7], seed: 1 }, entryLatencyMs: { samplesMs: [4], seed: 2 }, cancelLatencyMs: { samplesMs: [9], seed: 3 } });
    expect(constant.fills.tsMs.length).toBeGreaterThan(20);
    expect(summary(single)).toEqual(summary(constant));
    const spec = (seed: number) => ({ ...base, feedLatencyMs: { samplesMs: [2, 15, 60], seed }, entryLatencyMs: { samplesMs: [1, 10, 80], seed: seed + 1 } });
    expect(summary(replayDepth(events, market.trades, spec(5)))).toEqual(summary(replayDepth(events, market.trades, spec(5))));
    expect(summary(replayDepth(events, market.trades, spec(6)))).not.toEqual(summary(replayDepth(events, market.trades, spec(5))));
  });

  it("each order rests one drawn entry latency after it was sent (later only behind its predecessor's cancel), every sample drawn", () => {
    const samples = [1, 10, 80];
    const r = replayDepth(events, market.trades, { ...base, entryLatencyMs: { samplesMs: samples, seed: 4 }, cancelLatencyMs: 0 });
    const waits = r.orders.activeMs.map((a, k) => a - r.orders.sentMs[k]);
    expect(waits.length).toBeGreaterThan(100);
    const drawn = new Set<number>();
    for (const w of waits) {
      const exact = samples.find((x) => Math.abs(w - x) < 1e-6);
      if (exact !== undefined) drawn.add(exact);
      else expect(w).toBeGreaterThan(1); // waited for the cancel of the order before it (cancel latency 0: only ties)
    }
    expect([...drawn].sort((a, b) => a - b)).toEqual(samples);
  });
});

describe('replayDepth: fees and the lot', () => {
  it('maker and taker fees come off the cash fill by fill and change no fill; the order size is rounded down to the lot', () => {
    const market = generateOrderBookMarket({ seed: 9, durationSec: 300, marketRatePerSec: 2, marketUnits: 4 });
    const events = depthEventsOf(market);
    const base = { strategy: symmetricStrategy(1.5 * market.tickSize), orderSize: 0.037, tickSize: market.tickSize, feedLatencyMs: 2, entryLatencyMs: 2 };
    const free = replayDepth(events, market.trades, base);
    const charged = replayDepth(events, market.trades, { ...base, makerFee: 0.0002, takerFee: 0.0005 });
    expect(charged.fills.tsMs).toEqual(free.fills.tsMs);
    expect(charged.fills.tsMs.length).toBeGreaterThan(20);
    let expected = 0;
    for (let f = 0; f < free.fills.tsMs.length; f++) expected += free.fills.px[f] * free.fills.qty[f] * (free.fills.maker[f] ? 0.0002 : 0.0005);
    expect(charged.fees).toBeCloseTo(expected, 9);
    expect(free.cash - charged.cash).toBeCloseTo(expected, 9);
    expect(free.fees).toBe(0);
    const lotted = replayDepth(events, market.trades, { ...base, lotSize: 0.01 });
    expect(lotted.orderSize).toBeCloseTo(0.03, 12);
    expect(Math.max(...lotted.fills.qty)).toBeLessThanOrEqual(0.03 + 1e-12);
    expect(() => replayDepth(events, market.trades, { ...base, lotSize: 0.1 })).toThrow(/below the lot/);
  });
});

describe('replayDepth: orderCount when a trade and a cancellation meet in one book message', () => {
  it('orders a trade took leave the level\'s count: 10 orders of 1 ahead, a trade of 5, the level then 4 in 4 orders: 4 ahead, so a trade of 4.5 fills 0.5 of ours', () => {
    // our bid joins at 100 behind 10 units (10 orders); asks at 103
    const events = { tsMs: Float64Array.of(0, 0, 20, 20), side: Int8Array.of(1, -1, 1, 1), px: Float64Array.of(100, 103, 100, 100), qty: Float64Array.of(10, 5, 4, 4), orders: Float64Array.of(10, 5, 4, 4) };
    const trades = { kind: 'trades' as const, tsMs: Float64Array.of(20, 30), side: Int8Array.of(-1, -1), px: Float64Array.of(100, 100), sz: Float64Array.of(5, 4.5), id: Float64Array.of(1, 2), meta: {} };
    const quote = { name: 'fixed', requires: [], quote: () => ({ reservationPx: 101.5, bidPx: 100, askPx: 110 }) };
    const r = replayDepth(events, trades, { strategy: quote as never, orderSize: 3, tickSize: 1, queueModel: { name: 'orderCount' } });
    expect(r.fills.qty.filter((_, k) => r.fills.side[k] > 0)).toEqual([0.5]);
  });
});

describe('replayDepth: decisions skipped for a time-invariant strategy (Strategy.timeInvariant)', () => {
  it('give the run of a strategy that decides every time, field for field, whatever the quoting features, latencies, fill rule and masks', () => {
    const market = generateOrderBookMarket({ seed: 4, durationSec: 900 });
    const events = depthEventsOf(market);
    const tick = market.tickSize;
    const base = { orderSize: market.unitQty / 100, tickSize: tick, feedLatencyMs: 10, entryLatencyMs: 10 };
    const variants: Array<Partial<Parameters<typeof replayDepth>[2]>> = [
      {},
      { orderLevels: 3, levelSpacingTicks: 2, refreshToleranceTicks: 1, maxPosition: market.unitQty / 20 },
      { feedLatencyMs: { samplesMs: [1, 5, 30], seed: 2 }, entryLatencyMs: { samplesMs: [2, 9, 50], seed: 3 }, cancelLatencyMs: 40 },
      { fill: 'tradeThrough' },
      { fill: 'midCross' },
      { masked: [{ fromMs: events.tsMs[3000], toMs: events.tsMs[6000], reason: 'test' }] },
      { minSpreadPx: 5 * tick, inventoryTarget: market.unitQty / 50 },
      { queueModel: { name: 'orderCount' } },
      // each of these breaks the run when one key of the skip is left out (the calibration step, the fills known,
      // the orders' version; the maximum age, which must turn the skip off)
      { calibration: rollingCalibration(market.book, backtestExecutions(market.book, market.trades, 'queue', tick).marketOrders, { windowSec: 60, stepSec: 1 }) },
      { feedLatencyMs: { samplesMs: [1, 5, 30, 300], seed: 2 } },
      { bookArrivalMs: Float64Array.from(events.tsMs, (t, k) => t + 3 + (k % 11) * 20) },
      { refreshMs: 200 },
      { maxOrderAgeMs: 500 },
      { orderLevels: 4, queueModel: { name: 'orderCount' }, maxPosition: (3 * market.unitQty) / 100 },
    ];
    let skipped = 0;
    for (const variant of variants) {
      for (const strategy of [symmetricStrategy(1.5 * tick), symmetricStrategy(0.5 * tick), glftStrategy(0.5, 5)]) {
        expect(strategy.timeInvariant).toBe(true);
        const config = { ...base, strategy, calibration: { sigmaPerSqrtSec: 0.5 * tick, aPerSec: 1, kPerPrice: 1 / tick }, ...variant };
        const skipping = replayDepth(events, market.trades, config);
        const every = replayDepth(events, market.trades, { ...config, strategy: { ...strategy, timeInvariant: false } });
        expect(skipping.fills.tsMs.length, JSON.stringify(variant)).toBeGreaterThan(10);
        expect({ ...skipping, replaySec: 0 }, `${strategy.name} ${JSON.stringify(variant)}`).toEqual({ ...every, replaySec: 0 });
        // the strategy is asked less often: count its calls
        let calls = 0;
        const counted = { ...strategy, quoteInto: (c: Parameters<NonNullable<typeof strategy.quoteInto>>[0], out: Parameters<NonNullable<typeof strategy.quoteInto>>[1]) => (calls++, strategy.quoteInto!(c, out)) };
        replayDepth(events, market.trades, { ...config, strategy: counted });
        skipped += skipping.decisions - calls;
      }
    }
    expect(skipped).toBeGreaterThan(0);
    // a grid whose levels end and rest while others are kept: only the orders' version voids the skip there
    const other = generateOrderBookMarket({ seed: 7, durationSec: 600 });
    const otherEvents = depthEventsOf(other);
    for (const strategy of [symmetricStrategy(0.5 * other.tickSize), symmetricStrategy(2 * other.tickSize), glftStrategy(0.5, 5), glftStrategy(5, 2)]) {
      const config = { orderSize: other.unitQty / 100, tickSize: other.tickSize, feedLatencyMs: 10, entryLatencyMs: 10, strategy, calibration: { sigmaPerSqrtSec: 0.5 * other.tickSize, aPerSec: 1, kPerPrice: 1 / other.tickSize }, orderLevels: 4, maxPosition: other.unitQty / 40, queueModel: { name: 'orderCount' as const } };
      const skipping = replayDepth(otherEvents, other.trades, config);
      const every = replayDepth(otherEvents, other.trades, { ...config, strategy: { ...strategy, timeInvariant: false } });
      expect({ ...skipping, replaySec: 0 }, `${strategy.name}, 4-level grid`).toEqual({ ...every, replaySec: 0 });
    }
  });
});

describe('replayDepth: onDecision (the report\'s lines)', () => {
  it('is told every decision that asks the strategy: its quotes on the tick grid around the mid it saw, and the inventory and cash of the fills up to then', () => {
    const market = generateOrderBookMarket({ seed: 6, durationSec: 600 });
    const events = depthEventsOf(market);
    const tick = market.tickSize;
    const size = market.unitQty / 100;
    const calls: number[][] = [];
    let asked = 0;
    const strategy = symmetricStrategy(2.5 * tick);
    const counted = { ...strategy, quoteInto: (c: Parameters<NonNullable<typeof strategy.quoteInto>>[0], out: Parameters<NonNullable<typeof strategy.quoteInto>>[1]) => (asked++, strategy.quoteInto!(c, out)) };
    const r = replayDepth(events, market.trades, { strategy: counted, orderSize: size, tickSize: tick, feedLatencyMs: 10, entryLatencyMs: 10, onDecision: (...args) => calls.push(args) });
    expect(calls.length).toBeGreaterThanOrEqual(asked);
    expect(calls.length).toBeLessThan(r.decisions); // the skipped ones are not told, unless our position moved
    expect(r.fills.tsMs.length).toBeGreaterThan(20);
    let f = 0;
    let inventory = 0;
    let cash = 0;
    let prev = -Infinity;
    for (const [tMs, midPx, reservationPx, bidPx, askPx, inv, c] of calls) {
      expect(tMs).toBeGreaterThanOrEqual(prev);
      prev = tMs;
      while (f < r.fills.tsMs.length && r.fills.tsMs[f] <= tMs) {
        inventory += r.fills.side[f] * r.fills.qty[f];
        cash -= r.fills.side[f] * r.fills.qty[f] * r.fills.px[f];
        f++;
      }
      expect(inv).toBeCloseTo(inventory, 12);
      expect(c).toBeCloseTo(cash, 6);
      expect(reservationPx).toBe(midPx);
      // the symmetric quotes, on the grid: the bid rounded down, the ask up
      expect(bidPx).toBeCloseTo(Math.floor((midPx - 2.5 * tick) / tick + 1e-9) * tick, 9);
      expect(askPx).toBeCloseTo(Math.ceil((midPx + 2.5 * tick) / tick - 1e-9) * tick, 9);
    }
    // every change of position is told at the first decision after it, as a strategy asked every time tells it
    // (here with a long feed latency, so that fills wait for their notices across many skipped decisions)
    const slow = { strategy, orderSize: size * 100, tickSize: tick, feedLatencyMs: 200, entryLatencyMs: 10 };
    const skipping: number[][] = [];
    const every: number[][] = [];
    replayDepth(events, market.trades, { ...slow, onDecision: (...args) => skipping.push(args) });
    replayDepth(events, market.trades, { ...slow, strategy: { ...strategy, timeInvariant: false }, onDecision: (...args) => every.push(args) });
    const moves = (list: number[][]) => list.filter((c, k) => k === 0 || c[5] !== list[k - 1][5] || c[6] !== list[k - 1][6]);
    expect(moves(every).length).toBeGreaterThan(20);
    expect(moves(skipping)).toEqual(moves(every));
    expect(skipping.length).toBeLessThan(every.length / 2);
  });
});

describe('depthReplaySession: the replay fed in pieces (a catalog range day by day)', () => {
  const market = generateOrderBookMarket({ seed: 8, durationSec: 1200 });
  const events = depthEventsOf(market);
  const trades = market.trades;
  const tick = market.tickSize;
  const cut = (ev: DepthEvents, a: number, b: number): DepthEvents => ({ tsMs: ev.tsMs.subarray(a, b), side: ev.side.subarray(a, b), px: ev.px.subarray(a, b), qty: ev.qty.subarray(a, b), ...(ev.orders ? { orders: Float64Array.from(ev.orders).subarray(a, b) } : {}) });
  const cutTrades = (t: TradeTable, a: number, b: number): TradeTable => ({ ...t, tsMs: t.tsMs.subarray(a, b), side: t.side.subarray(a, b), px: t.px.subarray(a, b), sz: t.sz.subarray(a, b), id: t.id.subarray(a, b) });
  /** Pieces cut where the time moves on, each with the trades before the next piece's first change. */
  const pieces = (fractions: number[]) => {
    const cuts = [0];
    for (const f of fractions) {
      let c = Math.floor(events.tsMs.length * f);
      while (events.tsMs[c] === events.tsMs[c - 1]) c++;
      cuts.push(c);
    }
    cuts.push(events.tsMs.length);
    const out: Array<{ a: number; b: number; tradesFrom: number; tradesTo: number; nextChangeMs: number }> = [];
    let tj = 0;
    for (let p = 0; p + 1 < cuts.length; p++) {
      const nextChangeMs = cuts[p + 1] < events.tsMs.length ? events.tsMs[cuts[p + 1]] : Infinity;
      let tk = tj;
      while (tk < trades.tsMs.length && trades.tsMs[tk] < nextChangeMs) tk++;
      out.push({ a: cuts[p], b: cuts[p + 1], tradesFrom: tj, tradesTo: tk, nextChangeMs });
      tj = tk;
    }
    return out;
  };
  const arrivals = Float64Array.from(events.tsMs, (t, k) => t + 2 + (k % 5) * 6);
  const cal = { sigmaPerSqrtSec: 0.5 * tick, aPerSec: 1, kPerPrice: 1 / tick };
  const base = { orderSize: market.unitQty / 100, tickSize: tick, feedLatencyMs: 10, entryLatencyMs: 10, calibration: cal };
  const variants: Array<Partial<Parameters<typeof replayDepth>[2]>> = [
    {},
    { feedLatencyMs: { samplesMs: [1, 5, 30], seed: 2 }, entryLatencyMs: { samplesMs: [2, 9, 50], seed: 3 } },
    { bookArrivalMs: arrivals },
    { refreshMs: 250, orderLevels: 2 },
    { masked: [{ fromMs: events.tsMs[4000], toMs: events.tsMs[30000], reason: 'test' }] },
    { queueModel: { name: 'orderCount' }, maxOrderAgeMs: 3000 },
    // a rolling calibration read at the exchange time the strategy has reached, under a variable feed latency
    // (capped by the next change: the next piece's first, across a cut)
    { calibration: rollingCalibration(market.book, backtestExecutions(market.book, trades, 'queue', tick).marketOrders, { windowSec: 60, stepSec: 1 }), feedLatencyMs: { samplesMs: [1, 40, 400], seed: 5 } },
    { calibration: rollingCalibration(market.book, backtestExecutions(market.book, trades, 'queue', tick).marketOrders, { windowSec: 60, stepSec: 1 }), bookArrivalMs: arrivals },
  ];

  it('gives the whole replay, field for field, wherever the pieces are cut', () => {
    for (const variant of variants) {
      for (const strategy of [symmetricStrategy(1.5 * tick), asStrategy(0.1, 120)]) {
        const config = { ...base, strategy, ...variant };
        const whole = replayDepth(events, trades, config);
        expect(whole.fills.tsMs.length, JSON.stringify(Object.keys(variant))).toBeGreaterThan(20);
        for (const fractions of [[0.5], [0.1, 0.37, 0.38, 0.9]]) {
          const { bookArrivalMs, ...rest } = config;
          const session = depthReplaySession(rest, bookArrivalMs !== undefined);
          for (const p of pieces(fractions)) {
            session.feed(cut(events, p.a, p.b), cutTrades(trades, p.tradesFrom, p.tradesTo), { ...(bookArrivalMs ? { bookArrivalMs: (bookArrivalMs as Float64Array).subarray(p.a, p.b) } : {}) });
          }
          const streamed = session.finish();
          expect({ ...streamed, replaySec: 0 }, `${strategy.name} ${JSON.stringify(Object.keys(variant))} cut at ${fractions}`).toEqual({ ...whole, replaySec: 0 });
        }
      }
    }
  });

  it('a rolling calibration fed with the pieces, each piece its rows up to its last event, gives the run with the rows joined in the config', () => {
    const rolling = rollingCalibration(market.book, backtestExecutions(market.book, trades, 'queue', tick).marketOrders, { windowSec: 60, stepSec: 1 });
    const rowsBetween = (fromMs: number, toMs: number) => {
      const keep = (a: Float64Array) => a.filter((_, i) => rolling.tMs[i] > fromMs && rolling.tMs[i] <= toMs);
      return { tMs: keep(rolling.tMs), sigmaPricePerSqrtSec: keep(rolling.sigmaPricePerSqrtSec), aPooledPerSec: keep(rolling.aPooledPerSec), kPooledPerPrice: keep(rolling.kPooledPerPrice) };
    };
    const fedVariants: Array<Partial<Parameters<typeof replayDepth>[2]>> = [
      { feedLatencyMs: { samplesMs: [1, 40, 400], seed: 5 } },
      { bookArrivalMs: arrivals },
      { refreshMs: 700, feedLatencyMs: 250 },
    ];
    for (const variant of fedVariants) {
      for (const strategy of [asStrategy(0.1, 120), glftStrategy(0.1, 1), symmetricStrategy(1.5 * tick)]) {
        const config = { ...base, strategy, ...variant };
        const whole = replayDepth(events, trades, { ...config, calibration: rolling });
        expect(whole.fills.tsMs.length, `${strategy.name} ${JSON.stringify(Object.keys(variant))}`).toBeGreaterThan(20);
        for (const fractions of [[0.5], [0.1, 0.37, 0.38, 0.9]]) {
          const { bookArrivalMs, calibration: _constant, ...rest } = config;
          const session = depthReplaySession(rest, bookArrivalMs !== undefined);
          let fedToMs = -Infinity;
          const cuts = pieces(fractions);
          cuts.forEach((p, k) => {
            // the piece's last event: its last change or trade (the last piece takes every row left)
            const lastMs = k === cuts.length - 1 ? Infinity : Math.max(events.tsMs[p.b - 1], p.tradesTo > p.tradesFrom ? trades.tsMs[p.tradesTo - 1] : -Infinity);
            session.feed(cut(events, p.a, p.b), cutTrades(trades, p.tradesFrom, p.tradesTo), { calibration: rowsBetween(fedToMs, lastMs), ...(bookArrivalMs ? { bookArrivalMs: (bookArrivalMs as Float64Array).subarray(p.a, p.b) } : {}) });
            fedToMs = lastMs;
          });
          const streamed = session.finish();
          expect({ ...streamed, replaySec: 0 }, `${strategy.name} ${JSON.stringify(Object.keys(variant))} cut at ${fractions}`).toEqual({ ...whole, replaySec: 0 });
        }
      }
    }
    // rows out of time order, and rows for a replay whose σ, A, k are constant
    const [first, second] = pieces([0.5]);
    const s1 = depthReplaySession({ ...base, calibration: undefined, strategy: asStrategy(0.1, 120) });
    s1.feed(cut(events, first.a, first.b), undefined, { calibration: rowsBetween(-Infinity, events.tsMs[first.b - 1]) });
    expect(() => s1.feed(cut(events, second.a, second.b), undefined, { calibration: rowsBetween(-Infinity, Infinity) })).toThrow(/first calibration row .* is not after the last row before it/);
    const s2 = depthReplaySession({ ...base, strategy: asStrategy(0.1, 120) });
    expect(() => s2.feed(cut(events, first.a, first.b), undefined, { calibration: rowsBetween(-Infinity, Infinity) })).toThrow(/σ, A, k are constant/);
  });

  it('state() after each piece is the end of a replay of the pieces so far', () => {
    const config = { ...base, strategy: asStrategy(0.1, 120), feedLatencyMs: { samplesMs: [1, 5, 30], seed: 2 } };
    const session = depthReplaySession(config);
    expect(session.state()).toMatchObject({ nativeEvents: 0, decisions: 0, fills: 0, inventory: 0, cash: 0 });
    for (const p of pieces([0.2, 0.55, 0.8])) {
      session.feed(cut(events, p.a, p.b), cutTrades(trades, p.tradesFrom, p.tradesTo));
      const sofar = replayDepth(cut(events, 0, p.b), cutTrades(trades, 0, p.tradesTo), config);
      expect(session.state()).toEqual({ nativeEvents: sofar.nativeEvents, decisions: sofar.decisions, fills: sofar.fills.tsMs.length, inventory: sofar.inventory, cash: sofar.cash, lastMidPx: sofar.lastMidPx, pnl: sofar.pnl });
    }
    expect(session.state().fills).toBeGreaterThan(20);
  });

  it('refuses pieces out of time order, a split group of changes, and a recorded feed without arrivals', () => {
    const [first, second] = pieces([0.5]);
    const session = () => depthReplaySession({ ...base, strategy: symmetricStrategy(tick) });
    const s1 = session();
    s1.feed(cut(events, second.a, second.b), undefined);
    expect(() => s1.feed(cut(events, first.a, first.b), undefined)).toThrow(/not after the last of the piece before/);
    // a group of changes with one time split between two pieces
    let c = 1;
    while (events.tsMs[c] !== events.tsMs[c - 1]) c++;
    const s2 = session();
    s2.feed(cut(events, 0, c), undefined);
    expect(() => s2.feed(cut(events, c, c + 10), undefined)).toThrow(/not after the last of the piece before/);
    // the trades of a piece reaching past the next piece's first change
    const s3 = session();
    s3.feed(cut(events, first.a, first.b), cutTrades(trades, 0, trades.tsMs.length));
    expect(() => s3.feed(cut(events, second.a, second.b), undefined)).toThrow(/comes before the last trade of the piece before/);
    const s4 = depthReplaySession({ ...base, strategy: symmetricStrategy(tick) }, true);
    expect(() => s4.feed(cut(events, 0, 10), undefined)).toThrow(/needs its bookArrivalMs/);
    expect(() => s4.finish()).toThrow(/stopped at an error/);
  });
});

describe('replayDepth: recordOrders false', () => {
  it('keeps no record per order, the same run otherwise, and counts the orders and those filled as the records do', () => {
    const market = generateOrderBookMarket({ seed: 9, durationSec: 600 });
    const events = depthEventsOf(market);
    const config = { strategy: symmetricStrategy(1.5 * market.tickSize), orderSize: market.unitQty / 100, tickSize: market.tickSize, feedLatencyMs: 10, entryLatencyMs: 10, orderLevels: 2 };
    const recorded = replayDepth(events, market.trades, config);
    const counted = replayDepth(events, market.trades, { ...config, recordOrders: false });
    expect(counted.orders.side).toEqual([]);
    expect(recorded.orders.side.length).toBeGreaterThan(100);
    expect(recorded.orderCount).toBe(recorded.orders.side.length);
    expect(recorded.ordersFilled).toBe(recorded.orders.firstFillMs.filter((t) => !Number.isNaN(t)).length);
    expect(recorded.ordersFilled).toBeGreaterThan(10);
    const { orders: _a, replaySec: _b, ...rest } = recorded;
    const { orders: _c, replaySec: _d, ...restCounted } = counted;
    expect(restCounted).toEqual(rest);
  });
});

describe('replayDepth: no bid at a price of 0 or less', () => {
  // A quote below 0 (AS at a γ far too large for the price level) was sent as a bid at a negative tick. The
  // market's mid is 100 (10,000 ticks of 0.01): symmetric quotes ±150 put the bid at −50, and ±99.985 put it at
  // 0.015 (tick 1), so a grid's second and third levels fall on ticks 0 and −1. Reference: that arithmetic.
  const market = generateOrderBookMarket({ seed: 3, durationSec: 60 });
  const events = depthEventsOf(market);
  const run = (halfSpreadPx: number, orderLevels = 1) =>
    replayDepth(events, market.trades, { strategy: symmetricStrategy(halfSpreadPx), orderSize: 1e-6, tickSize: market.tickSize, orderLevels, levelSpacingTicks: 1, queueModel: { name: 'power' } });

  it('a quote at −50: the ask is sent, no bid', () => {
    const r = run(150);
    expect(r.orders.side.filter((s) => s < 0).length).toBeGreaterThan(0);
    expect(r.orders.side.filter((s) => s > 0)).toEqual([]);
  });

  it('a grid of 3 from a bid at tick 1: its levels at ticks 0 and −1 are not sent', () => {
    const r = run(99.985, 3);
    const bidTicks = r.orders.pxTicks.filter((_, o) => r.orders.side[o] > 0);
    expect(bidTicks.length).toBeGreaterThan(0);
    expect(Math.min(...bidTicks)).toBe(1);
  });
});
