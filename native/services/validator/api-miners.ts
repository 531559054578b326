import type { ValidatorDomain } from './validator-handlers'

/** Rounds of the leaderboard that rank miners for the subnet API. */
const RANKING_WINDOW = 20

/**
 * The validator as the subnet API sees it: the miners that answered its last round, best moving
 * average first, and a way to ask one of them for embeddings on the validator's own wire and hotkey.
 */
export function minersForApi(domain: Pick<ValidatorDomain, 'service'>) {
  return {
    candidates: (): Array<{ uid: number; score: number }> =>
      domain.service
        .leaderboard(RANKING_WINDOW)
        .filter((e) => e.lastStatus === 200 && e.avgScore > 0)
        .map((e) => ({ uid: e.uid, score: e.movingAverage > 0 ? e.movingAverage : e.avgScore }))
        .sort((a, b) => b.score - a.score),
    ask: (uid: number, texts: readonly string[], timeoutS: number): Promise<unknown> => domain.service.askMiner(uid, texts, timeoutS),
  }
}
