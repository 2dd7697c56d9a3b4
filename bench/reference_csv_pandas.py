"""What a reference-system user does to load its books5 CSV: pandas read_csv, then ast.literal_eval on each
of the four list columns. literal_eval rejects `nan` (a name, not a literal), so each cell has 'nan'
replaced by 'None' first (missing levels become None). Timed with time.perf_counter around read_csv and the
list parsing only (not interpreter or pandas start-up). Prints one JSON document; run by
bench/referenceCsv.bench.ts as `python3 bench/reference_csv_pandas.py FILE`.
"""
import ast
import json
import sys
import time

LIST_COLUMNS = ['Bid List', 'Bid Size List', 'Ask List', 'Ask Size List']

try:
    import pandas as pd
except ImportError as error:
    print(json.dumps({'python': sys.version.split()[0], 'pandas': None, 'error': str(error)}))
    sys.exit(0)

path = sys.argv[1]
start = time.perf_counter()
frame = pd.read_csv(path)
read_csv_s = time.perf_counter() - start
for column in LIST_COLUMNS:
    frame[column] = frame[column].str.replace('nan', 'None', regex=False).map(ast.literal_eval)
total_s = time.perf_counter() - start

# Outside the timing: what was parsed, for the caller to compare with its own reader.
best_bid_sum = float(sum(levels[0] for levels in frame['Bid List']))
missing = sum(level is None for column in LIST_COLUMNS for levels in frame[column] for level in levels)
print(json.dumps({
    'python': sys.version.split()[0],
    'pandas': pd.__version__,
    'rows': len(frame),
    'readCsvSec': read_csv_s,
    'totalSec': total_s,
    'bestBidSum': best_bid_sum,
    'missingLevels': missing,
}))
