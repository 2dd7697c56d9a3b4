// Worker-thread entry of the catalog's part writer (src/catalog/partWriterWorker.ts, see partWriterThread.ts),
// compiled or through tsx (see importBuiltOrSource).
import { importBuiltOrSource } from './build.mjs';

await importBuiltOrSource('catalog/partWriterWorker');
