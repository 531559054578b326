/**
 * CR v2 on the practice chain as subtensor HEAD does it (network-2026 §3.1): commits tagged with
 * the epoch index (`WeightCommits` tuple `(hash, commit_epoch, commit_block, 0)`), a reveal taken
 * only while the epoch with look-ahead equals `commit_epoch + RevealPeriodEpochs`, and a reveal
 * removing every earlier commit of the queue.
 */
import { commitHash } from '../chain/commit-hash'
import { epochWithLookahead } from './epoch-scheduler'
import type { StateStore } from './state'

const SUB = 'SubtensorModule'
/** `weights.rs:121`: at most 10 live commits per hotkey and subnet. */
export const MAX_UNREVEALED_COMMITS = 10

export type CommitTuple = readonly [hash: string, commitEpoch: bigint, commitBlock: bigint, legacy: bigint]

/** What the commit-reveal rules need from the runtime. */
export interface CommitRevealHost {
  readonly state: StateStore
  readonly block: number
  readonly codec: { readonly registry: import('@polkadot/types/types').Registry }
  uidOf(netuid: number, hotkey: string): number | undefined
  subnetExists(netuid: number): boolean
  setLastUpdate(netuid: number, uid: number, block: number): void
  /** `do_set_mechanism_weights` reached from a reveal (CR on: no rate limit, no LastUpdate). */
  setRevealedWeights(hotkey: string, netuid: number, uids: number[], values: number[], versionKey: bigint): void
  deposit(name: string, fields: unknown[]): void
}

type Failer = (error: string) => never

export function readCommits(s: StateStore, netuid: number, hotkey: string): CommitTuple[] {
  const raw = s.maybe(SUB, 'WeightCommits', netuid, hotkey)
  if (!raw) return []
  return (raw.toJSON() as Array<[string, number | string, number | string, number | string]>).map(([h, e, b, x]) => [h, BigInt(e), BigInt(b), BigInt(x)] as const)
}

function writeCommits(s: StateStore, netuid: number, hotkey: string, commits: readonly CommitTuple[]): void {
  if (commits.length === 0) s.remove(SUB, 'WeightCommits', netuid, hotkey)
  else s.set(SUB, 'WeightCommits', [netuid, hotkey], commits.map((c) => [...c]))
}

function revealPeriod(s: StateStore, netuid: number): number {
  return Number(s.u64(SUB, 'RevealPeriodEpochs', netuid))
}

/** `is_commit_expired` (`weights.rs:1287-1292`). */
function isCommitExpired(s: StateStore, netuid: number, block: number, commitEpoch: bigint): boolean {
  return epochWithLookahead(s, netuid, block) > Number(commitEpoch) + revealPeriod(s, netuid)
}

function expired(h: CommitRevealHost, netuid: number, commitEpoch: bigint): boolean {
  return isCommitExpired(h.state, netuid, h.block, commitEpoch)
}

/**
 * The epoch's commit-reveal column mask input (`run_epoch.rs:728-740`): the commit block of the
 * hotkey's first unexpired commit, or undefined (the chain's u64::MAX) when it has none.
 */
export function earliestLiveCommitBlock(s: StateStore, netuid: number, block: number, hotkey: string): number | undefined {
  const live = readCommits(s, netuid, hotkey).find(([, epoch]) => !isCommitExpired(s, netuid, block, epoch))
  return live === undefined ? undefined : Number(live[2])
}

/** `is_reveal_block_range` (`weights.rs:1255-1260`): exact equality. */
export function inRevealEpoch(s: StateStore, netuid: number, block: number, commitEpoch: bigint): boolean {
  return epochWithLookahead(s, netuid, block) === Number(commitEpoch) + revealPeriod(s, netuid)
}

/** `check_rate_limit` (`weights.rs:1104-1124`): LastUpdate 0 passes. */
export function passesRateLimit(s: StateStore, netuid: number, uid: number, block: number): boolean {
  const last = Number(s.vecBig(SUB, 'LastUpdate', netuid)[uid] ?? 0n)
  return last === 0 || block - last >= s.num(SUB, 'WeightsSetRateLimit', netuid)
}

/** `internal_commit_weights` (`weights.rs:61-140`). */
export function commitWeights(h: CommitRevealHost, fail: Failer, hotkey: string, netuid: number, hash: string): void {
  const s = h.state
  if (!h.subnetExists(netuid)) fail('SubnetNotExists')
  if (!s.bool(SUB, 'CommitRevealWeightsEnabled', netuid)) fail('CommitRevealDisabled')
  const uid = h.uidOf(netuid, hotkey)
  if (uid === undefined) fail('HotKeyNotRegisteredInSubNet')
  const block = h.block
  if (!passesRateLimit(s, netuid, uid!, block)) fail('CommittingWeightsTooFast')
  const commitEpoch = epochWithLookahead(s, netuid, block)
  const commits = readCommits(s, netuid, hotkey)
  while (commits.length > 0 && expired(h, netuid, commits[0]![1])) commits.shift()
  if (commits.length >= MAX_UNREVEALED_COMMITS) fail('TooManyUnrevealedCommits')
  commits.push([hash, BigInt(commitEpoch), BigInt(block), 0n])
  writeCommits(s, netuid, hotkey, commits)
  h.deposit('WeightsCommitted', [hotkey, netuid, hash])
  // weights.rs:137: a commit sets LastUpdate to the commit block.
  h.setLastUpdate(netuid, uid!, block)
}

/** `internal_reveal_weights` (`weights.rs:453-560`). */
export function revealWeights(h: CommitRevealHost, fail: Failer, hotkey: string, netuid: number, uids: number[], values: number[], salt: number[], versionKey: bigint): void {
  const s = h.state
  if (!s.bool(SUB, 'CommitRevealWeightsEnabled', netuid)) fail('CommitRevealDisabled')
  const commits = readCommits(s, netuid, hotkey)
  if (commits.length === 0) fail('NoWeightsCommitFound')
  const expiredHashes: string[] = []
  while (commits.length > 0 && expired(h, netuid, commits[0]![1])) expiredHashes.push(commits.shift()![0])
  const hash = commitHash(h.codec.registry, hotkey, netuid, uids, values, salt, versionKey)
  const position = commits.findIndex(([c]) => c === hash)
  if (position < 0) fail(expiredHashes.includes(hash) ? 'ExpiredWeightCommit' : commits.length === 0 ? 'NoWeightsCommitFound' : 'InvalidRevealCommitHashNotMatch')
  if (!inRevealEpoch(s, netuid, h.block, commits[position]![1])) fail('RevealTooEarly')
  // weights.rs:526-528: the matched commit and every earlier one leave the queue.
  writeCommits(s, netuid, hotkey, commits.slice(position + 1))
  h.setRevealedWeights(hotkey, netuid, uids, values, versionKey)
  h.deposit('WeightsRevealed', [hotkey, netuid, hash])
}
