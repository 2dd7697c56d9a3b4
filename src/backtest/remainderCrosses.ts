/**
 * An order marketable on arrival takes the opposite touch as a taker, up to the size the touch shows; what is
 * left of it rests at its own price (as on an exchange, where it would then be the best price on its side).
 * The replay does not take our fills out of the recorded book, which never saw our order: the next book row
 * still shows the level we took, at or through our price, and the queue model fills the remainder there as a
 * book cross, against liquidity that was ours already. Those fills did not happen. Both replays count them.
 */

/**
 * The WARNING for the result's notes when `crosses` remainders of marketable orders filled as book crosses
 * (`qty` in all, the order's size unit); undefined when none did.
 * @example remainderCrossWarning(2, 0.734) // 'WARNING 2 order(s) marketable on arrival with more than the opposite touch showed …'
 */
export function remainderCrossWarning(crosses: number, qty: number): string | undefined {
  if (!(crosses > 0)) return undefined;
  return (
    `WARNING ${crosses} order(s) marketable on arrival with more than the opposite touch showed: each took the touch's size as a taker, ` +
    `and its remainder (${Number(qty.toPrecision(6))} in all) then filled as a book cross at its own price against that same displayed liquidity ` +
    `(the replay does not take our fills out of the recorded book): those fills are optimistic, counted in fills by cause as bookCross; ` +
    `a --size within the touch's usual size avoids them`
  );
}
