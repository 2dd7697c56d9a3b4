import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSampleMarket, writeSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

describe('asmm catalog', () => {
  it('imports the sample CSV, lists it, answers SQL as a table, CSV and JSON; errors and empty results in one line', () => {
    const market = generateSampleMarket({ durationSec: 300, snapshotIntervalMs: 1000, instrument: 'BTC-USDT' });
    const files = writeSampleMarket(join(dir, 'in'), market);
    const csv = files.filter((f) => f.endsWith('.csv'));
    const cat = join(dir, 'cat');
    for (const f of csv) {
      const r = runAsmm(['catalog', 'import', f, '--catalog', cat, '--inst', 'BTC-USDT', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { peakRssMb: number }).peakRssMb).toBeGreaterThan(10);
    }
    const again = runAsmm(['catalog', 'import', csv[0], '--catalog', cat, '--inst', 'BTC-USDT']);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/overlapping/);

    const ls = JSON.parse(runAsmm(['catalog', 'ls', '--catalog', cat, '--json']).stdout) as { tables: Array<{ table: string; rows: number }> };
    expect(ls.tables.find((t) => t.table === 'book_top')!.rows).toBe(market.book.tsMs.length);
    expect(ls.tables.find((t) => t.table === 'trades')!.rows).toBe(market.trades.tsMs.length);

    const q = runAsmm(['catalog', 'query', 'select count(*) as n, max(ts_ms) as last from book_top', '--catalog', cat, '--csv']);
    expect(q.stdout).toBe(`n,last\n${market.book.tsMs.length},${market.book.tsMs[market.book.tsMs.length - 1]}\n`);
    const j = JSON.parse(runAsmm(['catalog', 'query', "select instrument, count(*) as n from trades group by instrument", '--catalog', cat, '--json']).stdout);
    expect(j.rows).toEqual([{ instrument: 'BTC-USDT', n: market.trades.tsMs.length }]);
    expect(runAsmm(['catalog', 'query', 'select * from trades where px < 0', '--catalog', cat]).stdout).toBe('the query returned no rows\n');
    const bad = runAsmm(['catalog', 'query', 'select * from nope', '--catalog', cat]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(runAsmm(['catalog', 'ls', '--catalog', join(dir, 'none')]).stderr).toMatch(/no such catalog folder/);
  });
});
