import type { Registry } from '@polkadot/types/types'

/** A failure the user can act on: a decoded module error, a rejected transaction, or a refusal. */
export class ChainError extends Error {
  constructor(
    /** e.g. "SubtensorModule.SettingWeightsTooFast", "Rpc.1010", "Client.PriceAboveMaximum". */
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'ChainError'
  }
}

/** Where a refused connection pointed, as Node reports it (`connect ECONNREFUSED 127.0.0.1:9944`). */
export interface RefusedConnection {
  readonly address: string | null
  readonly port: number | null
}

/**
 * The ECONNREFUSED inside whatever a connection attempt threw: the Node error itself, or inside a
 * WebSocket ErrorEvent (`error`) or a wrapper (`cause`). Null when the failure was something else.
 */
export function refusedConnection(thrown: unknown, depth = 0): RefusedConnection | null {
  if (!thrown || typeof thrown !== 'object' || depth > 3) return null
  const e = thrown as { code?: unknown; address?: unknown; port?: unknown; error?: unknown; cause?: unknown }
  if (e.code !== 'ECONNREFUSED') return refusedConnection(e.error, depth + 1) ?? refusedConnection(e.cause, depth + 1)
  return { address: typeof e.address === 'string' ? e.address : null, port: typeof e.port === 'number' ? e.port : null }
}

/**
 * Why a connection to `endpoint` failed, in a user's words: a refused connection says the node is
 * not running; anything else keeps its own message. WebSocket failures arrive as Events (no
 * message of their own, "[object Object]" once stringified), so those name the endpoint instead.
 */
export function connectionFailure(endpoint: string, thrown: unknown): string {
  if (refusedConnection(thrown)) return `Can't reach the node at ${endpoint}: it is not running or refuses connections.`
  const message = (thrown as { message?: unknown } | null)?.message
  if (typeof message === 'string' && message !== '') return `Can't reach the node at ${endpoint}: ${message.replace(/\.$/, '')}.`
  return `Can't reach the node at ${endpoint}: the connection failed.`
}

/** A dispatch error of an included extrinsic, named as the runtime metadata names it. */
export function dispatchError(registry: Registry, err: { isModule: boolean; asModule: unknown; toString(): string }): ChainError {
  if (err.isModule) {
    const meta = registry.findMetaError(err.asModule as never)
    const docs = meta.docs.join(' ').trim()
    return new ChainError(`${meta.section.charAt(0).toUpperCase()}${meta.section.slice(1)}.${meta.name}`, `${meta.name}${docs ? `: ${docs}` : ''}`)
  }
  return new ChainError('Dispatch.Other', `The chain rejected the transaction: ${err.toString()}`)
}

/** A refusal by the node's RPC or transaction pool (before inclusion), with advice where the code allows. */
export function rpcError(error: unknown): ChainError {
  const msg = error instanceof Error ? error.message : String(error)
  const m = /^(\d{4}):\s*(.*)$/.exec(msg)
  if (m) {
    const [, code, text] = m
    if (code === '1010' && /outdated|stale/i.test(text!)) return new ChainError('Rpc.1010', `The node says the transaction is stale (its nonce was already used): ${text}. Try again.`)
    if (code === '1010' && /pay some fees/i.test(text!)) return new ChainError('Rpc.1010', `The node refused the transaction: the sending account cannot pay the transaction fee and keep its existential deposit (${text}). Add TAO to it and try again.`)
    if (code === '1010' && /bad signature/i.test(text!)) return new ChainError('Rpc.1010', `The node rejected the signature: ${text}. Check that the right key signed.`)
    const custom = /Custom error:\s*(\d+)/i.exec(text!)
    if (code === '1010' && custom) return poolRefusal(Number(custom[1]))
    return new ChainError(`Rpc.${code}`, `The node rejected the transaction (${code}): ${text}`)
  }
  return new ChainError('Rpc.Error', `Could not submit the transaction: ${msg}`)
}

/**
 * `CustomTransactionError` codes of subtensor's transaction extension (network-2026 §4,
 * `common/src/transaction_error.rs:38-70`), each with what the user can do. Codes without an
 * emitter at HEAD stay: older runtimes used them for staking calls.
 */
