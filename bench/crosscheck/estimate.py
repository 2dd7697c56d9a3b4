"""Independent Python re-implementation (from docs/estimation.md, not from src/) of `asmm estimate`'s realized σ
(price and log units, previous-tick mid on a regular grid) and of the arrival MLE over depths d0..d1 ticks past the
touch. Usage: python3 estimate.py BOOKS.csv TRADES.csv TICK [GRID_MS=100] [D0=5] [D1=50]
"""
import json, math, sys
import numpy as np
import pandas as pd

books = pd.read_csv(sys.argv[1], comment='#')
trades = pd.read_csv(sys.argv[2], comment='#')
tick = float(sys.argv[3])
grid_ms = float(sys.argv[4]) if len(sys.argv) > 4 else 100.0
d0 = int(sys.argv[5]) if len(sys.argv) > 5 else 5
d1 = int(sys.argv[6]) if len(sys.argv) > 6 else 50
bts = books.ts_ms.values.astype(float)
mid = (books.bid_px_1.values + books.ask_px_1.values) / 2
out = {}
# the grid: multiples of the grid step since the epoch, from the first at or after the first row to the last at or
# before the last row (asmm's grid is epoch-aligned; one from the first row itself gives one increment more)
for variant, start in (('grid_epoch_aligned', -(-int(bts[0]) // int(grid_ms)) * int(grid_ms)), ('grid_from_first_row', int(bts[0]))):
    grid = np.arange(start, int(bts[-1]) + 1, int(grid_ms), dtype=np.int64).astype(float)
    idx = np.searchsorted(bts, grid, side='right') - 1
    m = mid[idx]
    r = np.diff(m); lr = np.diff(np.log(m))
    n = len(r); dt = grid_ms / 1000
    s = math.sqrt(np.sum(r ** 2) / (n * dt)); sl = math.sqrt(np.sum(lr ** 2) / (n * dt))
    out[variant] = {'increments': n, 'sigmaPricePerSqrtSec': s, 'se': s / math.sqrt(2 * n), 'sigmaLogPerSqrtSec': sl}

# market orders: trades with the same ms and taker side merged (farthest price kept)
t = trades.copy()
first, last = bts[0], bts[-1]
before = int((t.ts_ms < first).sum()); after = int((t.ts_ms > last).sum())
orders = t.groupby(['ts_ms', 'side']).agg(px_max=('px', 'max'), px_min=('px', 'min'), n=('px', 'size')).reset_index()
merged = len(t) - len(orders)
orders = orders[(orders.ts_ms >= first) & (orders.ts_ms <= last)]
row = np.searchsorted(bts, orders.ts_ms.values.astype(float), side='right') - 1
ba = books.ask_px_1.values[row]; bb = books.bid_px_1.values[row]
buy = orders.side.values == 'buy'
j = np.where(buy, np.rint((orders.px_max.values - ba) / tick), np.rint((bb - orders.px_min.values) / tick)).astype(int)
T = (last - first) / 1000
res = {}
def mle(jj):
    N0 = int((jj >= d0).sum()); use = jj[jj >= d0]
    S = float(np.sum(np.minimum(use, d1) - d0)); Nu = int((use < d1).sum())
    k_tick = math.log(1 + Nu / S)
    return {'orders': len(jj), 'beyondTouch': int((jj > 0).sum()), 'N0': N0, 'censored': int((use >= d1).sum()),
            'kPerTick': k_tick, 'kPerPrice': k_tick / tick, 'aPerSec': N0 / T * math.exp(k_tick * d0)}
res['ask'] = mle(j[buy]); res['bid'] = mle(j[~buy])
print(json.dumps({'sigma': out, 'T_sec': T, 'tradesBeforeBook': before, 'tradesAfterBook': after, 'tradesMerged': merged,
                  'negativeDepthOrders': int((j < 0).sum()), 'arrival': res}, indent=1))
