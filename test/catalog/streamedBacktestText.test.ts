import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAsmm } from '../helpers/cli.js';
import { sampleAsFiles, sampleIntoCatalog } from '../helpers/sampleMarket.js';
import { tempDir } from '../helpers/tmp.js';

// `asmm backtest --catalog` prints the metric table of `asmm backtest --data`: the same rows and units, numbers to
// 6 significant digits (a raw float sum such as -12.116699999999959 is noise past its 12th digit), the fills by
// cause; each value the --json document's, rounded.
const rowsOf = (stdout: string) => {
  const lines = stdout.split('\n');
  const head = lines.findIndex((l) => /^metric +value/.test(l));
  const out: Record<string, string> = {};
  for (const line of lines.slice(head + 2)) {
    const m = /^(\S.*?\S|\S)  +(\S.*?)(?:  +(\S.*))?$/.exec(line);
    if (!m || /^(report|note|png):/.test(line)) break;
    out[m[1]] = m[2].trim();
  }
  return out;
};

describe('asmm backtest --catalog: the metric table', () => {
  it('has the rows of the file run, each value the --json one to 6 significant digits', () => {
    const dir = tempDir('asmm-catalog-backtest-text-');
    const root = join(dir, 'catalog');
    const files = join(dir, 'files');
    sampleIntoCatalog(root, 1, 5);
    sampleAsFiles(files, 2, 5);
    const common = ['--fill', 'tradeThrough', '--strategy', 'symmetric', '--window', '600s'];
    const streamed = runAsmm(['backtest', '--catalog', root, '--inst', 'ETH-USDT', ...common, '--report', join(dir, 's.html')]);
    expect(streamed.code, streamed.stderr).toBe(0);
    const file = runAsmm(['backtest', '--data', join(files, 'books.arrow'), '--trades', join(files, 'trades.arrow'), ...common, '--report', join(dir, 'f.html')]);
    expect(file.code, file.stderr).toBe(0);
    const text = rowsOf(streamed.stdout);
    expect(Object.keys(text)).toEqual(Object.keys(rowsOf(file.stdout)));
    const json = JSON.parse(runAsmm(['backtest', '--catalog', root, '--inst', 'ETH-USDT', ...common, '--report', join(dir, 'j.html'), '--json']).stdout) as { metrics: Record<string, number> & { fillsByCause: Record<string, number> } };
    const m = json.metrics;
    expect(m.fills).toBeGreaterThan(10);
    const six = (x: number) => String(Number(x.toPrecision(6)));
    expect(text['PnL']).toBe(six(m.pnl));
    expect(text['final cash']).toBe(six(m.finalCash));
    expect(text['turnover']).toBe(six(m.turnover));
    expect(text['fills (bid / ask)']).toBe(`${m.fills} (${m.bidFills} / ${m.askFills})`);
    expect(text['fills by cause']).toBe(Object.entries(m.fillsByCause).filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', '));
    for (const value of Object.values(text)) for (const number of value.match(/-?\d+\.\d+/g) ?? []) expect(number.replace(/^-?0\.0*|[-.]/g, '').length, value).toBeLessThanOrEqual(12);
  });
});
