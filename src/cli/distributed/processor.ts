import type { SandboxedJob } from 'bullmq';
import { runWorkUnit, type WorkUnit } from './unit.js';

/** The BullMQ sandboxed processor of `asmm worker`: one unit → one result row (cells); the walk-forward parent passes. */
export default async function processCalibrationJob(job: SandboxedJob): Promise<unknown> {
  if (job.name === 'walkforward') return { children: true };
  const result = await runWorkUnit(job.data as WorkUnit);
  await job.updateProgress(100);
  return result;
}
