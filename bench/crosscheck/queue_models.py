"""Independent Python model (from hftbacktest's documented ProbQueueModel: queue.rs's new_order / trade / depth and
its *ProbQueueFunc, plus asmm's documented rules: trades at our price consume the quantity ahead first, then fill us
partially; the quantity ahead never goes below 0 by cancellations) of a bid resting at one level, on a hand-built
sequence of level sizes and trades at that level. Writes the Binance capture that `asmm backtest --depth full` reads
and prints the filled quantity per queue model after each trade.
Usage: python3 queue_models.py OUT.gz [UNTIL_MS]
"""
import gzip, json, math, sys

TICK = 0.01
BID, ASK = 100.00, 100.02
SIZE = 1.0
T0 = 1767225600000  # 2026-01-01T00:00:00Z
# (ms after T0, kind, value): 'level' = new displayed size at BID; 'sell' = a sell (taker) trade at BID of that size.
# At equal times the trade comes first and the level after it, as in the data.
EVENTS = [(1000, 'level', 16.0), (2000, 'sell', 3.0), (2000, 'level', 13.0), (3000, 'level', 9.0),
          (4000, 'sell', 5.0), (4000, 'level', 4.0), (5000, 'sell', 1.5), (5000, 'level', 2.5)]
START_LEVEL = 10.0
UNTIL_MS = int(sys.argv[2]) if len(sys.argv) > 2 else None  # keep the events up to this time only
if UNTIL_MS is not None: EVENTS = [e for e in EVENTS if e[0] <= UNTIL_MS]

def f_pow(n): return lambda x: x ** n
def f_log(x): return math.log(1 + x)
PROBS = {
    'power': lambda fr, bk: f_pow(2)(bk) / (f_pow(2)(bk) + f_pow(2)(fr)),
    'power2': lambda fr, bk: f_pow(2)(bk) / f_pow(2)(bk + fr),
    'power3': lambda fr, bk: 1 - f_pow(3)(fr / (fr + bk)),
    'log': lambda fr, bk: f_log(bk) / (f_log(bk) + f_log(fr)),
    'log2': lambda fr, bk: f_log(bk) / f_log(bk + fr),
    'riskAverse': lambda fr, bk: 1.0,
    'optimistic': lambda fr, bk: 0.0,
}

def run(model):
    prob = PROBS[model]
    front = START_LEVEL; level = START_LEVEL; cum_trade = 0.0; filled = 0.0
    out = []
    for ms, kind, v in EVENTS:
        if kind == 'sell':
            ahead_used = min(front, v)
            front -= ahead_used
            cum_trade += v
            fill = min(SIZE - filled, v - ahead_used)
            filled += fill
            out.append((ms, round(filled, 12)))
        else:
            prev, new = level, v
            chg = prev - new - cum_trade
            cum_trade = 0.0
            level = new
            if chg <= 0:
                front = min(front, new)
                continue
            back = max(prev - front, 0.0)
            p = 1.0 if (front + back) == 0 else prob(front, back)
            if math.isinf(p) or math.isnan(p): p = 1.0
            est = front - (1 - p) * chg + min(back - p * chg, 0.0)
            front = max(0.0, min(est, new))  # asmm: a cancellation never takes the quantity ahead below 0
    return out

def capture(path):
    """A Binance spot capture (hftbacktest collector: '<local_ns> <json>') of this sequence."""
    lines = []
    def put(ms, obj): lines.append(f'{int((ms + 1) * 1_000_000)} {json.dumps(obj)}')
    uid = 100
    put(T0 + 400, {'lastUpdateId': uid, 'bids': [[f'{BID:.8f}', f'{START_LEVEL:.8f}'], ['99.99000000', '20.00000000']],
                   'asks': [[f'{ASK:.8f}', '50.00000000'], ['100.03000000', '20.00000000']]})
    def diff(ms, bids, asks):
        nonlocal uid
        uid += 1
        put(T0 + ms, {'stream': 'btcusdt@depth@100ms', 'data': {'e': 'depthUpdate', 'E': T0 + ms, 's': 'BTCUSDT', 'U': uid, 'u': uid, 'b': bids, 'a': asks}})
    diff(500, [['99.98000000', '1.00000000']], [])
    tid = 1
    for ms, kind, v in EVENTS:
        if kind == 'sell':
            put(T0 + ms, {'stream': 'btcusdt@trade', 'data': {'e': 'trade', 'E': T0 + ms, 's': 'BTCUSDT', 't': tid, 'p': f'{BID:.8f}', 'q': f'{v:.8f}', 'T': T0 + ms, 'm': True, 'M': True}})
            tid += 1
        else:
            diff(ms, [[f'{BID:.8f}', f'{v:.8f}']], [])
    diff(6000, [['99.97000000', '1.00000000']], [])
    lines.sort(key=lambda l: int(l.split(' ', 1)[0]))
    with gzip.open(path, 'wt') as fh: fh.write('\n'.join(lines) + '\n')

if __name__ == '__main__':
    if len(sys.argv) > 1: capture(sys.argv[1])
    print(json.dumps({m: run(m) for m in PROBS}, indent=None))
