export { GRADED_MODELS, gradeFillModels, gradeFillModelsOverSeeds, type FillGrade, type GradedModel, type GradeOverSeeds, type GradingOptions } from './fillModels.js';
export { compareOrderFills, type OrderFillComparison, type OrderFillDifference, type OrderFillView } from './engineComparison.js';
