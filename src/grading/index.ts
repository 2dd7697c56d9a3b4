export { GRADED_MODELS, gradeFillModels, gradeFillModelsOverSeeds, type FillGrade, type GradedModel, type GradeOverSeeds, type GradingOptions } from './fillModels.js';
