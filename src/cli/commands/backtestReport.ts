import { join } from 'node:path';
import { backtestFigures, writeFigurePng, writeFiguresHtml, type BacktestView } from '../../plot/index.js';

/** A number to `digits` significant digits for printing (non-finite values as they are). */
export const num = (x: number, digits = 6) => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

/** The HTML report (quotes, inventory, equity) and, with a PNG directory, one PNG per figure; the PNG paths. */
export async function writeBacktestReport(run: BacktestView, reportPath: string, pngDir: string | undefined, stem: string, title: string): Promise<string[]> {
  const figures = backtestFigures(run);
  writeFiguresHtml(reportPath, figures, title);
  const pngs: string[] = [];
  if (pngDir) {
    for (const [i, name] of ['quotes', 'inventory', 'equity'].entries()) {
      const path = join(pngDir, `${stem}-${name}.png`);
      await writeFigurePng(path, figures[i], { width: 1200, height: name === 'quotes' ? 600 : 400 });
      pngs.push(path);
    }
  }
  return pngs;
}

