/** Subnet reads: which subnets exist, their hyperparameters, and where the epoch stands. */
import type { ChainContext } from '../core/context'
import { cached } from '../core/context'
import { ChainError } from '../core/errors'
import { readBigint, readBool, readNumber, subtensorItem } from '../core/storage'
import type { EpochTiming, Hyperparameters, SubnetSummary } from '../types'
import { readHyperparamsApi } from './hyperparams-api'
import { epochIndexAt } from '../epoch'
import { nextEpochStart, readEpochState } from './epoch-state'
import { subnetIdentities } from './subnet-identity'

export async function assertSubnet(ctx: ChainContext, netuid: number): Promise<void> {
  const exists = await readBool(ctx.api, 'networksAdded', netuid)
  if (exists === false) throw new ChainError('SubtensorModule.SubnetNotExists', `Subnet ${netuid} does not exist on this network.`)
}

export async function subnets(ctx: ChainContext): Promise<SubnetSummary[]> {
  const { api } = ctx
  const added = subtensorItem(api, 'networksAdded')
  if (!added?.entries) throw new ChainError('Client.Unsupported', 'This chain has no SubtensorModule.NetworksAdded storage; is it a Bittensor node?')
  const entries = await added.entries()
  const netuids = entries
    .filter(([, v]) => (v as { isTrue: boolean }).isTrue)
    .map(([k]) => Number(String(k.args[0])))
    .sort((a, b) => a - b)
  const identities = await subnetIdentities(ctx)
  const out: SubnetSummary[] = []
  for (const netuid of netuids) {
    const [n, max, tempo, burn] = await Promise.all([readNumber(api, 'subnetworkN', netuid), readNumber(api, 'maxAllowedUids', netuid), readNumber(api, 'tempo', netuid), readBigint(api, 'burn', netuid)])
    const ownerF = subtensorItem(api, 'subnetOwner')
    out.push({
      netuid,
      neurons: n ?? 0,
      maxNeurons: max ?? 0,
      tempo: tempo ?? 0,
      burn: String(burn ?? 0n),
      owner: ownerF ? String(await ownerF(netuid)) : null,
      identity: identities.get(netuid) ?? null,
    })
  }
  return cached(ctx, 'subnets', out)
}

export async function hyperparameters(ctx: ChainContext, netuid: number): Promise<Hyperparameters> {
  const { api } = ctx
  await assertSubnet(ctx, netuid)
  const n = async (item: string, fallback = 0): Promise<number> => (await readNumber(api, item, netuid)) ?? fallback
  const version = subtensorItem(api, 'commitRevealWeightsVersion')
  const commitRevealVersion = version ? Number(String(await version())) : null
  const one = await readHyperparamsApi(ctx, netuid)
  if (one) {
    // One runtime call, plus the three values it does not carry.
    const [maxAllowedUids, burn] = await Promise.all([n('maxAllowedUids'), readBigint(api, 'burn', netuid)])
    return cached(ctx, `hyperparameters:${netuid}`, { ...one, commitRevealVersion, maxAllowedUids, burn: String(burn ?? 0n) })
  }
  const hp: Hyperparameters = {
    tempo: await n('tempo'),
    weightsRateLimit: await n('weightsSetRateLimit'),
    weightsVersionKey: await n('weightsVersionKey'),
    commitRevealEnabled: (await readBool(api, 'commitRevealWeightsEnabled', netuid)) ?? false,
    revealPeriodEpochs: await n('revealPeriodEpochs', 1),
    commitRevealVersion,
    minAllowedWeights: await n('minAllowedWeights'),
    maxWeightsLimit: await n('maxWeightsLimit', 65535),
    maxAllowedUids: await n('maxAllowedUids'),
    maxAllowedValidators: await n('maxAllowedValidators'),
    immunityPeriod: await n('immunityPeriod'),
    activityCutoff: await n('activityCutoff'),
    kappa: await n('kappa'),
    bondsMovingAverage: await n('bondsMovingAverage'),
    servingRateLimit: await n('servingRateLimit'),
    registrationAllowed: (await readBool(api, 'networkRegistrationAllowed', netuid)) ?? true,
    burn: String((await readBigint(api, 'burn', netuid)) ?? 0n),
    minBurn: String((await readBigint(api, 'minBurn', netuid)) ?? 0n),
    maxBurn: String((await readBigint(api, 'maxBurn', netuid)) ?? 0n),
    yuma3: await readBool(api, 'yuma3On', netuid),
    liquidAlpha: await readBool(api, 'liquidAlphaOn', netuid),
  }
  return cached(ctx, `hyperparameters:${netuid}`, hp)
}

/**
 * Where the subnet's epoch stands (network-2026 §2.6): the chain's next epoch block, and
 * `blocksUntilNextEpoch` = the blocks strictly before it, so `block + blocksUntilNextEpoch + 1`
 * is that block.
 */
export async function epochTiming(ctx: ChainContext, netuid: number): Promise<EpochTiming> {
  const st = await readEpochState(ctx, netuid)
  const next = await nextEpochStart(ctx, st)
  return {
    netuid,
    block: st.block,
    tempo: st.tempo,
    nextEpochBlock: next,
    epochIndex: epochIndexAt(st, st.block),
    blocksUntilNextEpoch: next === null ? Number.MAX_SAFE_INTEGER : next - st.block - 1,
  }
}
