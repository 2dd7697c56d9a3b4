export { pageTrace, toPlain, scriptJson, type PlotlyFigure, type PlotlyTrace } from './figure.js';
export { plotlyBundleScript, plotlyBundleSource } from './plotlyBundle.js';
export { figureFragment, notebookFigureHtml, standaloneHtml } from './html.js';
export { writeFiguresHtml } from './htmlFile.js';
// Headless Chromium (PNG images, checks of rendered pages) is imported by path, from './render.js' and
// './browser.js', not from here: their playwright types are 2 MB of declarations that each notebook kernel
// importing this index would parse (a quarter of the TypeScript read for notebook 02: 7.8 M characters against
// 5.9 M without them; about 0.3 s of CPU a kernel).
export { marketFigure, type MarketFigureOptions } from './marketFigure.js';
export { profitHistogramFigure, quoteSweepFigure, samplePathFigure } from './simulationFigures.js';
export { dataQualityFigures, depthFigure, gapTimelineFigure, rateFigure, spreadFigure, type DataQualityInput } from './qualityFigures.js';
export { backtestEquityFigure, backtestFigures, backtestInventoryFigure, backtestQuotesFigure, seedCompatComparisonFigure, DecisionFigureLines, fillMarkers, SeedCompatFigureRows, seedCompatView, type BacktestView, type DecimatedLines, type PlottedLine } from './backtestFigures.js';
export { calibrationHeatmap, dailyWalkForwardFigure, walkForwardFigure } from './calibrationFigures.js';
export { arrivalByDepthFigure } from './arrivalByDepthFigure.js';
export { arrivalFitLabel, arrivalOverTimeFigure, intensityFigure, sigmaOverTimeFigure, signatureFigure, type ArrivalOverTimeOptions, type IntensityOptions, type SignatureOptions, type SigmaOverTimeOptions } from './estimationFigures.js';
