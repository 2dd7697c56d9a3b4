export { Backoff, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
export { LineFile } from './lineFile.js';
export { LOCK_FILE_NAME, OutDirLockedError, acquireOutDirLock, type LockInfo, type OutDirLock } from './outDirLock.js';
export { describeFrame, printable } from './printable.js';
export { CaptureFiles, DEFAULT_ROTATION, utcStamp, type RotationPolicy } from './captureFiles.js';
export { GAP_CSV_HEADER, frameLine, gapCsvLine, recordLine, type GapRecord, type RawRecord } from './rawRecords.js';
export { DEFAULT_KEEP_ALIVE, DEFAULT_SUBSCRIBE_TIMEOUT_MS, OKX_PUBLIC_URL, OkxRecorder, type KeepAlivePolicy, type RecorderOptions, type RecorderStats, type RecorderSummary } from './recorder.js';
export { recordFakeSession, type FakeSessionOptions, type FakeSessionResult } from './fakeSession.js';
