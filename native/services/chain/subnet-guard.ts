/**
 * The guard before money or effort is spent: registering, mining or validating on a subnet whose
 * identity does not declare the text-embedding protocol needs an explicit `force` (the CLI's
 * --force, the app's typed confirmation). One place for the engine, the miner, the validator and
 * the CLI.
 */
import type { SubnetIdentity } from '../../bittensor/chain/types'
import { EngineError } from '../../contract'
import type { SubnetProtocol } from '../../contract'
import type { GuardedAction } from '../../protocols/text-embedding/identity'
import { incompatibilityExplanation, protocolCompatibility } from '../../protocols/text-embedding/identity'

export type { GuardedAction } from '../../protocols/text-embedding/identity'

/** A subnet row with its protocol verdict added. */
export function withProtocol<T extends { readonly identity: SubnetIdentity | null }>(row: T): T & { protocol: SubnetProtocol } {
  return { ...row, protocol: protocolCompatibility(row.identity) }
}

/** How a network is named in explanations. */
export function networkName(network: string): string {
  return network === 'devnet' ? 'the practice network' : network === 'test' ? 'testnet' : network
}

/** The engine's guard as other services receive it ({@link ChainService.checkSubnet}): rejects with the explanation. */
export type SubnetCheck = (p: { action: GuardedAction; network?: string; netuid: number; force?: boolean }) => Promise<unknown>

export interface GuardedSubnet {
  readonly network: string
  readonly netuid: number
  readonly identity: SubnetIdentity | null
}

/**
 * Null when the subnet speaks the protocol (or `force` is set); otherwise the plain explanation of
 * why the action is refused. `force` on a subnet that does not speak it still returns null: the
 * caller logs that the user chose to go on.
 */
export function subnetRefusal(subnet: GuardedSubnet, action: GuardedAction, force: boolean): string | null {
  const compatibility = protocolCompatibility(subnet.identity)
  if (compatibility.verdict === 'speaks' || force) return null
  return incompatibilityExplanation({ ...subnet, network: networkName(subnet.network), compatibility }, action)
}

/** {@link subnetRefusal} as an EngineError for the RPC contract (the app shows the message and asks for a typed confirmation). */
export function assertSubnetSpeaks(subnet: GuardedSubnet, action: GuardedAction, force: boolean): void {
  const refusal = subnetRefusal(subnet, action, force)
  if (refusal) throw new EngineError('BAD_REQUEST', `${refusal} To go on anyway, confirm it (type the subnet's name or netuid in the app, or pass --force).`)
}
