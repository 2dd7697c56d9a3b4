// asmm side of bench/crosscheck/hourly_summary.py: node bench/crosscheck/hourly_summary_asmm.mjs CATALOG VENUE INSTRUMENT
import { openCatalog } from '../../dist/catalog/index.js';
import { hourlySummary } from '../../dist/catalog/hourlySummary.js';
const [dir, venue, instrument] = process.argv.slice(2);
const cat = await openCatalog(dir);
const hours = await hourlySummary(cat, { venue, instrument });
console.log(JSON.stringify(hours));
cat.close();
