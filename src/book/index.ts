export { BookSide } from './bookSide.js';
export { OrderBook, type LevelUpdate } from './orderBook.js';
