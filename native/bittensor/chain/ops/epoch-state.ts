/** Reads of the epoch scheduler: its state, the chain's next epoch block, and a commit's epoch. */
import type { ChainContext } from '../core/context'
import { isMissing, markMissing } from '../core/runtime-apis'
import { readNumber } from '../core/storage'
import type { EpochState } from '../epoch'
import { nextEpochBlock, schedulerKind } from '../epoch'
import { blockNumber } from './chain-state'

/** The scheduler state of a subnet at the best block (items a runtime lacks read as 0). */
export async function readEpochState(ctx: ChainContext, netuid: number): Promise<EpochState> {
  const kind = schedulerKind(ctx.api)
  const n = async (item: string): Promise<number> => (await readNumber(ctx.api, item, netuid)) ?? 0
  const [block, tempo, lastEpochBlock, pendingEpochAt, epochIndex, blocksSinceLastStep] = await Promise.all([
    blockNumber(ctx),
    readNumber(ctx.api, 'tempo', netuid),
    n('lastEpochBlock'),
    n('pendingEpochAt'),
    n('subnetEpochIndex'),
    n('blocksSinceLastStep'),
  ])
  return { kind, netuid, block, tempo: tempo ?? 360, lastEpochBlock, pendingEpochAt, epochIndex, blocksSinceLastStep }
}

type EpochApi = { getNextEpochStartBlock?: (netuid: number) => Promise<{ isSome: boolean; unwrap(): { toString(): string } }> }

/**
 * The block of the next epoch as the chain reports it: `SubnetInfoRuntimeApi.get_next_epoch_start_block`
 * (`run_coinbase.rs:1124-1137`), else `LastEpochBlock + Tempo` / `PendingEpochAt` from storage
 * (older nodes, whose state_call fails), else the legacy rule. Null when tempo is 0.
 */
export async function nextEpochStart(ctx: ChainContext, st: EpochState): Promise<number | null> {
  const api = (ctx.api.call as unknown as Record<string, EpochApi | undefined>).subnetInfoRuntimeApi
  if (st.kind === 'stateful' && api?.getNextEpochStartBlock && !isMissing(ctx.api, 'nextEpochStart')) {
    try {
      const r = await api.getNextEpochStartBlock(st.netuid)
      // The API ignores the safety net and deferral; never report a block already past.
      return r.isSome ? Math.max(Number(r.unwrap().toString()), st.block + 1) : null
    } catch (error) {
      markMissing(ctx.api, 'nextEpochStart', error)
    }
  }
  return nextEpochBlock(st)
}

/**
 * This hotkey's CR v2 commits the chain holds, with the epoch each was tagged with (stateful
 * runtimes store `(hash, commit_epoch, commit_block, 0)`, `weights.rs:124`; older ones store the
 * commit block in field 1). Expired ones stay until the next commit or reveal pops them.
 */
export async function weightCommitsOf(ctx: ChainContext, netuid: number, hotkey: string): Promise<Array<{ hash: string; epoch: number }>> {
  const q = (ctx.api.query.subtensorModule as unknown as Record<string, ((...a: unknown[]) => Promise<unknown>) | undefined>).weightCommits
  if (!q) return []
  const rows = (((await q(netuid, hotkey)) as { toJSON(): unknown }).toJSON() ?? []) as Array<[string, number | string]>
  return rows.map(([hash, epoch]) => ({ hash: hash.toLowerCase(), epoch: Number(epoch) }))
}
