import type * as Danfo from 'danfojs-node';
import { lazyPackage } from '../project/lazyPackage.js';

/**
 * danfojs-node, loaded at the first call instead of when `frame/` is imported: loading it (TensorFlow.js, xlsx
 * and request come with it) takes about 1.3 s of CPU on a 2-core machine, which every notebook kernel paid
 * through the notebook module whether or not it made a DataFrame.
 * @example
 * const frame = new (danfo().DataFrame)({ a: [1, 2] });
 */
export const danfo = lazyPackage<typeof Danfo>('danfojs-node');
