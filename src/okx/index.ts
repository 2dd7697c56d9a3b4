export { crc32Signed } from './crc32.js';
export { okxBookChecksum, okxChecksum, okxChecksumString, type LevelText, type LevelTexts } from './checksum.js';
export {
  BOOK_CHANNELS,
  OkxParseError,
  parseOkxFrame,
  subscribeRequest,
  unsubscribeRequest,
  type BookData,
  type ChannelArg,
  type OkxMessage,
  type TradeData,
} from './messages.js';
export { SequenceChain, type SequenceVerdict } from './sequence.js';
export { OkxNormalizer, TableCollector, type BookStream, type IntegrityEvent, type NormalizedRowSink, type NormalizerStats } from './normalizer.js';
