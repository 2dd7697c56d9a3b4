export { planOkxDownload, okxHistoryLocalPath, DEFAULT_OKX_HISTORY_DIR, type DownloadItem, type DownloadPlanOptions } from './plan.js';
export {
  resumableGet,
  backoffDelayMs,
  parseContentRange,
  DownloadError,
  DownloadAbortedError,
  type ResumableGetOptions,
  type ResumableGetEvent,
  type ResumableGetResult,
} from './httpRange.js';
export { checkDayFile, type DayFileCheck } from './verify.js';
export { DownloadProgress, formatBytes, formatEta, type DownloadProgressOptions, type ProgressSink } from './progress.js';
export {
  downloadOkxHistory,
  itemLabel,
  type DownloadItemResult,
  type DownloadOptions,
  type DownloadStatus,
  type DownloadSummary,
} from './downloadOkxHistory.js';
export { startHistoryServer, type HistoryFault, type HistoryRequest, type HistoryServer, type HistoryServerOptions } from './historyServer.js';
