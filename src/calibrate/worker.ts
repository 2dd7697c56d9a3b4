import { parentPort, workerData } from 'node:worker_threads';
import type { BookTable, TradeTable } from '../data/tables.js';
import type { RollingCalibration } from '../estimate/rolling.js';
import { evaluateTask, type EvaluationSettings, type EvaluationTask } from './evaluate.js';

/** A calibration worker thread: receives the data once (workerData), then tasks; answers with metrics. */
const data = workerData as { book: BookTable; trades?: TradeTable; calibration?: RollingCalibration; settings: EvaluationSettings };
parentPort?.on('message', (task: EvaluationTask | 'exit') => {
  if (task === 'exit') {
    parentPort?.close();
    return;
  }
  parentPort?.postMessage(evaluateTask(data.book, data.trades, data.calibration, data.settings, task));
});
