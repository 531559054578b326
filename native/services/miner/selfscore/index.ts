export { NEAR_CHANCE_FACTOR, SELF_SCORE_BATCH, SELF_SCORE_DIMENSIONS, SelfScoreService, activeModelCheck, chanceLevels, chanceScore, makeBatches, nearChance, selfScoreHandlers } from './self-score'
export type { ActiveModelCheck } from './self-score'
export { loadBundledEvalSet, loadJsonlEvalSet } from './eval-set'
export type { EvalPair, EvalSetFile } from './eval-set'
