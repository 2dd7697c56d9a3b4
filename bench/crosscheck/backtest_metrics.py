"""Independent Python re-implementation (written from docs/backtest.md and the BacktestMetrics JSDoc, not from
src/) of a top-of-book backtest with the symmetric strategy and the tradeThrough fill rule at zero latency,
and of the metrics asmm's backtestMetrics reports. Usage:
  python3 backtest_metrics.py BOOKS.csv TRADES.csv HALF_SPREAD_PX SIZE TICK MAKER_FEE [--topup]
Prints a JSON document of metrics to compare with `asmm backtest --strategy symmetric --fill tradeThrough --json`.
"""
import json, math, sys
import numpy as np
import pandas as pd

books_path, trades_path, half, size, tick, maker_fee = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
topup = '--topup' in sys.argv
books = pd.read_csv(books_path)
trades = pd.read_csv(trades_path)
bid_t = np.rint(books.bid_px_1.values / tick).astype(np.int64)
ask_t = np.rint(books.ask_px_1.values / tick).astype(np.int64)
half_t = half / tick
b_ts = books.ts_ms.values
t_ts = trades.ts_ms.values
t_px = np.rint(trades.px.values / tick).astype(np.int64)
t_sz = trades.sz.values
t_sell = (trades.side.values == 'sell')

# merge: at equal timestamps trades come before book rows
ev = sorted([(t, 0, i) for i, t in enumerate(t_ts)] + [(t, 1, i) for i, t in enumerate(b_ts)])
mid_t = None
bid = None  # [price_ticks, remaining]
ask = None
inv = 0.0; cash = 0.0; fees = 0.0; turnover = 0.0
fills = []  # (ts, side, px, qty, mid_px, cause)
series_ts, series_eq, series_inv = [], [], []
max_abs_inv = 0.0
for ts, kind, i in ev:
    if kind == 0:
        if mid_t is None:
            continue
        px = t_px[i]; sz = t_sz[i]
        if t_sell[i] and bid is not None and px <= bid[0]:
            q = min(sz, bid[1]); p = bid[0] * tick
            inv += q; cash -= p * q; f = maker_fee * p * q; cash -= f; fees += f; turnover += abs(p * q)
            fills.append((ts, 'bid', p, q, mid_t * tick, 'at' if px == bid[0] else 'through'))
            bid[1] -= q
            if bid[1] <= 1e-12: bid = None
        elif (not t_sell[i]) and ask is not None and px >= ask[0]:
            q = min(sz, ask[1]); p = ask[0] * tick
            inv -= q; cash += p * q; f = maker_fee * p * q; cash -= f; fees += f; turnover += abs(p * q)
            fills.append((ts, 'ask', p, q, mid_t * tick, 'at' if px == ask[0] else 'through'))
            ask[1] -= q
            if ask[1] <= 1e-12: ask = None
        max_abs_inv = max(max_abs_inv, abs(inv))
    else:
        mid_t = (bid_t[i] + ask_t[i]) / 2
        bp = math.floor(mid_t - half_t + 1e-9); ap = math.ceil(mid_t + half_t - 1e-9)
        if bid is None or bid[0] != bp: bid = [bp, size]
        elif topup: bid[1] = size
        if ask is None or ask[0] != ap: ask = [ap, size]
        elif topup: ask[1] = size
        series_ts.append(ts); series_eq.append(cash + inv * mid_t * tick); series_inv.append(inv)

final_mid = mid_t * tick
pnl = cash + inv * final_mid
eq = np.array(series_eq + [pnl])
peak = np.maximum.accumulate(eq)
mdd = float(np.max(peak - eq))
eq_dec = np.array(series_eq)
mdd_dec = float(np.max(np.maximum.accumulate(eq_dec) - eq_dec))
fdf = pd.DataFrame(fills, columns=['ts', 'side', 'px', 'qty', 'mid', 'cause'])
edge = np.where(fdf.side == 'bid', fdf.mid - fdf.px, fdf.px - fdf.mid)
inv_arr = np.array(series_inv)
ts_arr = np.array(series_ts, dtype=float)
# time-weighted inventory (what asmm reports): the position as a step function of the fills, from the first
# decision to the last, each value weighted by how long it was held
t0, t1 = ts_arr[0], ts_arr[-1]
steps = [(t, (1 if sd == 'bid' else -1) * q) for (t, sd, _p, q, _m, _c) in fills]
pos = inv - sum(d for _, d in steps) + sum(d for t, d in steps if t <= t0)
area = area_sq = 0.0
last = t0
for t, d in steps:
    if t <= t0 or t > t1:
        continue
    area += pos * (t - last); area_sq += pos * pos * (t - last); last = t; pos += d
area += pos * (t1 - last); area_sq += pos * pos * (t1 - last)
tw_mean = float(area / (t1 - t0))
tw_std = float(math.sqrt(max(0.0, area_sq / (t1 - t0) - tw_mean ** 2)))
# Sharpe: equity at first decision and every 60 s after (last value at or before), whole intervals only
grid = np.arange(ts_arr[0], ts_arr[-1] + 1, 60000.0)
idx = np.searchsorted(ts_arr, grid, side='right') - 1
ge = eq_dec[idx]
ch = np.diff(ge)
print(json.dumps({
    'pnl': pnl, 'fills': len(fdf), 'bidFills': int((fdf.side == 'bid').sum()), 'askFills': int((fdf.side == 'ask').sum()),
    'tradeAt': int((fdf.cause == 'at').sum()), 'tradeThrough': int((fdf.cause == 'through').sum()),
    'pnlPerFill': pnl / len(fdf),
    'maxDrawdown_decisions_and_end': mdd, 'maxDrawdown_decisions': mdd_dec,
    'spreadCaptured_meanPerFill': float(np.mean(edge)), 'spreadCaptured_qtyWeighted': float(np.sum(edge * fdf.qty) / fdf.qty.sum()),
    'inventoryMean_perDecision': float(inv_arr.mean()), 'inventoryStd_perDecision_pop': float(inv_arr.std()),
    'inventoryStd_perDecision_sample': float(inv_arr.std(ddof=1)),
    'inventoryMean_timeWeighted': tw_mean, 'inventoryStd_timeWeighted': tw_std,
    'maxAbsInventory': max_abs_inv, 'turnover': turnover, 'fees': fees, 'finalInventory': inv, 'finalCash': cash,
    'sharpePerDay_sample': float(ch.mean() / ch.std(ddof=1) * math.sqrt(1440)), 'sharpePerDay_pop': float(ch.mean() / ch.std() * math.sqrt(1440)),
    'decisions': len(series_ts),
}, indent=1))
