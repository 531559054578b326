/**
 * Hyperparameters in one runtime call: `SubnetInfoRuntimeApi.get_subnet_hyperparams_v3` (a list of
 * named, tagged values, `rpc_info/subnet_info.rs:126-173,468-640`), else `_v2` (a struct with the
 * same field names). Neither carries `MaxAllowedUids`, the current `Burn` or the global
 * `CommitRevealWeightsVersion`; those stay storage reads.
 */
import type { ChainContext } from '../core/context'
import type { Hyperparameters } from '../types'

type Value = string | boolean
type Named = ReadonlyMap<string, Value>

interface EntryCodec {
  readonly name: { toUtf8(): string }
  readonly value: { readonly type: string; readonly value: { readonly isTrue?: boolean; toString(): string } }
}

type RuntimeCall = (netuid: number) => Promise<{ isNone: boolean; unwrap(): unknown }>

function subnetInfoApi(ctx: ChainContext): Record<string, RuntimeCall | undefined> | undefined {
  return (ctx.api.call as unknown as Record<string, Record<string, RuntimeCall | undefined> | undefined>).subnetInfoRuntimeApi
}

/** `HyperparamEntry` list → name → value (booleans as booleans, every number as its decimal text). */
export function namedFromV3(entries: readonly EntryCodec[]): Named {
  return new Map(entries.map((e) => [e.name.toUtf8(), e.value.type === 'Bool' ? e.value.value.isTrue === true : e.value.value.toString()]))
}

/** The V2 struct's JSON (camelCase keys) → the same snake_case names V3 uses. */
export function namedFromV2(json: Record<string, unknown>): Named {
  return new Map(Object.entries(json).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), typeof v === 'boolean' ? v : String(v)]))
}

/** The part of {@link Hyperparameters} the runtime API answers; throws when a field is missing. */
export function hyperparamsFromNamed(named: Named): Omit<Hyperparameters, 'maxAllowedUids' | 'burn' | 'commitRevealVersion'> {
  const get = (name: string): Value => {
    const v = named.get(name)
    if (v === undefined) throw new Error(`the runtime's hyperparameters lack ${name}`)
    return v
  }
  const num = (name: string): number => Number(get(name))
  const flag = (name: string): boolean => get(name) === true
  return {
    tempo: num('tempo'),
    weightsRateLimit: num('weights_rate_limit'),
    weightsVersionKey: num('weights_version'),
    commitRevealEnabled: flag('commit_reveal_weights_enabled'),
    revealPeriodEpochs: num('commit_reveal_period'),
    minAllowedWeights: num('min_allowed_weights'),
    maxWeightsLimit: num('max_weights_limit'),
    maxAllowedValidators: num('max_validators'),
    immunityPeriod: num('immunity_period'),
    activityCutoff: num('activity_cutoff'),
    kappa: num('kappa'),
    bondsMovingAverage: num('bonds_moving_avg'),
    servingRateLimit: num('serving_rate_limit'),
    registrationAllowed: flag('registration_allowed'),
    minBurn: String(get('min_burn')),
    maxBurn: String(get('max_burn')),
    yuma3: named.has('yuma_version') ? num('yuma_version') === 3 : null,
    liquidAlpha: flag('liquid_alpha_enabled'),
  }
}

/**
 * The subnet's hyperparameters from the newest runtime API the metadata declares; undefined when
 * it declares none, the subnet is missing (None), or the call fails (the caller reads storage).
 */
export async function readHyperparamsApi(ctx: ChainContext, netuid: number): Promise<ReturnType<typeof hyperparamsFromNamed> | undefined> {
  const api = subnetInfoApi(ctx)
  try {
    if (api?.getSubnetHyperparamsV3) {
      const answer = await api.getSubnetHyperparamsV3(netuid)
      return answer.isNone ? undefined : hyperparamsFromNamed(namedFromV3(answer.unwrap() as EntryCodec[]))
    }
    if (api?.getSubnetHyperparamsV2) {
      const answer = await api.getSubnetHyperparamsV2(netuid)
      return answer.isNone ? undefined : hyperparamsFromNamed(namedFromV2((answer.unwrap() as { toJSON(): Record<string, unknown> }).toJSON()))
    }
  } catch {
    // Declared but failing (an older node behind the metadata, a runtime panic): storage answers instead.
  }
  return undefined
}
