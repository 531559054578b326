export { SELF_SCORE_BATCH, SELF_SCORE_DIMENSIONS, SelfScoreService, activeModelCheck, chanceScore, makeBatches, selfScoreHandlers } from './self-score'
export { loadBundledEvalSet, loadJsonlEvalSet } from './eval-set'
export type { EvalPair, EvalSetFile } from './eval-set'
