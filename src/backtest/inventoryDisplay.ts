/**
 * Inventories as printed, and as written to JSON.
 *
 * An inventory is a running sum of fill quantities in base units, and binary floating point holds a lot such as
 * 0.01 only approximately: equal buys and sells of 0.01 can end at −3.5e−18 instead of 0, and three sells at
 * −0.030000000000000002 instead of −0.03. That noise is an artefact of the sum, not a position.
 *
 * **Display** (text tables, per-day lines, the report's inventory plot): `roundInventory` —
 * - with the instrument's lot known (> 0) and q within `LOT_NOISE` lots of a lot multiple n·lot, that multiple
 *   (the position is n lots; the rest is the sum's rounding);
 * - otherwise (no lot, or fills of fractions of a lot, as a queue model's partial fills can be) 12 significant
 *   digits: q rounded to 10^(⌊log10 scale⌋ − 11), scale = the lot or else the order size (so a sum that should
 *   be 0 prints 0, not 1e−17), then to 12 significant digits of itself. A real position is never hidden: it
 *   differs from the printed value by less than 1e−11 of an order.
 * −0 prints as 0.
 *
 * **JSON** keeps the exact numbers, with one exception decided here: an inventory that is float noise of a lot
 * multiple (the lot known, within `LOT_NOISE` lots) is written as that multiple (`snapInventoryToLot`): the
 * position is then known to be n lots exactly and the float is the further from the truth of the two. Without a
 * lot JSON keeps the float as summed (nothing says what it should be a multiple of), so a consumer may see
 * −3.5e−18 there and rounds as it sees fit.
 */

/** Within this many lots of a lot multiple, an inventory is that multiple (float noise of the sum). */
export const LOT_NOISE = 1e-6;

/** 15 significant digits: what a product n·lot of two decimals prints as (3 × 0.1 is 0.30000000000000004). */
const clean = (x: number, digits: number) => Number(x.toPrecision(digits)) + 0;

/**
 * The lot multiple q is float noise of, or undefined (no lot, or q is not within `LOT_NOISE` lots of one).
 * @example lotMultiple(-0.030000000000000002, 0.01) // -0.03
 * @example lotMultiple(0.015, 0.01) // undefined (half a lot: a partial fill, not noise)
 */
export function lotMultiple(q: number, lotSize: number): number | undefined {
  if (!(lotSize > 0) || !Number.isFinite(q)) return undefined;
  const n = Math.round(q / lotSize);
  return Math.abs(q - n * lotSize) <= LOT_NOISE * lotSize ? clean(n * lotSize, 15) : undefined;
}

/**
 * An inventory for JSON: the lot multiple when q is float noise of one, else q exactly.
 * @example snapInventoryToLot(1.0000000000000002e-17, 0.01) // 0
 * @example snapInventoryToLot(1.0000000000000002e-17, 0) // 1.0000000000000002e-17 (no lot: kept)
 */
export function snapInventoryToLot(q: number, lotSize: number): number {
  return lotMultiple(q, lotSize) ?? q;
}

/**
 * An inventory for display (see the module's comment): the lot multiple it is noise of, or 12 significant digits
 * at the scale of the lot or else the order size.
 * @example roundInventory(-3.469446951953614e-18, 0, 0.01) // 0
 * @example roundInventory(-0.030000000000000002, 0, 0.01) // -0.03
 * @example roundInventory(0.0150000000001, 0.01, 0.01) // 0.0150000000001 (not a lot multiple: 12 digits)
 */
export function roundInventory(q: number, lotSize: number, orderSize: number): number {
  if (!Number.isFinite(q)) return q;
  const multiple = lotMultiple(q, lotSize);
  if (multiple !== undefined) return multiple;
  const scale = lotSize > 0 ? lotSize : orderSize;
  if (!(scale > 0) || !Number.isFinite(scale)) return clean(q, 12);
  const quantum = 10 ** (Math.floor(Math.log10(scale)) - 11);
  return clean(Math.round(q / quantum) * quantum, 12);
}

/** `roundInventory` as text. */
export function formatInventory(q: number, lotSize: number, orderSize: number): string {
  return String(roundInventory(q, lotSize, orderSize));
}
