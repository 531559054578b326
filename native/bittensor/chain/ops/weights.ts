/**
 * Weights on chain, one pipeline for every caller: set_weights, or on commit-reveal subnets
 * commit_weights (CR v2) with the commit persisted in the chain store and revealed in its window
 * by {@link revealDue}, across restarts. Rate limit and registration are checked before signing.
 */
import { randomAsU8a } from '@polkadot/util-crypto'
import type { Signer } from '../../keys/signer'
import type { PendingCommit } from '../chain-store'
import { commitHash } from '../commit-hash'
import { findCall } from '../core/calls'
import type { ChainContext } from '../core/context'
import { ChainError } from '../core/errors'
import { readNumber } from '../core/storage'
import type { Extrinsic } from '../core/submit'
import { submit } from '../core/submit'
import type { EpochState } from '../epoch'
import { epochIndexAt, revealPhase, revealWindow } from '../epoch'
import type { Hyperparameters, TxResult, TxStatus } from '../types'
import { weightsForUids } from '../weights'
import { blockNumber } from './chain-state'
import { readEpochState, weightCommitsOf } from './epoch-state'
import { assertCommitRoom, assertWeightsAccepted } from './weights-checks'
import { lastUpdateOf, uidOf } from './neurons'
import { hyperparameters } from './subnets'

/**
 * Dispatch errors of reveal_weights that no retry can change (spec §6.5; names from the runtime
 * metadata): the commit is gone or expired, the data does not match it, or the subnet no longer
 * takes v2 reveals from this hotkey. Anything else (pool drops, nonce clashes, timeouts, lost
 * connections, RevealTooEarly) is retried while the reveal window is open.
 */
export const DEFINITIVE_REVEAL_ERRORS: ReadonlySet<string> = new Set([
  'SubtensorModule.ExpiredWeightCommit',
  'SubtensorModule.InvalidRevealCommitHashNotMatch',
  'SubtensorModule.NoWeightsCommitFound',
  'SubtensorModule.CommitRevealDisabled',
  'SubtensorModule.IncorrectCommitRevealVersion',
  'SubtensorModule.IncorrectWeightVersionKey',
  'SubtensorModule.HotKeyNotRegisteredInSubNet',
  'SubtensorModule.SubnetNotExists',
  // 1010 Custom error 16: the chain holds no commit with this hash; no retry can bring it back.
  'Pool.CommitNotFound',
])

/** "Not in the reveal epoch" from the pool (17) or the block (RevealTooEarly): the epoch index decides what next. */
const WRONG_EPOCH_ERRORS: ReadonlySet<string> = new Set(['Pool.CommitBlockNotInRevealRange', 'SubtensorModule.RevealTooEarly'])

export interface RevealOutcome {
  readonly commit: PendingCommit
  /** `retrying`: this attempt failed for a passing reason; the commit stays pending. */
  readonly outcome: 'revealed' | 'expired' | 'failed' | 'waiting' | 'retrying'
  readonly error?: string
}

/** Weights as the chain takes them: uids and u16 values (after the SDK's normalization), with the version key. */
export interface ChainWeights {
  readonly uids: readonly number[]
  readonly weights: readonly number[]
  readonly versionKey: bigint
}

/** Weights with the salt that hides them until the reveal (CR v2). */
export interface SaltedWeights extends ChainWeights {
  readonly salt: readonly number[]
}

export interface CommittedWeights extends TxResult {
  readonly commitHash: string
  /** The reveal window: first and last block in which the chain takes the reveal. */
  readonly revealFrom: number
  readonly revealUntil: number
}

/** off: set_weights; hash: commit_weights/reveal_weights (CR v2); timelocked: CR v4 (drand), which TaoDesk cannot send. */
export type CommitRevealMode = 'off' | 'hash' | 'timelocked'

function timelockMessage(netuid: number): string {
  return `Subnet ${netuid} requires timelocked commit-reveal (v4, drand-encrypted weights). TaoDesk cannot submit v4 commits yet, so weights were not set. Nothing was sent to the chain.`
}

