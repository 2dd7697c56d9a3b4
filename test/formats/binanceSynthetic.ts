import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/*
 * Captures built here from Binance's DOCUMENTED message shapes (hftbacktest collector format: gzip of
 * `<local_ts_ns> <json>` lines, combined streams `{"stream","data"}`, REST snapshots without "stream"):
 * - spot diff      {e:"depthUpdate",E,s,U,u,b,a}                       (Spot API, "Diff. Depth Stream")
 * - futures diff   {e:"depthUpdate",E,T,s,U,u,pu,b,a}                  (USD-M / COIN-M, "Diff. Book Depth Streams")
 * - REST snapshot  {lastUpdateId,bids,asks} (spot) / {lastUpdateId,E,T,bids,asks} (futures, GET /fapi/v1/depth)
 * - bookTicker     {u,s,b,B,a,A} (spot) / {e:"bookTicker",u,E,T,s,b,B,a,A} (futures)
 * - trade          {e:"trade",E,s,t,p,q,T,m,M} (spot) / {e:"trade",E,T,s,t,p,q,X,m} (futures, as hftbacktest records it)
 * - aggTrade       {e:"aggTrade",E,s,a,p,q,f,l,T,m}
 * The generator keeps its own "true" book (the exchange's), so every expectation in binanceFutures.test.ts (rows, which diffs
 * apply, masks, comparable tickers) comes from the generator, not from the loader.
 */

export type Market = 'spot' | 'futures';

