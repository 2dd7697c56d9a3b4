import { parentPort } from 'node:worker_threads';
import { DuckDBInstance } from '@duckdb/node-api';
import { ColumnScan } from './columnScan.js';
import { columnBuffers } from './partColumns.js';
import type { PartAnswer, PartRequest } from './partWriterThread.js';

/**
 * The thread behind PartWriterThread: its own embedded DuckDB (one thread), writing each part file it is sent
 * with ColumnScan, one at a time in the order sent, and answering each with its id and its columns (their memory
 * transferred back, for a later part), and the error, if any.
 */
const ready = (async () => {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  return new ColumnScan(await instance.connect());
})();
let queue: Promise<unknown> = ready;
parentPort?.on('message', (request: PartRequest) => {
  queue = queue.then(async () => {
    let answer: PartAnswer;
    try {
      const scan = await ready;
      await scan.copyToParquet([{ columns: request.columns, from: 0, to: request.rows }], request.file);
      answer = { id: request.id, columns: request.columns };
    } catch (error) {
      answer = { id: request.id, columns: request.columns, error: { name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) } };
    }
    parentPort?.postMessage(answer, columnBuffers(answer.columns));
  });
});
