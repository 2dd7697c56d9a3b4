export { toPlain, scriptJson, type PlotlyFigure, type PlotlyTrace } from './figure.js';
export { plotlyBundleScript, plotlyBundleSource } from './plotlyBundle.js';
export { figureFragment, notebookFigureHtml, standaloneHtml } from './html.js';
export { chromiumPath, withOfflinePage } from './browser.js';
export { inspectRenderedPage, renderFigurePng, writeFigurePng, writeFiguresHtml, type PngOptions, type RenderedPlots } from './render.js';
export { marketFigure, type MarketFigureOptions } from './marketFigure.js';
export { profitHistogramFigure, quoteSweepFigure, samplePathFigure } from './simulationFigures.js';
export { dataQualityFigures, depthFigure, gapTimelineFigure, rateFigure, spreadFigure, type DataQualityInput } from './qualityFigures.js';
export { backtestEquityFigure, backtestFigures, backtestInventoryFigure, backtestQuotesFigure } from './backtestFigures.js';
