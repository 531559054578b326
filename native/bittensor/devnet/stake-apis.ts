/**
 * Runtime APIs of the practice network for stake, metagraph and hyperparameter reads, answered
 * from a block's state: `SubnetInfoRuntimeApi_get_metagraph`, `_get_selective_metagraph`,
 * `_get_subnet_hyperparams_v2`/`_v3`, and `SwapRuntimeApi_current_alpha_price`
 * (`pallets/swap/runtime-api/src/lib.rs`; the practice subnets are mechanism 0, price 1e9).
 */
import { Tuple } from '@polkadot/types-codec'
import { hexToU8a, u8aToHex } from '@polkadot/util'
import type { ChainCodec } from './codec'
import { hyperparamsV2Value, hyperparamsV3Value } from './hyperparams-api'
import { metagraphValue, selectiveMetagraphValue } from './metagraph-api'
import { PRACTICE_ALPHA_PRICE } from './stake-limit'
import type { StateStore } from './state'

export const STAKE_RUNTIME_APIS: ReadonlySet<string> = new Set([
  'SubnetInfoRuntimeApi_get_metagraph',
  'SubnetInfoRuntimeApi_get_selective_metagraph',
  'SubnetInfoRuntimeApi_get_subnet_hyperparams_v2',
  'SubnetInfoRuntimeApi_get_subnet_hyperparams_v3',
  'SwapRuntimeApi_current_alpha_price',
])

/** SCALE answer of one of {@link STAKE_RUNTIME_APIS}. */
export function answerStakeApi(codec: ChainCodec, state: StateStore, block: number, name: string, argsHex: string): string {
  const r = codec.registry
  const { inputs, output } = codec.runtimeApi(name)
  const args = new Tuple(r, inputs, hexToU8a(argsHex)) as unknown as Array<{ toJSON(): unknown }>
  const netuid = Number(args[0]!.toJSON())
  switch (name) {
    case 'SubnetInfoRuntimeApi_get_metagraph':
      return u8aToHex(r.createType(output, metagraphValue(state, netuid, block) ?? null).toU8a())
    case 'SubnetInfoRuntimeApi_get_selective_metagraph': {
      const indexes = (args[1]!.toJSON() as number[]).map(Number)
      return u8aToHex(r.createType(output, selectiveMetagraphValue(codec, state, netuid, block, indexes) ?? null).toU8a())
    }
    case 'SubnetInfoRuntimeApi_get_subnet_hyperparams_v2':
      return u8aToHex(r.createType(output, hyperparamsV2Value(codec, state, netuid)).toU8a())
    case 'SubnetInfoRuntimeApi_get_subnet_hyperparams_v3':
      return u8aToHex(r.createType(output, hyperparamsV3Value(codec, state, netuid)).toU8a())
    default:
      return u8aToHex(r.createType(output, PRACTICE_ALPHA_PRICE).toU8a())
  }
}
