export { quotedSpread, type MutableQuotes, type Quotes } from './types.js';
export {
  asAverageSpread,
  asInfiniteQuotes,
  asInfiniteQuotesInto,
  asQuotes,
  asQuotesInto,
  asSpread,
  spreadConstantTerm,
  type AsInfiniteParams,
  type AsParams,
} from './avellanedaStoikov.js';
export { glftCoefficients, glftQuotes, glftQuotesInto, type GlftParams } from './glft.js';
export { roundQuotesToTick } from './tickRounding.js';
export { referenceSystemOrderSizes, referenceSystemQuotes, type ReferenceOrderSizes, type ReferenceQuoteInputs } from './referenceSystem.js';
export { linspace, sweepAsQuotes, type AsInput, type AsScenario, type QuoteSweep } from './sensitivity.js';
