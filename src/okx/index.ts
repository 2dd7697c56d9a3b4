export { crc32Signed } from './crc32.js';
export { okxChecksum, okxChecksumString, type LevelText } from './checksum.js';
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