export function commitRevealMode(ctx: ChainContext, hp: Hyperparameters): CommitRevealMode {
  if (!hp.commitRevealEnabled) return 'off'
  const hashCommits = findCall(ctx.api, 'subtensorModule', 'commitWeights') && findCall(ctx.api, 'subtensorModule', 'revealWeights')
  return hashCommits ? 'hash' : 'timelocked'
}

async function registeredUid(ctx: ChainContext, netuid: number, hotkey: string): Promise<number> {
  const uid = await uidOf(ctx, netuid, hotkey)
  if (uid === null) throw new ChainError('SubtensorModule.HotKeyNotRegisteredInSubNet', `The hotkey ${hotkey} is not registered on subnet ${netuid}. Register it first.`)
  return uid
}

/** Refuses before signing what the chain would refuse as SettingWeightsTooFast. */
async function assertRateLimit(ctx: ChainContext, netuid: number, uid: number, hp: Hyperparameters): Promise<void> {
  const [last, block] = await Promise.all([lastUpdateOf(ctx, netuid, uid), blockNumber(ctx)])
  if (last > 0 && block + 1 - last < hp.weightsRateLimit) {
    throw new ChainError(
      'SubtensorModule.SettingWeightsTooFast',
      `Weights were last set at block ${last}; subnet ${netuid} allows one update every ${hp.weightsRateLimit} blocks. Try again in ${hp.weightsRateLimit - (block + 1 - last)} blocks.`,
    )
  }
}

/** The subnet's hyperparameters, once the hotkey is known to be registered and out of its rate limit. */
export async function checkWeightsAllowed(ctx: ChainContext, netuid: number, hotkey: string): Promise<Hyperparameters> {
  const hp = await hyperparameters(ctx, netuid)
  await assertRateLimit(ctx, netuid, await registeredUid(ctx, netuid, hotkey), hp)
  return hp
}

function submitSet(ctx: ChainContext, signer: Signer, netuid: number, w: ChainWeights, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
  const call = findCall(ctx.api, 'subtensorModule', 'setWeights')
  if (!call) throw new ChainError('Client.Unsupported', 'This chain has no SubtensorModule.set_weights call.')
  return submit(ctx, call(netuid, [...w.uids], [...w.weights], w.versionKey), signer, { onStatus })
}

/** set_weights with weights already in chain form; refused on a subnet that has commit-reveal on. */
export async function setWeights(ctx: ChainContext, signer: Signer, netuid: number, w: ChainWeights, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
  const hp = await checkWeightsAllowed(ctx, netuid, signer.address)
  if (hp.commitRevealEnabled) throw new ChainError('SubtensorModule.CommitRevealEnabled', `Subnet ${netuid} has commit-reveal on: its weights must be committed, then revealed.`)
  await assertWeightsAccepted(ctx, netuid, signer.address, await registeredUid(ctx, netuid, signer.address), hp, w.uids, w.weights)
  return submitSet(ctx, signer, netuid, w, onStatus)
}

/** 8 random u16 (the SDK's salt length). */
function randomSalt(): number[] {
  const b = randomAsU8a(16)
  return Array.from({ length: 8 }, (_, i) => b[2 * i]! | (b[2 * i + 1]! << 8))
}

function assertHashCommits(ctx: ChainContext, netuid: number): void {
  if (!findCall(ctx.api, 'subtensorModule', 'commitWeights') || !findCall(ctx.api, 'subtensorModule', 'revealWeights')) {
    throw new ChainError('Client.TimelockedCommitReveal', timelockMessage(netuid))
  }
}

export interface CommitOptions {
  /** The salt (8 u16); a random one when absent. */
  readonly salt?: readonly number[]
  /** The hash the caller computed: refused before paying for the commit when it differs (the reveal would fail). */
  readonly expectedHash?: string
  readonly onStatus?: (s: TxStatus) => void
}

/** Without the store nothing keeps the salt, so nothing could reveal a commit: refuse it unsent. */
function assertRevealable(ctx: ChainContext, netuid: number): void {
  if (!ctx.store) {
    throw new ChainError(
      'Client.CommitNeedsValidator',
      `Subnet ${netuid} has commit-reveal on: weights are committed now and must be revealed one epoch later by a TaoDesk that keeps the salt and is still running. This one-shot command cannot do that, so nothing was sent. Run the validator instead (\`taodesk validator start\` with this network and subnet): it commits and reveals on time with the wallet hotkey.`,
    )
  }
}

