"""Independent pandas computation (from notebook 07's definitions and the HourRow JSDoc, not from
src/catalog/hourlySummary.ts) of the catalog's hourly summary: book rows, mean spread, mean touch depth, trades,
volume and the realized σ of the mid per UTC hour, read straight from the Parquet files of a catalog.
Usage: python3 hourly_summary.py CATALOG VENUE INSTRUMENT
σ is printed two ways: over 3600 s (the old formula) and over the time the counted increments span. Rows inside a
masked interval of the book (gaps) are left out of spread and depth; increments overlapping one are dropped.
"""
import glob, json, math, sys
import numpy as np
import pandas as pd

root, venue, inst = sys.argv[1:4]
base = f'{root}/{venue}/{inst}'
book = pd.concat([pd.read_parquet(f) for f in sorted(glob.glob(f'{base}/book_top/*/*.parquet'))]).sort_values('ts_ms', kind='stable')
trades = pd.concat([pd.read_parquet(f) for f in sorted(glob.glob(f'{base}/trades/*/*.parquet'))])
book['hour'] = (book.ts_ms // 3_600_000) * 3_600_000
trades['hour'] = (trades.ts_ms // 3_600_000) * 3_600_000
gap_files = sorted(glob.glob(f'{base}/gaps/*/*.parquet'))
gaps = pd.concat([pd.read_parquet(f) for f in gap_files]) if gap_files else pd.DataFrame({'from_ms': [], 'to_ms': [], 'applies_to': []})
if 'applies_to' not in gaps: gaps['applies_to'] = 'both'
gaps = gaps[gaps.applies_to.isin(['book', 'both']) | gaps.applies_to.isna()]
mid = (book.bid_px_1 + book.ask_px_1) / 2
book['d'] = mid.diff()
book['dt'] = book.ts_ms.diff()
prev = book.ts_ms.shift()
book['in_mask'] = False
book['over_mask'] = False
for f, t in zip(gaps.from_ms, gaps.to_ms):  # masks [from, to): a row inside; an increment (prev, ts] overlapping
    book['in_mask'] |= (book.ts_ms >= f) & (book.ts_ms < t)
    book['over_mask'] |= (prev < t) & (book.ts_ms > f)
rows = []
for h, g in book.groupby('hour'):
    both = g.bid_px_1.notna() & g.ask_px_1.notna() & ~g.in_mask
    inc = g[g.dt.notna()]
    kept = inc[(inc.dt <= 60_000) & ~inc.over_mask]
    t = trades[trades.hour == h]
    ss = float((kept.d ** 2).sum())
    rows.append({'hourMs': int(h), 'bookRows': len(g), 'spreadMeanPx': float((g.ask_px_1 - g.bid_px_1)[both].mean()),
                 'touchDepthMean': float((g.bid_sz_1 + g.ask_sz_1)[both].mean()), 'trades': len(t), 'volume': float(t.sz.sum()),
                 'sigma_over_3600s': math.sqrt(ss / 3600) if len(kept) else float('nan'),
                 'sigma_over_observed': math.sqrt(ss / (kept.dt.sum() / 1000)) if len(kept) else float('nan'),
                 'observedSec': float(kept.dt.sum() / 1000), 'sigmaIncrements': len(kept), 'sigmaDropped': int(len(inc) - len(kept))})
print(json.dumps(rows, indent=1))
