export { PAPER_SIMULATION, simulationParams, type AsSimulationParams } from './params.js';
export { simulateAs, stepFillProbability, type AsSimulationResult, type SamplePath, type StrategyOutcome } from './asMonteCarlo.js';
export { JOURNAL_2008, PREPRINT_2006, PUBLISHED_TABLES, type PublishedRow, type PublishedTable } from './publishedTables.js';
export { reproduceTable, simulatedRows, type ComparedRow, type SimulatedRow } from './reproduction.js';