async function commitChecked(ctx: ChainContext, signer: Signer, netuid: number, w: ChainWeights, hp: Hyperparameters, options: CommitOptions): Promise<CommittedWeights> {
  assertHashCommits(ctx, netuid)
  assertRevealable(ctx, netuid)
  await assertWeightsAccepted(ctx, netuid, signer.address, await registeredUid(ctx, netuid, signer.address), hp, w.uids, w.weights)
  await assertCommitRoom(ctx, netuid, signer.address, await readEpochState(ctx, netuid), hp.revealPeriodEpochs)
  const salt = options.salt ?? randomSalt()
  const hash = commitHash(ctx.api.registry, signer.address, netuid, w.uids, w.weights, salt, w.versionKey)
  if (options.expectedHash !== undefined && options.expectedHash.toLowerCase() !== hash.toLowerCase()) {
    throw new ChainError('Client.CommitHashMismatch', `The commit hash does not match the weights it commits (given ${options.expectedHash}, computed ${hash}); nothing was sent.`)
  }
  let result: TxResult
  try {
    result = await submit(ctx, findCall(ctx.api, 'subtensorModule', 'commitWeights')!(netuid, hash), signer, { onStatus: options.onStatus })
  } catch (error) {
    if (error instanceof ChainError && /IncorrectCommitRevealVersion|CallDisabled|Deprecated|DisabledTemporarily/.test(error.code)) {
      throw new ChainError('Client.TimelockedCommitReveal', timelockMessage(netuid))
    }
    throw error
  }
  const window = await commitWindow(ctx, netuid, signer.address, hash, result.blockNumber, hp.revealPeriodEpochs)
  ctx.store?.addCommit({
    network: ctx.storeKey,
    netuid,
    hotkey: signer.address,
    commitHash: hash,
    uids: [...w.uids],
    weights: [...w.weights],
    salt: [...salt],
    versionKey: String(w.versionKey),
    commitBlock: result.blockNumber,
    revealFrom: window.first,
    revealUntil: window.last,
  })
  return { ...result, commitHash: hash, revealFrom: window.first, revealUntil: window.last }
}

/**
 * The reveal window of a commit just included in `commitBlock`: its epoch read back from
 * `WeightCommits` (stateful runtimes), else the epoch of its block; blocks estimated from the
 * scheduler state (the epoch index decides at reveal time, see {@link revealDue}).
 */
async function commitWindow(ctx: ChainContext, netuid: number, hotkey: string, hash: string, commitBlock: number, revealPeriod: number): Promise<{ first: number; last: number }> {
  const st = await readEpochState(ctx, netuid)
  const onChain = st.kind === 'stateful' ? (await weightCommitsOf(ctx, netuid, hotkey)).find((c) => c.hash === hash.toLowerCase()) : undefined
  return revealWindow(st, onChain?.epoch ?? epochIndexAt(st, commitBlock), revealPeriod)
}

/** CR v2: commits the hash now and persists uids/weights/salt so that the reveal survives a restart. */
export async function commitWeights(ctx: ChainContext, signer: Signer, netuid: number, w: ChainWeights, options: CommitOptions = {}): Promise<CommittedWeights> {
  return commitChecked(ctx, signer, netuid, w, await checkWeightsAllowed(ctx, netuid, signer.address), options)
}

/**
 * Sets weights from raw scores per uid with the SDK's normalization (§2.6), respecting the rate
 * limit. On commit-reveal subnets it commits (v2) instead and persists the commit for reveal.
 */