export const POOL_REFUSALS: Readonly<Record<number, { readonly name: string; readonly advice: string }>> = {
  0: { name: 'ColdkeyInSwapSchedule', advice: 'This coldkey has announced a key swap; only swap calls are accepted until it completes or is cleared.' },
  1: { name: 'StakeAmountTooLow', advice: "The hotkey's stake is below the network's StakeThreshold for setting weights (or the amount is below the minimum). Add stake to the hotkey, then try again." },
  2: { name: 'BalanceTooLow', advice: 'The account balance is too low for this. Add TAO and try again.' },
  3: { name: 'SubnetNotExists', advice: 'The subnet does not exist on this network. Check the netuid.' },
  4: { name: 'HotkeyAccountDoesntExist', advice: 'The hotkey is not known on this network. Register it first.' },
  5: { name: 'NotEnoughStakeToWithdraw', advice: 'There is not that much stake to remove. Lower the amount.' },
  6: { name: 'RateLimitExceeded', advice: 'Sent too soon after the previous one (weights rate limit). Wait a few blocks, then try again.' },
  7: { name: 'InsufficientLiquidity', advice: "The subnet's pool has too little liquidity for this amount. Try a smaller amount." },
  8: { name: 'SlippageTooHigh', advice: 'The price moved past your limit. Try again, or allow more slippage.' },
  9: { name: 'TransferDisallowed', advice: 'Transfers of this stake are not allowed on this subnet.' },
  10: { name: 'HotKeyNotRegisteredInNetwork', advice: 'The hotkey is not registered on this subnet. Register it before serving.' },
  11: { name: 'InvalidIpAddress', advice: 'The chain does not accept this IP address (for example 127.0.0.1). Set a public IP address for the axon.' },
  12: { name: 'ServingRateLimitExceeded', advice: 'The axon was served too recently. Wait a few blocks, then try again.' },
  13: { name: 'InvalidPort', advice: 'Port 0 is not allowed. Set the axon port.' },
  14: { name: 'ZeroMaxAmount', advice: 'The limit amount is zero. Enter an amount.' },
  15: { name: 'InvalidRevealRound', advice: 'The drand round of this timelocked commit is already past. Commit again.' },
  16: { name: 'CommitNotFound', advice: 'The chain holds no commit matching these weights (it was revealed, expired, or never made). Sending it again cannot help; commit new weights.' },
  17: { name: 'CommitBlockNotInRevealRange', advice: "The commit exists but this is not its reveal epoch (too early, or already too late). TaoDesk reveals it when the subnet's epoch index reaches the commit's reveal epoch." },
  18: { name: 'InputLengthsUnequal', advice: 'The batch lists have different lengths.' },
  19: { name: 'UidNotFound', advice: 'The hotkey is not registered on this subnet.' },
  20: { name: 'EvmKeyAssociateRateLimitExceeded', advice: 'The EVM key was associated too recently. Wait, then try again.' },
  21: { name: 'ColdkeySwapDisputed', advice: "This coldkey's swap is disputed; its calls are refused until the dispute is settled." },
  22: { name: 'InvalidRealAccount', advice: 'The proxied account is not valid.' },
  23: { name: 'FailedShieldedTxParsing', advice: 'The shielded transaction could not be parsed.' },
  24: { name: 'InvalidShieldedTxPubKeyHash', advice: 'The shielded transaction names an unknown key.' },
  25: { name: 'NonAssociatedColdKey', advice: 'This coldkey does not own the hotkey. Sign with the hotkey\'s owner.' },
  26: { name: 'DelegateTakeTooLow', advice: 'The delegate take is below the minimum.' },
  27: { name: 'DelegateTakeTooHigh', advice: 'The delegate take is above the maximum.' },
  255: { name: 'BadRequest', advice: 'The chain refused the request as malformed (for example an IP type other than 4 or 6).' },
}

/** A `1010 Invalid Transaction: Custom error: N` refusal as `Pool.<Name>` with plain advice. */
export function poolRefusal(n: number): ChainError {
  const known = POOL_REFUSALS[n]
  if (!known) return new ChainError(`Pool.${n}`, `The node refused the transaction before inclusion (custom error ${n}); nothing was sent to a block.`)
  return new ChainError(`Pool.${known.name}`, `The node refused the transaction (${known.name}, custom error ${n}): ${known.advice}`)
}
