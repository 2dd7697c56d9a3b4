import { join } from 'node:path';
import { backtestFigures, writeFiguresHtml, writeFiguresPng, type BacktestView } from '../../plot/index.js';

/** A number to `digits` significant digits for printing (non-finite values as they are). */
export const num = (x: number, digits = 6) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

/** The HTML report (quotes, inventory, equity) and, with a PNG directory, one PNG per figure; the PNG paths. */
export async function writeBacktestReport(run: BacktestView, reportPath: string, pngDir: string | undefined, stem: string, title: string): Promise<string[]> {
  const figures = backtestFigures(run);
  writeFiguresHtml(reportPath, figures, title);
  if (!pngDir) return [];
  // one browser for the three (its start and the plotly bundle's load are most of a PNG's cost)
  const names = ['quotes', 'inventory', 'equity'];
  const pngs = names.map((name) => join(pngDir, `${stem}-${name}.png`));
  await writeFiguresPng(pngs, figures.slice(0, names.length), names.map((name) => ({ width: 1200, height: name === 'quotes' ? 600 : 400 })));
  return pngs;
}