export async function setWeightsFromScores(
  ctx: ChainContext,
  signer: Signer,
  netuid: number,
  scores: ReadonlyArray<{ uid: number; score: number }>,
  versionKey: bigint,
  onStatus?: (s: TxStatus) => void,
): Promise<{ mode: 'set' | 'committed'; result: TxResult; uids: number[]; weights: number[] }> {
  const hp = await hyperparameters(ctx, netuid)
  if (hp.commitRevealEnabled) assertRevealable(ctx, netuid)
  const myUid = await registeredUid(ctx, netuid, signer.address)
  const n = (await readNumber(ctx.api, 'subnetworkN', netuid)) ?? 0
  const all = Array.from({ length: n }, (_, i) => i)
  const scoreOf = new Map(scores.map((s) => [s.uid, s.score]))
  for (const s of scores) if (!Number.isInteger(s.uid) || s.uid < 0 || s.uid >= n) throw new ChainError('Client.InvalidUid', `uid ${s.uid} does not exist on subnet ${netuid} (it has ${n} neurons).`)
  const { uids, weights } = weightsForUids(all, all.map((u) => scoreOf.get(u) ?? 0), { minAllowedWeights: hp.minAllowedWeights, maxWeightLimit: hp.maxWeightsLimit / 65535 })
  if (uids.length === 0) throw new ChainError('Client.NoWeights', 'Every weight is zero; there is nothing to set.')
  await assertRateLimit(ctx, netuid, myUid, hp)
  const w = { uids, weights, versionKey }
  if (!hp.commitRevealEnabled) {
    await assertWeightsAccepted(ctx, netuid, signer.address, myUid, hp, uids, weights)
    return { mode: 'set', result: await submitSet(ctx, signer, netuid, w, onStatus), uids, weights }
  }
  return { mode: 'committed', result: await commitChecked(ctx, signer, netuid, w, hp, { onStatus }), uids, weights }
}

function revealCall(ctx: ChainContext): ((...args: unknown[]) => Extrinsic) | undefined {
  return findCall(ctx.api, 'subtensorModule', 'revealWeights')
}

/** reveal_weights now, for a commit of this hotkey (the chain checks the window and the hash). */
export async function revealWeights(ctx: ChainContext, signer: Signer, netuid: number, w: SaltedWeights, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
  const reveal = revealCall(ctx)
  if (!reveal) throw new ChainError('Client.TimelockedCommitReveal', timelockMessage(netuid))
  return submit(ctx, reveal(netuid, [...w.uids], [...w.weights], [...w.salt], w.versionKey), signer, { onStatus })
}

/** This hotkey's commits that still wait for their reveal. */
export function pendingCommitsOf(ctx: ChainContext, hotkey: string): PendingCommit[] {
  return ctx.store?.pendingCommits(ctx.storeKey).filter((c) => c.hotkey === hotkey) ?? []
}

/** The stored commit of exactly these weights by this hotkey (any status), if TaoDesk made it. */
export function findCommit(ctx: ChainContext, hotkey: string, netuid: number, w: SaltedWeights): PendingCommit | undefined {
  const hash = commitHash(ctx.api.registry, hotkey, netuid, w.uids, w.weights, w.salt, w.versionKey).toLowerCase()
  return ctx.store?.commits(ctx.storeKey, 500).find((c) => c.commitHash.toLowerCase() === hash && c.hotkey === hotkey)
}

type Phase = 'early' | 'open' | 'expired' | 'gone'

/**
 * Where a stored commit stands now. Stateful runtimes: by the epoch index with look-ahead against
 * the commit's epoch read back from `WeightCommits` + RevealPeriodEpochs (`weights.rs:1255-1292`);
 * `gone` when the chain no longer holds it. Legacy runtimes: by the stored block window.
 */
async function phaseOf(ctx: ChainContext, c: PendingCommit, st: EpochState, revealPeriod: number): Promise<Phase> {
  if (st.kind === 'legacy') {
    const next = st.block + 1
    return next < c.revealFrom ? 'early' : next > c.revealUntil ? 'expired' : 'open'
  }
  const onChain = (await weightCommitsOf(ctx, c.netuid, c.hotkey)).find((x) => x.hash === c.commitHash.toLowerCase())
  return onChain ? revealPhase(st, onChain.epoch, revealPeriod) : 'gone'
}

/**
 * Reveals every persisted commit whose reveal epoch is the next block's, and marks expired ones.
 * A reveal that fails for a reason that can pass (dropped from the pool, a nonce clash, a
 * timeout, a lost connection) stays pending and is sent again on the next pass while its epoch
 * lasts. "Not the reveal epoch" (pool 17 / RevealTooEarly) is decided by the epoch index: still
 * early waits, past is expired. A commit the chain no longer holds (pool 16) is final, as is any
 * error in {@link DEFINITIVE_REVEAL_ERRORS}.
 */
