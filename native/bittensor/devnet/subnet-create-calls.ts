/**
 * The subnet-owner calls the practice devnet executes (polkadot.js `section.method`), with their
 * dispatch weights. Kept apart from subnet-create.ts (which imports the runtime) so runtime.ts and
 * fees.ts can list them without an import cycle.
 */
import type { CallWeight } from './fees'

/**
 * Weights from subtensor 14bc6f9f `pallets/subtensor/src/weights.rs` (register_network :585-593,
 * start_call :993-1001, register_network_with_identity :1639-1647, set_tempo :2433-2441) and
 * `pallets/admin-utils/src/weights.rs` (sudo_set_max_allowed_uids :454, sudo_set_min_allowed_weights
 * :475, sudo_set_immunity_period :496, sudo_set_commit_reveal_weights_enabled :634). Root-only calls
 * (sudo_set_tempo, sudo_set_weights_set_rate_limit) are listed so a signed call fails as subtensor
 * fails it (BadOrigin) instead of being unknown; their weights are the same order of magnitude.
 */
export const SUBNET_OWNER_CALL_WEIGHTS: Readonly<Record<string, CallWeight>> = {
  'subtensorModule.registerNetwork': { refTime: 277_125_000n, reads: 40, writes: 48, paysFee: true },
  'subtensorModule.registerNetworkWithIdentity': { refTime: 275_041_000n, reads: 39, writes: 47, paysFee: true },
  'subtensorModule.startCall': { refTime: 39_454_000n, reads: 5, writes: 2, paysFee: true },
  'subtensorModule.setTempo': { refTime: 46_407_000n, reads: 6, writes: 3, paysFee: true },
  'adminUtils.sudoSetImmunityPeriod': { refTime: 34_414_000n, reads: 5, writes: 1, paysFee: true },
  'adminUtils.sudoSetMinAllowedWeights': { refTime: 34_664_000n, reads: 5, writes: 1, paysFee: true },
  'adminUtils.sudoSetMaxAllowedUids': { refTime: 43_381_000n, reads: 8, writes: 1, paysFee: true },
  'adminUtils.sudoSetCommitRevealWeightsEnabled': { refTime: 34_544_000n, reads: 5, writes: 1, paysFee: true },
  'adminUtils.sudoSetTempo': { refTime: 34_000_000n, reads: 5, writes: 1, paysFee: true },
  'adminUtils.sudoSetWeightsSetRateLimit': { refTime: 34_000_000n, reads: 5, writes: 1, paysFee: true },
}

export const SUBNET_OWNER_CALLS: readonly string[] = Object.keys(SUBNET_OWNER_CALL_WEIGHTS)
