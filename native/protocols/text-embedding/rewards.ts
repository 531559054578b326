/**
 * From per-miner scores to rewards and moving averages (spec §2.5).
 */

/** The reference subnet's burner (burner_config.json at OpenKaito HEAD). */
export const REFERENCE_BURNER_HOTKEY = '5FHsM8ywifUgtSXbDQaSD9zzDYq76RqAvf9PnaSVg5q3Lc8G'
export const REFERENCE_BURN_PERCENTAGE = 0.95
export const DEFAULT_ALPHA = 0.2
const TINY = 1e-12

export interface BurnConfig {
  /** Apply the subnet's burner redistribution when the burner hotkey is registered. */
  readonly enabled: boolean
  readonly hotkey: string
  /** Share of the round's reward mass given to the burner, 0..1. */
  readonly percentage: number
}

export const REFERENCE_BURN: BurnConfig = { enabled: true, hotkey: REFERENCE_BURNER_HOTKEY, percentage: REFERENCE_BURN_PERCENTAGE }

export interface BurnReport {
  readonly applied: boolean
  /** Why it was or was not applied, for the UI and the log. */
  readonly reason: string
  readonly burnerUid?: number
  readonly percentage: number
  /** Σ normalized rewards of the queried miners before redistribution. */
  readonly total: number
  /** The burner's reward p·T (0 when not applied). */
  readonly burnerReward: number
}

export interface RoundRewards {
  /** Uids that get a new reward this round (queried miners, then the burner if applied). */
  readonly uids: readonly number[]
  readonly rewards: readonly number[]
  /** Rewards before burner redistribution: score / (max + 1e-5). */
  readonly normalized: ReadonlyMap<number, number>
  readonly burn: BurnReport
}

/**
 * `r = raw / (max(raw) + 1e-5)`, then the burner rule: each miner with r > 1e-12 keeps
 * max(1e-12, r·(1−p)); the burner uid gets p·Σr; if Σr ≤ 1e-12 everything is 0.
 */
export function computeRoundRewards(scores: ReadonlyArray<{ readonly uid: number; readonly score: number }>, burn: BurnConfig, hotkeys: readonly string[]): RoundRewards {
  const clean = scores.map((s) => ({ uid: s.uid, score: Number.isFinite(s.score) && s.score > 0 ? s.score : 0 }))
  const max = clean.reduce((m, s) => Math.max(m, s.score), 0)
  const normalized = new Map<number, number>()
  for (const s of clean) normalized.set(s.uid, s.score / (max + 1e-5))
  const uids = clean.map((s) => s.uid)
  const base = clean.map((s) => normalized.get(s.uid) ?? 0)
  const total = base.reduce((a, b) => a + b, 0)
  const p = Math.min(1, Math.max(0, burn.percentage))
  if (!burn.enabled) {
    return { uids, rewards: base, normalized, burn: { applied: false, reason: 'Burn rule turned off in settings.', percentage: p, total, burnerReward: 0 } }
  }
  const burnerUid = hotkeys.indexOf(burn.hotkey)
  if (burnerUid < 0) {
    return {
      uids,
      rewards: base,
      normalized,
      burn: { applied: false, reason: `Burner hotkey ${burn.hotkey} is not registered on this subnet; rewards are not redistributed.`, percentage: p, total, burnerReward: 0 },
    }
  }
  const queried = uids.filter((u) => u !== burnerUid)
  const queriedRewards = base.filter((_, i) => uids[i] !== burnerUid)
  if (total <= TINY) {
    return {
      uids: [...queried, burnerUid],
      rewards: [...queriedRewards.map(() => 0), 0],
      normalized,
      burn: { applied: true, reason: 'No miner scored this round, so nothing is redistributed (all rewards 0).', burnerUid, percentage: p, total, burnerReward: 0 },
    }
  }
  const rewards = queriedRewards.map((r) => (r > TINY ? Math.max(TINY, r * (1 - p)) : r))
  return {
    uids: [...queried, burnerUid],
    rewards: [...rewards, p * total],
    normalized,
    burn: {
      applied: true,
      reason: `${(p * 100).toFixed(1)} % of this round's reward mass goes to the subnet's burner (uid ${burnerUid}), as the subnet's reference validator does.`,
      burnerUid,
      percentage: p,
      total,
      burnerReward: p * total,
    },
  }
}

/**
 * Per-uid moving averages of rewards, aligned with the metagraph's hotkeys. A uid whose hotkey
 * changed (deregistered and replaced) is reset to 0; a grown subnet is extended with zeros.
 */
export class ScoreBook {
  private values: Float64Array
  private keys: string[]

  constructor(
    hotkeys: readonly string[] = [],
    values?: readonly number[],
    readonly alpha = DEFAULT_ALPHA,
  ) {
    if (!(alpha > 0 && alpha <= 1)) throw new Error(`The moving-average alpha must be in (0, 1], got ${alpha}`)
    this.keys = [...hotkeys]
    this.values = new Float64Array(hotkeys.length)
    if (values) for (let i = 0; i < Math.min(values.length, hotkeys.length); i++) this.values[i] = Number.isFinite(values[i]) ? values[i] : 0
  }

  get size(): number {
    return this.keys.length
  }

  get hotkeys(): readonly string[] {
    return this.keys
  }

  scores(): number[] {
    return Array.from(this.values)
  }

  get(uid: number): number {
    return this.values[uid] ?? 0
  }

  /** Aligns with a fresh metagraph; returns the uids that were reset. */
  resync(hotkeys: readonly string[]): number[] {
    const reset: number[] = []
    const next = new Float64Array(hotkeys.length)
    for (let uid = 0; uid < hotkeys.length; uid++) {
      if (uid < this.keys.length && this.keys[uid] === hotkeys[uid]) next[uid] = this.values[uid]
      else if (uid < this.keys.length) reset.push(uid)
    }
    this.values = next
    this.keys = [...hotkeys]
    return reset
  }

  /** scores ← α·scattered + (1−α)·scores, where scattered replaces the rewarded uids. NaN → 0. */
  update(uids: readonly number[], rewards: readonly number[]): void {
    if (uids.length !== rewards.length) throw new Error(`update: ${uids.length} uids but ${rewards.length} rewards`)
    const scattered = Float64Array.from(this.values)
    for (let i = 0; i < uids.length; i++) {
      const uid = uids[i]
      if (!Number.isInteger(uid) || uid < 0 || uid >= scattered.length) throw new Error(`update: uid ${uid} is not in the metagraph (size ${scattered.length})`)
      scattered[uid] = Number.isFinite(rewards[i]) ? rewards[i] : 0
    }
    for (let u = 0; u < this.values.length; u++) this.values[u] = this.alpha * scattered[u] + (1 - this.alpha) * this.values[u]
  }
}
