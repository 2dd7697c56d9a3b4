export { createRng, deriveSeed, xoshiro128StarStar, type Rng } from './rng.js';
export { normalSampler, exponential } from './distributions.js';
