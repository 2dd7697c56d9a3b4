export { DEFAULT_PARAMS, expandGrid, PARAM_RANGES, parseGridSpec, setsReadCalibration, strategyFor, type GridSpec, type ParamSet } from './params.js';
export { unreadGridAxes } from './gridAxes.js';
export { MIN_WINDOW_BOOK_ROWS, MIN_WINDOW_SEC, splitWindows, windowsProblem, type TimeWindow } from './windows.js';
export { sliceBook, sliceTrades } from './slices.js';
export { evaluateTask, type EvaluationResult, type EvaluationSettings, type EvaluationTask } from './evaluate.js';
export { NO_FILL_WINDOWS_NOTE, UNDEFINED_METRIC_NOTE, inSharedMemory, tieWindows, walkForwardNotes, runCalibration, sweepWindow, type CalibrationOptions, type CalibrationResult, type SelectionMetric, type WalkForwardFold } from './runner.js';
export { calibrationTable, gridEdgeNotes, walkForwardSummary, walkForwardTable, type CalibrationTableRow, type WalkForwardRow, type WalkForwardSummary } from './summary.js';
export { multiDayScore, NO_FILL_DAYS_NOTE, runDailyWalkForward, type CalibrationDay, type DailyFold, type DailySweep, type DailyWalkForwardOptions, type DailyWalkForwardResult } from './daily.js';
