import { describe, expect, it } from 'vitest';
import { midPrices } from '../../src/data/index.js';
import {
  empiricalIntensity,
  fitArrivalMle,
  fitArrivalWls,
  marketOrdersFromTrades,
  previousTickGrid,
  referenceRollingStdOfMid,
  rollingCalibration,
  volatilitySignature,
} from '../../src/estimate/index.js';
import { arrivalOverTimeFigure, intensityFigure, sigmaOverTimeFigure, signatureFigure, type PlotlyFigure } from '../../src/plot/index.js';
import { generateSampleMarket } from '../../src/sample/index.js';

// 10 minutes of the sample market (σ = 0.3 USDT/√s, A = 2/s per side, k = 10/USDT, tick 0.01)
const market = generateSampleMarket({ durationSec: 600, seed: 11 });
const { book, trades, params } = market;
const durationSec = (book.tsMs[book.tsMs.length - 1] - book.tsMs[0]) / 1000;
const orders = marketOrdersFromTrades(book, trades, params.tickSize);
const rolling = rollingCalibration(book, orders, { windowSec: 120, stepSec: 5 });

/** y of a trace as numbers (null → NaN). */
const ys = (figure: PlotlyFigure, i: number) => (figure.data[i].y ?? []).map((v) => (v === null ? NaN : Number(v)));
const xs = (figure: PlotlyFigure, i: number) => (figure.data[i].x ?? []).map((v) => (v === null ? NaN : Number(v)));
const layoutAxis = (figure: PlotlyFigure, name: string) => figure.layout[name] as Record<string, unknown> & { title: { text: string } };
/** Relative closeness, for values spanning several orders of magnitude. */
const expectRelClose = (actual: number, expected: number, rel = 1e-12) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));

describe('intensityFigure', () => {
  const empirical = empiricalIntensity(orders, durationSec, 'ask');
  const mle = fitArrivalMle(orders, durationSec, 'ask');
  const wls = fitArrivalWls(orders, durationSec, 'ask', { bootstrap: 20 });
  const figure = intensityFigure(empirical, [mle, wls], { truth: { aPerSec: 2, kPerPrice: 10 } });

  it('draws the empirical λ(δ) as markers at the grid depths, on a log y axis', () => {
    expect(empirical.depthPx.length).toBeGreaterThan(10);
    expect(figure.data).toHaveLength(4); // empirical, 2 fits, truth
    expect(figure.data[0].mode).toBe('markers');
    expect(xs(figure, 0)).toEqual(empirical.depthPx);
    expect(ys(figure, 0)).toEqual(empirical.perSec);
    expect(layoutAxis(figure, 'yaxis').type).toBe('log');
    expect(layoutAxis(figure, 'xaxis').title.text).toContain('USDT');
  });

  it('draws each fit as A·exp(−k·δ) evaluated at the same depths, named by method', () => {
    for (const [i, fit, label] of [[1, mle, 'MLE'], [2, wls, 'WLS']] as const) {
      expect(figure.data[i].mode).toBe('lines');
      expect(String(figure.data[i].name)).toMatch(new RegExp(`^${label}: A = `));
      expect(xs(figure, i)).toEqual(empirical.depthPx);
      const y = ys(figure, i);
      expect(y).toHaveLength(empirical.depthPx.length);
      empirical.depthPx.forEach((d, g) => expectRelClose(y[g], fit.aPerSec * Math.exp(-fit.kPerPrice * d)));
    }
    // the truth: 2·exp(−10·δ); at one tick (δ = 0.01 USDT) 2·e^(−0.1)
    expectRelClose(ys(figure, 3)[0], 2 * Math.exp(-0.1));
    expect(figure.data[3].name).toContain('true');
  });

  it('puts ticks on x when asked, with the curve still a function of the depth in price', () => {
    const inTicks = intensityFigure(empirical, [mle], { x: 'ticks' });
    expect(inTicks.data).toHaveLength(2);
    expect(xs(inTicks, 0)).toEqual(empirical.depthTicks);
    expect(xs(inTicks, 0)[0]).toBe(1);
    ys(inTicks, 1).forEach((y, g) => expectRelClose(y, mle.aPerSec * Math.exp(-mle.kPerTick * empirical.depthTicks[g]), 1e-9));
    expect(layoutAxis(inTicks, 'xaxis').title.text).toContain('ticks of 0.01 USDT');
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(figure))).toEqual(figure);
  });
});

