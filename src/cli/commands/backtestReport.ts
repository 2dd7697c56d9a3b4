import { join } from 'node:path';
import { roundInventory, snapInventoryToLot } from '../../backtest/inventoryDisplay.js';
import type { BacktestMetrics } from '../../backtest/metrics.js';
import { backtestFigures, writeFiguresHtml, type BacktestView } from '../../plot/index.js';
import { writeFiguresPng } from '../../plot/render.js';

/** A number to `digits` significant digits for printing (non-finite values as they are). */
export const num = (x: number, digits = 6) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

/** How inventories print: the instrument's lot (0: unknown) and the order size (the scale when no lot is known). */
export interface InventoryUnits {
  readonly lotSize: number;
  readonly orderSize: number;
}

/** An inventory for text (backtest/inventoryDisplay: float noise of a sum of fills removed, for display only). */
export const inv = (q: number, units: InventoryUnits) => roundInventory(q, units.lotSize, units.orderSize);

/**
 * The metric table of `asmm backtest` (a file or a catalog range): label, value (to 6 significant digits, inventories
 * as `inv` prints them) and unit.
 */
export function metricRows(m: BacktestMetrics, units: InventoryUnits): string[][] {
  const causes = Object.entries(m.fillsByCause)
    .filter(([, n]) => n > 0)
    .map(([cause, n]) => `${cause} ${n}`)
    .join(', ');
  return [
    ['PnL', String(num(m.pnl)), 'quote currency'],
    ['fills (bid / ask)', `${m.fills} (${m.bidFills} / ${m.askFills})`, ''],
    ['fills by cause', causes === '' ? 'none' : causes, 'trade at our price, trade through, book cross, marketable on arrival, mid cross'],
    ['PnL per fill', String(num(m.pnlPerFill)), 'quote currency'],
    ['Sharpe per day', String(num(m.sharpePerDay, 4)), Number.isNaN(m.sharpePerDay) ? `not defined: fewer than two ${m.sharpeIntervalSec} s equity changes, or none that varies` : `from ${m.sharpeIntervalSec} s equity changes`],
    ['max drawdown', String(num(m.maxDrawdown)), 'quote currency'],
    ['spread captured', String(num(m.spreadCapturedPerUnit)), 'quote currency per unit vs mid'],
    ['inventory mean / std', `${num(m.inventoryMean, 4)} / ${num(m.inventoryStd, 4)}`, 'base units, over time (held between fills, weighted by duration)'],
    ['max |inventory|', String(inv(m.maxAbsInventory, units)), 'base units'],
    ['turnover', String(num(m.turnover)), 'quote currency'],
    ['fees', String(num(m.fees)), 'quote currency (negative: rebates)'],
    ['final inventory', String(inv(m.finalInventory, units)), 'base units'],
    ['final cash', String(num(m.finalCash)), 'quote currency'],
  ];
}

/**
 * The metrics for --json: the inventories (largest |q|, final) written as the lot multiple they are float noise
 * of when the lot is known (backtest/inventoryDisplay: JSON keeps exact numbers otherwise); every other number exact.
 */
export function metricsJson(m: BacktestMetrics, lotSize: number): BacktestMetrics {
  return { ...m, maxAbsInventory: snapInventoryToLot(m.maxAbsInventory, lotSize), finalInventory: snapInventoryToLot(m.finalInventory, lotSize) };
}

/**
 * The HTML report (quotes, inventory, equity) and, with a PNG directory, one PNG per figure; the PNG paths. The
 * inventory plot's values are rounded as the text's (`units`).
 */
export async function writeBacktestReport(run: BacktestView, reportPath: string, pngDir: string | undefined, stem: string, title: string, units: InventoryUnits): Promise<string[]> {
  const figures = backtestFigures(run, { roundInventory: (q) => inv(q, units) });
  writeFiguresHtml(reportPath, figures, title);
  if (!pngDir) return [];
  // one browser for the three (its start and the plotly bundle's load are most of a PNG's cost)
  const names = ['quotes', 'inventory', 'equity'];
  const pngs = names.map((name) => join(pngDir, `${stem}-${name}.png`));
  await writeFiguresPng(pngs, figures.slice(0, names.length), names.map((name) => ({ width: 1200, height: name === 'quotes' ? 600 : 400 })));
  return pngs;
}

