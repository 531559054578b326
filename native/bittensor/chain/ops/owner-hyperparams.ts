/**
 * The hyperparameters a subnet owner's coldkey may set itself, per subtensor 14bc6f9f. Others in the
 * issue's list are root-only there and are not offered: `sudo_set_tempo` (admin-utils lib.rs:982-983;
 * owners use SubtensorModule.set_tempo, `coinbase/tempo_control.rs:12-33`, 360..=50400) and
 * `sudo_set_weights_set_rate_limit` (lib.rs:374-379). Owner calls are refused in the last
 * AdminFreezeWindow blocks before an epoch and allowed once per OwnerHyperparamRateLimit tempos each
 * (utils/misc.rs:38-106, utils/rate_limiting.rs:44-47).
 */
import type { Signer } from '../../keys/signer'
import { requireCall } from '../core/calls'
import type { ChainContext } from '../core/context'
import type { Extrinsic } from '../core/submit'
import { submit } from '../core/submit'
import type { TxResult, TxStatus } from '../types'

export interface OwnerHyperparameter {
  readonly key: OwnerHyperparameterKey
  readonly label: string
  readonly pallet: 'subtensorModule' | 'adminUtils'
  readonly call: string
  readonly kind: 'number' | 'boolean'
  readonly min?: number
  readonly max?: number
}

export type OwnerHyperparameterKey = 'tempo' | 'immunityPeriod' | 'minAllowedWeights' | 'maxAllowedUids' | 'commitReveal'

export const OWNER_HYPERPARAMETERS: readonly OwnerHyperparameter[] = [
  { key: 'tempo', label: 'Tempo (blocks per epoch)', pallet: 'subtensorModule', call: 'setTempo', kind: 'number', min: 360, max: 50_400 },
  { key: 'immunityPeriod', label: 'Immunity period (blocks)', pallet: 'adminUtils', call: 'sudoSetImmunityPeriod', kind: 'number', min: 0, max: 65_535 },
  { key: 'minAllowedWeights', label: 'Minimum weights per validator', pallet: 'adminUtils', call: 'sudoSetMinAllowedWeights', kind: 'number', min: 0, max: 65_535 },
  { key: 'maxAllowedUids', label: 'Maximum uids', pallet: 'adminUtils', call: 'sudoSetMaxAllowedUids', kind: 'number', min: 1, max: 256 },
  { key: 'commitReveal', label: 'Commit-reveal weights', pallet: 'adminUtils', call: 'sudoSetCommitRevealWeightsEnabled', kind: 'boolean' },
]

export function ownerHyperparameter(key: string): OwnerHyperparameter | undefined {
  return OWNER_HYPERPARAMETERS.find((h) => h.key === key)
}

export function ownerHyperparameterExtrinsic(ctx: ChainContext, netuid: number, h: OwnerHyperparameter, value: number | boolean): Extrinsic {
  return requireCall(ctx.api, h.pallet, h.call, `${h.pallet}.${h.call}`)(netuid, value)
}

export function setOwnerHyperparameter(ctx: ChainContext, signer: Signer, netuid: number, h: OwnerHyperparameter, value: number | boolean, onStatus?: (s: TxStatus) => void): Promise<TxResult> {
  return submit(ctx, ownerHyperparameterExtrinsic(ctx, netuid, h, value), signer, { onStatus })
}