export async function revealDue(ctx: ChainContext, signerFor: (hotkey: string) => Signer | undefined | Promise<Signer | undefined>): Promise<RevealOutcome[]> {
  const store = ctx.store
  if (!store) return []
  const out: RevealOutcome[] = []
  const states = new Map<number, Promise<{ st: EpochState; period: number }>>()
  const stateOf = (netuid: number): Promise<{ st: EpochState; period: number }> => {
    let p = states.get(netuid)
    if (!p) states.set(netuid, (p = Promise.all([readEpochState(ctx, netuid), readNumber(ctx.api, 'revealPeriodEpochs', netuid)]).then(([st, period]) => ({ st, period: period ?? 1 }))))
    return p
  }
  const expire = (c: PendingCommit, why = 'The reveal window passed before TaoDesk could reveal.'): void => {
    const last = c.error ? ` The last attempt failed: ${c.error}` : ''
    store.markCommit(c.id, 'expired', `${why}${last}`)
    out.push({ commit: c, outcome: 'expired' })
  }
  for (const c of store.pendingCommits(ctx.storeKey)) {
    const { st, period } = await stateOf(c.netuid)
    const phase = await phaseOf(ctx, c, st, period)
    if (phase === 'early') {
      out.push({ commit: c, outcome: 'waiting' })
      continue
    }
    if (phase === 'expired' || (phase === 'gone' && st.block + 1 > c.revealUntil)) {
      expire(c)
      continue
    }
    if (phase === 'gone') {
      const note = c.error ? ` An earlier attempt (${c.error}) may have revealed it; check this hotkey's weights on chain.` : ''
      const msg = `The chain holds no commit with this hash any more, so it cannot be revealed.${note}`
      store.markCommit(c.id, 'failed', msg)
      out.push({ commit: c, outcome: 'failed', error: msg })
      continue
    }
    const signer = await signerFor(c.hotkey)
    if (!signer) {
      out.push({ commit: c, outcome: 'waiting', error: 'The hotkey is not unlocked' })
      continue
    }
    if (!revealCall(ctx)) {
      const msg = timelockMessage(c.netuid)
      store.markCommit(c.id, 'failed', msg)
      out.push({ commit: c, outcome: 'failed', error: msg })
      continue
    }
    try {
      await revealWeights(ctx, signer, c.netuid, { uids: c.uids, weights: c.weights, salt: c.salt, versionKey: BigInt(c.versionKey) })
      store.markCommit(c.id, 'revealed')
      out.push({ commit: c, outcome: 'revealed' })
    } catch (error) {
      const msg = error instanceof Error ? error.message : String(error)
      const code = error instanceof ChainError ? error.code : ''
      if (code === 'SubtensorModule.ExpiredWeightCommit') {
        store.markCommit(c.id, 'expired', msg)
        out.push({ commit: c, outcome: 'expired', error: msg })
      } else if (DEFINITIVE_REVEAL_ERRORS.has(code)) {
        // After an attempt whose answer was lost, the commit may be gone because that attempt landed.
        const note = /NoWeightsCommitFound|CommitNotFound/.test(code) && c.error ? ` An earlier attempt (${c.error}) may have revealed it; check this hotkey's weights on chain.` : ''
        store.markCommit(c.id, 'failed', msg + note)
        out.push({ commit: c, outcome: 'failed', error: msg })
      } else if (WRONG_EPOCH_ERRORS.has(code) && (await phaseOf(ctx, c, await readEpochState(ctx, c.netuid), period)) !== 'open') {
        // The epoch moved while the reveal was in flight; the next pass waits or expires it.
        store.markCommit(c.id, 'pending', msg)
        out.push({ commit: c, outcome: 'waiting', error: msg })
      } else {
        store.markCommit(c.id, 'pending', `Attempt at block ${st.block + 1} failed, retrying on the next block while the reveal epoch lasts: ${msg}`)
        out.push({ commit: c, outcome: 'retrying', error: msg })
      }
    }
  }
  return out
}
