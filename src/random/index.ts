export { createRng, deriveSeed, type Rng } from './rng.js';
export { normalSampler, exponential } from './distributions.js';
