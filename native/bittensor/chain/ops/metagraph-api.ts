/**
 * One-call metagraph reads (spec network-2026 §6.2-§6.3): `SubnetInfoRuntimeApi.get_selective_metagraph`
 * with the fields TaoDesk shows, else `get_metagraph`. Stake is the chain's `total_stake`
 * (alpha + TaoWeight·root TAO, inherited through child keys), the SDK's `S`. Vectors are read per
 * uid with a default: at HEAD `rank`, `trust` and `pruning_score` are empty, and any may be shorter than n.
 */
import type { AxonJson } from '../core/axon-info'
import { axonView } from '../core/axon-info'
import type { ChainContext } from '../core/context'
import { readVector } from '../core/storage'
import type { NeuronRow } from '../types'

const RAO = 1e9

/** Metagraph field indexes (`rpc_info/metagraph.rs:543-621`) of what {@link decodeMetagraph} reads. */
export const METAGRAPH_FIELDS = {
  block: 7,
  immunityPeriod: 36,
  hotkeys: 52,
  coldkeys: 53,
  axons: 55,
  active: 56,
  validatorPermit: 57,
  lastUpdate: 59,
  emission: 60,
  dividends: 61,
  incentives: 62,
  consensus: 63,
  blockAtRegistration: 66,
  alphaStake: 67,
  taoStake: 68,
  totalStake: 69,
} as const

export interface DecodedMetagraph {
  readonly block: number
  readonly immunityPeriod: number | null
  readonly neurons: NeuronRow[]
}

type Json = Record<string, unknown>

function list(j: Json, key: string): unknown[] {
  const v = j[key]
  return Array.isArray(v) ? v : []
}

/** Decodes the JSON of a Metagraph or SelectiveMetagraph (absent, null or short vectors read as defaults). */
export function decodeMetagraph(j: Json, validatorTrust: readonly unknown[] = []): DecodedMetagraph {
  const hotkeys = list(j, 'hotkeys').map(String)
  const vtrust = (uid: number): number => Number(validatorTrust[uid] ?? 0)
  const at = (key: string): ((uid: number) => number) => {
    const v = list(j, key)
    return (uid) => Number(v[uid] ?? 0)
  }
  const flag = (key: string, fallback: boolean): ((uid: number) => boolean) => {
    const v = list(j, key)
    return (uid) => (v[uid] === undefined ? fallback : Boolean(v[uid]))
  }
  const [coldkeys, axons] = [list(j, 'coldkeys'), list(j, 'axons')]
  const [emission, incentive, dividends, consensus, lastUpdate, reg, alpha, tao, total] = ['emission', 'incentives', 'dividends', 'consensus', 'lastUpdate', 'blockAtRegistration', 'alphaStake', 'taoStake', 'totalStake'].map(at)
  const [active, permit] = [flag('active', true), flag('validatorPermit', false)]
  const block = Number(j.block ?? 0)
  const immunityPeriod = j.immunityPeriod === null || j.immunityPeriod === undefined ? null : Number(j.immunityPeriod)
  const regs = list(j, 'blockAtRegistration')
  const neurons = hotkeys.map((hotkey, uid): NeuronRow => {
    const registrationBlock = regs[uid] === undefined ? null : reg!(uid)
    return {
      uid,
      hotkey,
      coldkey: coldkeys[uid] === undefined ? '' : String(coldkeys[uid]),
      stake: total!(uid) / RAO,
      alphaStake: alpha!(uid) / RAO,
      taoStake: tao!(uid) / RAO,
      incentive: incentive!(uid) / 65535,
      emission: emission!(uid) / RAO,
      dividends: dividends!(uid) / 65535,
      consensus: consensus!(uid) / 65535,
      // Not in the metagraph at HEAD (rpc_info/metagraph.rs has no validator_trust): read from storage beside it.
      validatorTrust: vtrust(uid) / 65535,
      validatorPermit: permit(uid),
      active: active(uid),
      axon: axonView(axons[uid] as AxonJson | undefined),
      lastUpdate: lastUpdate!(uid),
      registrationBlock,
      immune: registrationBlock === null || immunityPeriod === null ? null : block - registrationBlock < immunityPeriod,
    }
  })
  return { block, immunityPeriod, neurons }
}

type RuntimeCall = (...args: unknown[]) => Promise<{ isSome?: boolean; isNone?: boolean; unwrap(): { toJSON(): unknown } }>

function subnetInfoApi(ctx: ChainContext): Record<string, RuntimeCall | undefined> | undefined {
  return (ctx.api.call as unknown as Record<string, Record<string, RuntimeCall | undefined> | undefined>).subnetInfoRuntimeApi
}

/**
 * The subnet's neurons in one runtime call; undefined when the runtime has no such API (detected
 * from metadata) or the declared call fails (a node behind its metadata, a runtime panic), so the
 * caller falls back to storage. A missing subnet (None) is undefined too.
 */
export async function readMetagraphApi(ctx: ChainContext, netuid: number): Promise<DecodedMetagraph | undefined> {
  const api = subnetInfoApi(ctx)
  if (!api) return undefined
  let answer: Awaited<ReturnType<RuntimeCall>> | undefined
  try {
    answer = api.getSelectiveMetagraph
      ? await api.getSelectiveMetagraph(netuid, Object.values(METAGRAPH_FIELDS))
      : api.getMetagraph
        ? await api.getMetagraph(netuid)
        : undefined
  } catch {
    return undefined
  }
  if (!answer || answer.isNone) return undefined
  // The runtime's metagraph has no validator trust; the `ValidatorTrust` vector is one storage read.
  const vtrust = await readVector(ctx.api, 'validatorTrust', netuid).catch(() => [])
  return decodeMetagraph(answer.unwrap().toJSON() as Json, vtrust)
}