/** Park–Miller LCG in [0, 1): deterministic captures. */
function lcg(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

export interface GenDiff {
  readonly U: number;
  readonly u: number;
  readonly pu: number;
  readonly E: number;
  readonly T: number;
  readonly message: Record<string, unknown>;
  /** Best 5 levels (price, qty) per side after the diff, from the true book. */
  readonly bids5: Array<[number, number]>;
  readonly asks5: Array<[number, number]>;
}

export interface GenTicker {
  readonly u: number;
  /** Index of the diff the update belongs to; comparable when u is that diff's final update id. */
  readonly diff: number;
  readonly comparable: boolean;
  message: Record<string, unknown>;
}

export interface Capture {
  readonly diffs: GenDiff[];
  readonly tickers: GenTicker[];
  readonly trades: number;
  /** Max exchange time (E or T) of any message in the file, ms. */
  readonly maxExchangeMs: number;
  /** Diffs whose U is not the previous diff's u + 1 (what the spot rule would call a gap), in file order. */
  readonly spotRuleBreaks: number;
  readonly lines: string[];
}

export interface Plan {
  readonly market: Market;
  readonly n: number;
  readonly seed?: number;
  readonly symbol?: string;
  readonly depthStream?: string;
  /** REST snapshots: the book's state after diff `stateAfter`, received after diff `receivedAfter`. */
  readonly snapshots: ReadonlyArray<{ stateAfter: number; receivedAfter: number }>;
  /** Diffs left out of the file (a lost message). */
  readonly drop?: readonly number[];
  readonly aggTrades?: boolean;
}

const px = (ticks: number) => (ticks / 10).toFixed(2);

export function generate(plan: Plan): Capture {
  const rng = lcg(plan.seed ?? 7);
  const symbol = plan.symbol ?? 'BTCUSDT';
  const sym = symbol.toLowerCase();
  const futures = plan.market === 'futures';
  const depthStream = `${sym}@${plan.depthStream ?? (futures ? 'depth@0ms' : 'depth@100ms')}`;
  const bids = new Map<number, string>();
  const asks = new Map<number, string>();
  for (let i = 0; i < 60; i++) {
    bids.set(240_000 - i, (0.001 * (1 + Math.floor(rng() * 5000))).toFixed(3));
    asks.set(240_001 + i, (0.001 * (1 + Math.floor(rng() * 5000))).toFixed(3));
  }
  const sortedBids = () => [...bids.keys()].sort((a, b) => b - a);
  const sortedAsks = () => [...asks.keys()].sort((a, b) => a - b);
  const best = () => {
    const b = sortedBids()[0];
    const a = sortedAsks()[0];
    return { b, B: bids.get(b)!, a, A: asks.get(a)! };
  };
  let id = 5_000_000;
  let E = 1_723_161_255_000;
  let tradeId = 900;
  const diffs: GenDiff[] = [];
  const tickers: GenTicker[] = [];
  const states: Array<{ bids: Array<[string, string]>; asks: Array<[string, string]> }> = [];
  const tradeLines: Array<{ after: number; message: Record<string, unknown> }> = [];
  let prevU = id;
  for (let i = 0; i < plan.n; i++) {
    E += futures ? 1 + Math.floor(rng() * 5) : 100;
    const T = E - 3;
    const changes = 1 + Math.floor(rng() * 4);
    const b = new Map<number, string>();
    const a = new Map<number, string>();
    let U = 0;
    for (let c = 0; c < changes; c++) {
      const before = best();
      const bidSide = rng() < 0.5;
      const offset = Math.floor(rng() * 6) - (rng() < 0.15 ? 1 : 0);
      let p = bidSide ? before.b - offset : before.a + offset;
      if (bidSide && p >= before.a) p = before.a - 1;
      if (!bidSide && p <= before.b) p = before.b + 1;
      const side = bidSide ? bids : asks;
      const qty = side.has(p) && side.size > 30 && rng() < 0.35 ? '0.000' : (0.001 * (1 + Math.floor(rng() * 5000))).toFixed(3);
      if (qty === '0.000') side.delete(p);
      else side.set(p, qty);
      (bidSide ? b : a).set(p, qty);
      id += futures ? 1 + Math.floor(rng() * 9) : 1;
      if (c === 0) U = id;
      const after = best();
      if (after.b !== before.b || after.B !== before.B || after.a !== before.a || after.A !== before.A) {
        const body = { u: id, s: symbol, b: px(after.b), B: after.B, a: px(after.a), A: after.A };
        const message = futures ? { e: 'bookTicker', u: id, E: E + 1, T, s: symbol, b: body.b, B: body.B, a: body.a, A: body.A } : body;
        tickers.push({ u: id, diff: i, comparable: c === changes - 1, message });
      }
    }
    const u = id;
    const message: Record<string, unknown> = futures
      ? { e: 'depthUpdate', E, T, s: symbol, U, u, pu: prevU, b: [...b].map(([p, q]) => [px(p), q]), a: [...a].map(([p, q]) => [px(p), q]) }
      : { e: 'depthUpdate', E, s: symbol, U, u, b: [...b].map(([p, q]) => [px(p), q]), a: [...a].map(([p, q]) => [px(p), q]) };
    const top = (keys: number[], side: Map<number, string>) => keys.slice(0, 5).map((k): [number, number] => [Number(px(k)), Number(side.get(k))]);
    diffs.push({ U, u, pu: prevU, E, T: futures ? T : E, message, bids5: top(sortedBids(), bids), asks5: top(sortedAsks(), asks) });
    states.push({ bids: sortedBids().map((k) => [px(k), bids.get(k)!]), asks: sortedAsks().map((k) => [px(k), asks.get(k)!]) });
    prevU = u;
    if (rng() < 0.4) {
      const sell = rng() < 0.5;
      const top1 = best();
      const p = px(sell ? top1.b : top1.a);
      const message = futures
        ? { e: 'trade', E, T, s: symbol, t: ++tradeId, p, q: '0.010', X: 'MARKET', m: sell }
        : { e: 'trade', E, s: symbol, t: ++tradeId, p, q: '0.010', T, m: sell, M: true };
      tradeLines.push({ after: i, message });
    }
  }
  const lines: string[] = [];
  const dropped = new Set(plan.drop ?? []);
  let local = BigInt(diffs[0].E - 1500) * 1_000_000n;
  const stamp = () => (local += 137_000n).toString();
  const tickersByDiff = new Map<number, GenTicker[]>();
  for (const t of tickers) tickersByDiff.set(t.diff, [...(tickersByDiff.get(t.diff) ?? []), t]);
  const tradesByDiff = new Map<number, Array<Record<string, unknown>>>();
  for (const t of tradeLines) tradesByDiff.set(t.after, [...(tradesByDiff.get(t.after) ?? []), t.message]);
  let maxExchangeMs = 0;
  let spotRuleBreaks = 0;
  let lastInFile: GenDiff | undefined;
  let aggId = 70_000;
  for (let i = 0; i < diffs.length; i++) {
    const d = diffs[i];
    maxExchangeMs = Math.max(maxExchangeMs, d.E, d.T);
    for (const t of tickersByDiff.get(i) ?? []) lines.push(`${stamp()} ${JSON.stringify({ stream: `${sym}@bookTicker`, data: t.message })}`);
    if (!dropped.has(i)) {
      lines.push(`${stamp()} ${JSON.stringify({ stream: depthStream, data: d.message })}`);
      if (lastInFile && d.U !== lastInFile.u + 1) spotRuleBreaks++;
      lastInFile = d;
    }
    for (const t of tradesByDiff.get(i) ?? []) {
      lines.push(`${stamp()} ${JSON.stringify({ stream: `${sym}@trade`, data: t })}`);
      if (plan.aggTrades) {
        const agg = { e: 'aggTrade', E: t.E, s: symbol, a: ++aggId, p: t.p, q: t.q, f: t.t, l: t.t, T: t.T, m: t.m };
        lines.push(`${stamp()} ${JSON.stringify({ stream: `${sym}@aggTrade`, data: agg })}`);
      }
    }
    for (const s of plan.snapshots) {
      if (s.receivedAfter !== i) continue;
      const state = states[s.stateAfter];
      const base = diffs[s.stateAfter];
      const body = futures ? { lastUpdateId: base.u, E: base.E + 1, T: base.T, bids: state.bids, asks: state.asks } : { lastUpdateId: base.u, bids: state.bids, asks: state.asks };
      lines.push(`${stamp()} ${JSON.stringify(body)}`);
    }
  }
  for (const t of tickers) if (futures) maxExchangeMs = Math.max(maxExchangeMs, Number(t.message.E));
  return { diffs, tickers, trades: tradeLines.length, maxExchangeMs, spotRuleBreaks, lines };
}

export function writeCapture(dir: string, name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, gzipSync(lines.join('\n') + '\n'));
  return path;
}

/** Rebuilds a capture's lines after its ticker messages were edited . */
export function linesWithTickers(capture: Capture): string[] {
  const byU = new Map(capture.tickers.map((t) => [t.u, t.message]));
  return capture.lines.map((line) => {
    if (!line.includes('@bookTicker')) return line;
    const space = line.indexOf(' ');
    const message = JSON.parse(line.slice(space + 1)) as { stream: string; data: { u: number } };
    return `${line.slice(0, space)} ${JSON.stringify({ stream: message.stream, data: byU.get(message.data.u) })}`;
  });
}