describe('signatureFigure', () => {
  const grid = previousTickGrid(book.tsMs, midPrices(book), 100);
  const signature = volatilitySignature(grid, [1, 2, 5, 10, 50]);

  it('plots σ against the sampling interval on a log x axis', () => {
    const figure = signatureFigure(signature);
    expect(figure.data).toHaveLength(1);
    expect(xs(figure, 0)).toEqual([100, 200, 500, 1000, 5000]);
    expect(ys(figure, 0)).toEqual(signature.sigmaPerSqrtSec);
    expect(layoutAxis(figure, 'xaxis').type).toBe('log');
    expect(layoutAxis(figure, 'xaxis').title.text).toContain('ms');
  });

  it('adds the true σ as a horizontal line over the intervals shown', () => {
    const figure = signatureFigure(signature, { trueSigmaPerSqrtSec: 0.3 });
    expect(figure.data).toHaveLength(2);
    expect(xs(figure, 1)).toEqual([100, 5000]);
    expect(ys(figure, 1)).toEqual([0.3, 0.3]);
  });
});

describe('sigmaOverTimeFigure', () => {
  it('plots the window σ and the EWMA at the evaluation times, NaN as gaps', () => {
    const figure = sigmaOverTimeFigure(rolling);
    expect(figure.data).toHaveLength(2);
    expect(xs(figure, 0)).toEqual(Array.from(rolling.tMs));
    expect(ys(figure, 0)).toEqual(Array.from(rolling.sigmaPricePerSqrtSec));
    const ewmaNaN = Array.from(rolling.sigmaEwmaPricePerSqrtSec).filter(Number.isNaN).length;
    expect(figure.data[1].y?.filter((v) => v === null).length).toBe(ewmaNaN);
    expect(figure.data[1].name).toContain(`half-life ${rolling.ewmaHalfLifeSec} s`);
    expect(layoutAxis(figure, 'xaxis').type).toBe('date');
    expect(layoutAxis(figure, 'yaxis').title.text).toBe('σ (USDT/√s)');
    expect(figure.layout.yaxis2).toBeUndefined();
  });

  it('adds the true σ across the whole span, and the reference std of mids on its own axis, thinned', () => {
    const std = referenceRollingStdOfMid(midPrices(book), 200);
    const figure = sigmaOverTimeFigure(rolling, { trueSigmaPerSqrtSec: 0.3, reference: { tMs: book.tsMs, stdPx: std }, maxReferencePoints: 1000 });
    expect(figure.data).toHaveLength(4);
    expect(xs(figure, 2)).toEqual([rolling.tMs[0], rolling.tMs[rolling.tMs.length - 1]]);
    expect(ys(figure, 2)).toEqual([0.3, 0.3]);
    const ref = figure.data[3];
    expect(ref.yaxis).toBe('y2');
    expect(layoutAxis(figure, 'yaxis2').overlaying).toBe('y');
    expect(layoutAxis(figure, 'yaxis2').title.text).toContain('not per √s');
    // 6000 rows thinned to every 6th: 1000 points, row i·6 at point i
    expect(book.tsMs.length).toBe(6000);
    expect(ref.x).toHaveLength(1000);
    expect(xs(figure, 3)[500]).toBe(book.tsMs[3000]);
    expect(ys(figure, 3)[500]).toBe(std[3000]);
    expect(ys(figure, 3)[0]).toBeNaN(); // fewer than 200 rows yet
  });
});

describe('arrivalOverTimeFigure', () => {
  it('plots pooled A on the top axis and pooled k on the bottom one, with the truth when given', () => {
    const figure = arrivalOverTimeFigure(rolling, { truth: { aPerSec: params.arrivalRatePerSec, kPerPrice: params.kPerPrice } });
    expect(figure.data.map((t) => t.yaxis)).toEqual(['y', 'y2', 'y', 'y2']);
    expect(ys(figure, 0)).toEqual(Array.from(rolling.aPooledPerSec));
    expect(ys(figure, 1)).toEqual(Array.from(rolling.kPooledPerPrice));
    expect(ys(figure, 2)).toEqual([2, 2]);
    expect(ys(figure, 3)).toEqual([10, 10]);
    const top = layoutAxis(figure, 'yaxis').domain as number[];
    const bottom = layoutAxis(figure, 'yaxis2').domain as number[];
    expect(bottom[1]).toBeLessThan(top[0]);
    expect(layoutAxis(figure, 'yaxis2').title.text).toBe('k (per USDT)');
    expect(arrivalOverTimeFigure(rolling).data).toHaveLength(2);
  });
});
