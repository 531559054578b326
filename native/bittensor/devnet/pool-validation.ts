/**
 * `SubtensorTransactionExtension::validate` (`extensions/subtensor.rs:136-149`): the checks a node
 * runs when it admits a signed extrinsic, refusing with `1010 Invalid Transaction: Custom error: N`
 * (codes `common/src/transaction_error.rs:38-70`, mapping `extensions/subtensor.rs:26-61`). Guards
 * run in the order of `extensions/subtensor.rs:78-109`: weights, rate limits, serving. The pool
 * sees the best block's state as block best + 1 would (frame-executive validates at parent + 1).
 */
import { commitHash } from '../chain/commit-hash'
import { inRevealEpoch, passesRateLimit, readCommits } from './commit-reveal'
import type { StateStore } from './state'

const SUB = 'SubtensorModule'

/** `CustomTransactionError` codes the practice chain emits. */
export const POOL_ERROR = {
  StakeAmountTooLow: 1,
  RateLimitExceeded: 6,
  HotKeyNotRegisteredInNetwork: 10,
  InvalidIpAddress: 11,
  ServingRateLimitExceeded: 12,
  InvalidPort: 13,
  CommitNotFound: 16,
  CommitBlockNotInRevealRange: 17,
  BadRequest: 255,
} as const

/** What the guards read beyond storage. */
export interface PoolHost {
  readonly state: StateStore
  readonly codec: { readonly registry: import('@polkadot/types/types').Registry }
  uidOf(netuid: number, hotkey: string): number | undefined
  /** The stake `check_weights_min_stake` compares with StakeThreshold (`lib.rs:2752-2762`). */
  weightsStake(hotkey: string, netuid: number): bigint
  validIp(ip: bigint, ipType: number): boolean
}

export interface PoolCall {
  readonly section: string
  readonly method: string
  readonly args: ReadonlyArray<{ toString(): string; toJSON(): unknown }>
}

/** `check_weights_min_stake` (`lib.rs:2752-2762`): the owner's uid is exempt. */
function meetsStakeThreshold(h: PoolHost, hotkey: string, netuid: number): boolean {
  const s = h.state
  const ownerUid = h.uidOf(netuid, s.get(SUB, 'SubnetOwnerHotkey', netuid).toString())
  const uid = h.uidOf(netuid, hotkey)
  if (ownerUid !== undefined && uid === ownerUid) return true
  return h.weightsStake(hotkey, netuid) >= s.u64(SUB, 'StakeThreshold')
}

/** `CheckWeights::check_reveal` (`guards/check_weights.rs:112-140`). */
function checkReveal(h: PoolHost, who: string, netuid: number, args: PoolCall['args'], block: number): number | undefined {
  const nums = (i: number): number[] => (args[i]!.toJSON() as number[]).map(Number)
  const commits = readCommits(h.state, netuid, who)
  const hash = commitHash(h.codec.registry, who, netuid, nums(1), nums(2), nums(3), BigInt(args[4]!.toString()))
  const found = commits.find(([c]) => c === hash)
  if (!found) return POOL_ERROR.CommitNotFound
  return inRevealEpoch(h.state, netuid, block, found[1]) ? undefined : POOL_ERROR.CommitBlockNotInRevealRange
}

/** `CheckServingEndpoints` -> `validate_serve_axon` (`subnets/serving.rs:289-335`). */
function checkServeAxon(h: PoolHost, who: string, args: PoolCall['args'], block: number): number | undefined {
  const netuid = Number(args[0]!.toString())
  const ip = BigInt(args[2]!.toString())
  const port = Number(args[3]!.toString())
  const ipType = Number(args[4]!.toString())
  if (h.uidOf(netuid, who) === undefined) return POOL_ERROR.HotKeyNotRegisteredInNetwork
  if (ipType !== 4 && ipType !== 6) return POOL_ERROR.BadRequest
  if (!h.validIp(ip, ipType)) return POOL_ERROR.InvalidIpAddress
  const prev = h.state.maybe(SUB, 'Axons', netuid, who)?.toJSON() as { block?: number } | undefined
  const last = Number(prev?.block ?? 0)
  if (last > 0 && block - last < h.state.num(SUB, 'ServingRateLimit', netuid)) return POOL_ERROR.ServingRateLimitExceeded
  if (port === 0) return POOL_ERROR.InvalidPort
  return undefined
}

/** The custom error code the pool refuses `call` from `who` with at `block` (best + 1); undefined to admit it. */
export function poolRefusal(h: PoolHost, who: string, call: PoolCall, block: number): number | undefined {
  if (call.section !== 'subtensorModule') return undefined
  const netuid = Number(call.args[0]?.toString() ?? 0)
  switch (call.method) {
    case 'setWeights':
    case 'commitWeights':
    case 'revealWeights': {
      // CheckWeights (`guards/check_weights.rs:43-47`): stake, then the reveal's commit and epoch.
      if (!meetsStakeThreshold(h, who, netuid)) return POOL_ERROR.StakeAmountTooLow
      if (call.method === 'revealWeights') return checkReveal(h, who, netuid, call.args, block)
      // CheckRateLimits (`guards/check_rate_limits.rs:31-84`): commits always, set_weights only with CR off;
      // an unregistered hotkey passes here.
      const cr = h.state.bool(SUB, 'CommitRevealWeightsEnabled', netuid)
      if (call.method === 'setWeights' && cr) return undefined
      const uid = h.uidOf(netuid, who)
      if (uid !== undefined && !passesRateLimit(h.state, netuid, uid, block)) return POOL_ERROR.RateLimitExceeded
      return undefined
    }
    case 'serveAxon':
      return checkServeAxon(h, who, call.args, block)
    default:
      return undefined
  }
}
