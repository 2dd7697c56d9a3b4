import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bookSizesTimes, contractKind, tradeSizesTimes } from '../../src/data/contracts.js';
import { writeBookCsv, writeTradeCsv } from '../../src/data/csv.js';
import { generateSampleMarket } from '../../src/sample/index.js';
import { runAsmm } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// Swaps and futures trade in contracts. The backtest counted PnL as size × price change in quote currency
// whatever the instrument: a linear swap's PnL came out in "contracts × price" (off by the contract value),
// and an inverse contract's (settled in the base currency, PnL = contracts × face × (1/entry − 1/exit)) was
// no PnL at all, with exit 0 and no word. Now sizes go to base currency with the contract value, an unknown
// contract value is said, and inverse contracts are refused.

describe('contractKind', () => {
  it('reads OKX and Binance names', () => {
    expect(['BTC-USDT', 'ETH-USDC'].map(contractKind)).toEqual(['spot', 'spot']);
    expect(['BTC-USDT-SWAP', 'ETH-USDC-250328'].map(contractKind)).toEqual(['linear', 'linear']);
    expect(['BTC-USD-SWAP', 'BTC-USD-220527', 'BTC-USD-250328-90000-C', 'BTCUSD_PERP', 'ETHUSD_250328'].map(contractKind)).toEqual(['inverse', 'inverse', 'inverse', 'inverse', 'inverse']);
    expect([undefined, '', 'BTCUSDT', 'my book'].map(contractKind)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

const dir = tempDir('asmm-contracts-');
const market = generateSampleMarket({ durationSec: 600, seed: 5 });
const CONTRACT_VALUE = 0.1;
// the same market twice: in contracts (a swap's file) and in base currency (contracts × 0.1, as spot)
const inContracts = { book: join(dir, 'swap-books.csv'), trades: join(dir, 'swap-trades.csv') };
const inBase = { book: join(dir, 'base-books.csv'), trades: join(dir, 'base-trades.csv') };
writeBookCsv(inContracts.book, market.book);
writeTradeCsv(inContracts.trades, market.trades);
writeBookCsv(inBase.book, bookSizesTimes(market.book, CONTRACT_VALUE));
writeTradeCsv(inBase.trades, tradeSizesTimes(market.trades, CONTRACT_VALUE));

type Json = { metrics: { pnl: number; fills: number; turnover: number; maxAbsInventory: number }; notes: string[] };
const backtest = (files: { book: string; trades: string }, ...more: string[]) => runAsmm(['backtest', '--data', files.book, '--trades', files.trades, '--strategy', 'symmetric', '--fill', 'queue', '--size', '0.05', '--json', ...more]);

describe('asmm backtest on contracts', () => {
  it('a linear swap with --contract-value gives the run on base-currency sizes, field for field', () => {
    const swap = backtest(inContracts, '--inst', 'ETH-USDT-SWAP', '--contract-value', String(CONTRACT_VALUE));
    expect(swap.code, swap.stderr).toBe(0);
    const base = backtest(inBase);
    expect(base.code, base.stderr).toBe(0);
    const s = JSON.parse(swap.stdout) as Json;
    const b = JSON.parse(base.stdout) as Json;
    expect(b.metrics.fills).toBeGreaterThan(10);
    expect(s.metrics).toEqual(b.metrics);
    expect(s.notes[0]).toBe('sizes of ETH-USDT-SWAP in base currency: contracts × 0.1 (the contract value, from --contract-value); --size, --max-position and inventories in base currency');
    // read as contracts (no contract value), 0.5 contracts is the same order as 0.05 in base currency: the same
    // fills, and a PnL ten times the real one (per unit of contract value), which is what the WARNING says
    const perContract = JSON.parse(runAsmm(['backtest', '--data', inContracts.book, '--trades', inContracts.trades, '--strategy', 'symmetric', '--fill', 'queue', '--size', '0.5', '--json']).stdout) as Json;
    expect(perContract.metrics.fills).toBe(b.metrics.fills);
    expect(perContract.metrics.pnl * CONTRACT_VALUE).toBeCloseTo(b.metrics.pnl, 9);
  });

  it('a linear swap without a contract value: a WARNING and a note say which numbers are per contract', () => {
    const r = backtest(inContracts, '--inst', 'ETH-USDT-SWAP');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^WARNING ETH-USDT-SWAP trades in contracts and its contract value is unknown: .*give --contract-value/m);
    expect((JSON.parse(r.stdout) as Json).notes[0]).toMatch(/^ETH-USDT-SWAP trades in contracts/);
  });

  it('an inverse contract is refused in one line, exit 2; estimate still works on it', () => {
    for (const inst of ['BTC-USD-SWAP', 'BTCUSD_PERP']) {
      const r = backtest(inContracts, '--inst', inst);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^asmm backtest: ${inst} is an inverse contract \\(quoted in USD, margined and settled in the base currency\\)`));
    }
    const calibrate = runAsmm(['calibrate', '--data', inContracts.book, '--trades', inContracts.trades, '--inst', 'BTC-USD-SWAP', '--grid', 'gamma=0.1,1', '--windows', '2']);
    expect(calibrate.code).toBe(2);
    expect(calibrate.stderr).toMatch(/BTC-USD-SWAP is an inverse contract/);
    expect(runAsmm(['estimate', '--data', inContracts.book, '--trades', inContracts.trades, '--inst', 'BTC-USD-SWAP']).code).toBe(0);
  });

  it('a catalog instrument with its contract value: backtest --catalog converts, as --data with --contract-value does', () => {
    const root = join(dir, 'catalog');
    for (const f of [inContracts.book, inContracts.trades]) {
      const r = runAsmm(['catalog', 'import', f, '--catalog', root, '--venue', 'okx', '--inst', 'ETH-USDT-SWAP', '--contract-value', String(CONTRACT_VALUE)]);
      expect(r.code, r.stderr).toBe(0);
    }
    const streamed = runAsmm(['backtest', '--catalog', root, '--inst', 'ETH-USDT-SWAP', '--strategy', 'symmetric', '--fill', 'queue', '--size', '0.05', '--report', join(dir, 'c.html'), '--json']);
    expect(streamed.code, streamed.stderr).toBe(0);
    const s = JSON.parse(streamed.stdout) as Json;
    const b = JSON.parse(backtest(inBase).stdout) as Json;
    expect(s.metrics.fills).toBe(b.metrics.fills);
    expect(s.metrics.pnl).toBe(b.metrics.pnl);
    expect(s.notes).toContain("sizes of ETH-USDT-SWAP in base currency: contracts × 0.1 (the contract value, from the catalog's instrument.json); --size, --max-position and inventories in base currency");
  });

  it('--contract-value on spot is a usage error', () => {
    const r = backtest(inContracts, '--inst', 'ETH-USDT', '--contract-value', '0.1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--contract-value: ETH-USDT is spot/);
  });

  const okx = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'okx-v5-cryptofeed-sample', 'OKX.ws.1.0');
  it.skipIf(!existsSync(okx))('the shared OKX capture\'s inverse future BTC-USD-220527 is refused by backtest (skipped without ../shared/data)', () => {
    const r = runAsmm(['backtest', '--data', okx, '--inst', 'BTC-USD-220527', '--strategy', 'symmetric']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/BTC-USD-220527 is an inverse contract/);
  });
});
