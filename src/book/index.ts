export { BookSide } from './bookSide.js';
export { OrderBook, type LevelUpdate } from './orderBook.js';
export { TickBook, TickSide } from './tickBook.js';
