/** RPCs only the practice network (devnet) answers. */
import type { ProviderInterface } from '@polkadot/rpc-provider/types'

/** Produces `count` blocks now. */
export async function produceBlocks(provider: ProviderInterface, count: number): Promise<string> {
  return (await provider.send('devnet_produceBlocks', [count])) as string
}

/**
 * Credits `amountRao` to an address from the faucet, in as many requests as the node's per-request
 * most (`faucetMax` of `devnet_info`) asks for, so callers never need to know that limit.
 */
export async function faucet(provider: ProviderInterface, address: string, amountRao: bigint): Promise<string> {
  const info = (await provider.send('devnet_info', [])) as { faucetMax?: string }
  const step = info.faucetMax && amountRao > 0n ? BigInt(info.faucetMax) : amountRao
  // Zero or less: one request, whose refusal says what the faucet gives.
  if (step <= 0n) return (await provider.send('devnet_faucet', [address, amountRao.toString()])) as string
  let last = ''
  for (let left = amountRao; left > 0n; left -= step) last = (await provider.send('devnet_faucet', [address, (left < step ? left : step).toString()])) as string
  return last
}
