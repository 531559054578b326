/** Neurons of a subnet: uids, the metagraph (one runtime call, else storage), LastUpdate. */
import type { AxonJson } from '../core/axon-info'
import { axonView } from '../core/axon-info'
import type { ChainContext } from '../core/context'
import { cached } from '../core/context'
import { readNumber, readVector, subtensorItem } from '../core/storage'
import type { Metagraph, NeuronRow } from '../types'
import { blockNumber } from './chain-state'
import { readMetagraphApi } from './metagraph-api'
import { readStakeWeight, readTaoWeight } from './stake-weights'
import { assertSubnet } from './subnets'

const RAO = 1e9

export async function uidOf(ctx: ChainContext, netuid: number, hotkey: string): Promise<number | null> {
  const f = subtensorItem(ctx.api, 'uids')
  if (!f) return null
  const v = (await f(netuid, hotkey)) as { isSome: boolean; unwrap(): { toNumber(): number } }
  return v.isSome ? v.unwrap().toNumber() : null
}

/** The block of the last weights (or registration) of `uid`; 0 when unknown. */
export async function lastUpdateOf(ctx: ChainContext, netuid: number, uid: number): Promise<number> {
  return Number((await readVector(ctx.api, 'lastUpdate', netuid))[uid] ?? 0)
}

async function neuronsFromStorage(ctx: ChainContext, netuid: number): Promise<NeuronRow[]> {
  const { api } = ctx
  const n = (await readNumber(api, 'subnetworkN', netuid)) ?? 0
  const [incentive, consensus, dividends, vtrust, emission, lastUpdate, permit, active] = await Promise.all(
    ['incentive', 'consensus', 'dividends', 'validatorTrust', 'emission', 'lastUpdate', 'validatorPermit', 'active'].map((item) => readVector(api, item, netuid)),
  )
  const owner = subtensorItem(api, 'owner')
  const taoWeight = await readTaoWeight(api)
  const axons = subtensorItem(api, 'axons')
  const out: NeuronRow[] = []
  for (let uid = 0; uid < n; uid++) {
    const hotkey = String(await subtensorItem(api, 'keys')!(netuid, uid))
    const coldkey = owner ? String(await owner(hotkey)) : ''
    const weight = await readStakeWeight(api, hotkey, netuid, taoWeight)
    const axonOpt = axons ? ((await axons(netuid, hotkey)) as { isSome: boolean; unwrap(): { toJSON(): unknown } }) : undefined
    const axon = axonOpt?.isSome ? (axonOpt.unwrap().toJSON() as AxonJson) : undefined
    out.push({
      uid,
      hotkey,
      coldkey,
      stake: Number(weight.total) / RAO,
      alphaStake: Number(weight.alpha) / RAO,
      taoStake: Number(weight.tao) / RAO,
      incentive: Number(incentive[uid] ?? 0) / 65535,
      emission: Number(emission[uid] ?? 0) / RAO,
      dividends: Number(dividends[uid] ?? 0) / 65535,
      consensus: Number(consensus[uid] ?? 0) / 65535,
      validatorTrust: Number(vtrust[uid] ?? 0) / 65535,
      validatorPermit: permit[uid] === 'true',
      active: active[uid] === undefined ? true : active[uid] === 'true',
      axon: axonView(axon),
      lastUpdate: Number(lastUpdate[uid] ?? 0),
      registrationBlock: null,
      immune: null,
    })
  }
  return out
}

/** The full metagraph: every neuron with its registration block, immunity and stake weight `S`. */
export async function metagraph(ctx: ChainContext, netuid: number): Promise<Metagraph> {
  await assertSubnet(ctx, netuid)
  const one = await readMetagraphApi(ctx, netuid)
  if (one) return cached(ctx, `metagraph:${netuid}`, { netuid, block: one.block, source: 'runtime-api', neurons: one.neurons })
  return metagraphFromStorage(ctx, netuid)
}

async function metagraphFromStorage(ctx: ChainContext, netuid: number): Promise<Metagraph> {
  const { api } = ctx
  const block = await blockNumber(ctx)
  const neurons = await neuronsFromStorage(ctx, netuid)
  const immunity = await readNumber(api, 'immunityPeriod', netuid)
  const regF = subtensorItem(api, 'blockAtRegistration')
  const withReg: NeuronRow[] = []
  for (const nrow of neurons) {
    const reg = regF ? Number(String(await regF(netuid, nrow.uid))) : null
    withReg.push({ ...nrow, registrationBlock: reg, immune: reg === null || immunity === null ? null : block - reg < immunity })
  }
  return cached(ctx, `metagraph:${netuid}`, { netuid, block, source: 'storage', neurons: withReg })
}

/** The subnet's neurons: one runtime call where the runtime has it, else the full storage read. */
export async function readNeurons(ctx: ChainContext, netuid: number): Promise<NeuronRow[]> {
  return (await readMetagraphApi(ctx, netuid))?.neurons ?? (await metagraphFromStorage(ctx, netuid)).neurons
}
