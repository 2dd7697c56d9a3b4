"""The reference system's market maker, end to end, as its own Python does it: pandas read_csv of the books5
CSV, ast.literal_eval of the list columns, mid, a rolling std of the last W mids (its "sigma"), W rows over
the seconds they span (its message rate, k = 1/rate), dropna, then a row loop: AS quotes with time normalised
over the rows traded, 0.1-sized orders within |q| <= 3 (else 0 on the side adding to the position and a
lambda-sized order on the other), the five best-priced orders kept per side, mid-cross fills, PnL = q*mid +
cash. A plain port of the rules asmm's runSeedCompat documents (src/backtest/seedCompat.ts), written the way a
pandas user writes it, to time the reference's whole run against `asmm backtest --seed-compat`.

Usage: python3 bench/reference_market_maker.py FILE [GAMMA] [WINDOW]. Prints one JSON document (timings
inside, and the final inventory, cash, PnL and fill count for the caller to compare).
"""
import ast
import json
import math
import sys
import time

start = time.perf_counter()
try:
    import pandas as pd
except ImportError as error:
    print(json.dumps({'python': sys.version.split()[0], 'pandas': None, 'error': str(error)}))
    sys.exit(0)

path = sys.argv[1]
gamma = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
window = int(sys.argv[3]) if len(sys.argv) > 3 else 200
BASE_SIZE, LIMIT, PER_SIDE = 0.1, 3, 5

df = pd.read_csv(path)
for column in ['Bid List', 'Bid Size List', 'Ask List', 'Ask Size List']:
    df[column] = df[column].str.replace('nan', 'None', regex=False).map(ast.literal_eval)
df['Timestamp'] = pd.to_datetime(df['Timestamp'])
df['bid1'] = df['Bid List'].map(lambda levels: levels[0] if levels and levels[0] is not None else float('nan'))
df['ask1'] = df['Ask List'].map(lambda levels: levels[0] if levels and levels[0] is not None else float('nan'))
df['mid'] = (df['bid1'] + df['ask1']) / 2
df['sigma'] = df['mid'].rolling(window).std()
seconds = (df['Timestamp'] - df['Timestamp'].shift(window)).dt.total_seconds()
df['rate'] = window / seconds
df['k'] = 1 / df['rate']
df = df.iloc[window:].dropna(subset=['sigma']).reset_index(drop=True)
loaded = time.perf_counter()

first, last = df['Timestamp'].iloc[0], df['Timestamp'].iloc[-1]
span = (last - first).total_seconds()
q, cash = 0.0, 0.0
bids, asks = [], []
fills = 0
for row in df.itertuples(index=False):
    mid, sigma, k = row.mid, row.sigma, row.k
    time_left = (last - row.Timestamp).total_seconds() / span
    reservation = mid - q * sigma ** 2 * gamma * time_left
    spread = gamma * sigma ** 2 * time_left + (2 / gamma) * (math.log(1 + gamma / k) if k > 0 else math.inf)
    bid, ask = reservation - spread / 2, reservation + spread / 2
    a = (1 / k) / 1.5 if k > 0 else math.inf
    if q > LIMIT:
        bid_size, ask_size = 0.0, a * math.exp(-k * abs(row.ask1 - ask))
    elif q < -LIMIT:
        bid_size, ask_size = a * math.exp(-k * abs(bid - row.bid1)), 0.0
    else:
        bid_size, ask_size = BASE_SIZE, BASE_SIZE
    bids.append((bid, bid_size))
    asks.append((ask, ask_size))
    bids = sorted(bids, key=lambda o: -o[0])[:PER_SIDE]
    asks = sorted(asks, key=lambda o: o[0])[:PER_SIDE]
    left = []
    for px, size in bids:
        if mid <= px:
            q += size
            cash -= px * size
            fills += size != 0
        else:
            left.append((px, size))
    bids = left
    left = []
    for px, size in asks:
        if mid >= px:
            q -= size
            cash += px * size
            fills += size != 0
        else:
            left.append((px, size))
    asks = left
    pnl = q * mid + cash
end = time.perf_counter()
print(json.dumps({
    'python': sys.version.split()[0],
    'pandas': pd.__version__,
    'rows': len(df),
    'loadSec': loaded - start,
    'loopSec': end - loaded,
    'totalSec': end - start,
    'finalInventory': q,
    'finalCash': cash,
    'pnl': pnl,
    'fills': int(fills),
}))
