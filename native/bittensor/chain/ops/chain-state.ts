/** Reads about the chain itself: best block, identity, balances. */
import type { ChainContext } from '../core/context'
import { cached } from '../core/context'
import type { ChainInfo } from '../types'

export async function blockNumber(ctx: ChainContext): Promise<number> {
  return (await ctx.api.rpc.chain.getHeader()).number.toNumber()
}

export async function chainInfo(ctx: ChainContext): Promise<ChainInfo> {
  const { api } = ctx
  const [chain, header, fin] = await Promise.all([api.rpc.system.chain(), api.rpc.chain.getHeader(), api.rpc.chain.getFinalizedHead()])
  const finHeader = await api.rpc.chain.getHeader(fin)
  const props = api.registry.getChainProperties()
  return cached(ctx, 'info', {
    network: ctx.network,
    endpoint: ctx.endpoint,
    chain: chain.toString(),
    specVersion: api.runtimeVersion.specVersion.toNumber(),
    block: header.number.toNumber(),
    finalized: finHeader.number.toNumber(),
    ss58Format: props?.ss58Format.unwrapOr(undefined)?.toNumber() ?? 42,
    tokenSymbol: props?.tokenSymbol.unwrapOr(undefined)?.[0]?.toString() ?? 'TAO',
  })
}

/** Free balance in rao. */
export async function balance(ctx: ChainContext, address: string): Promise<bigint> {
  const a = (await ctx.api.query.system!.account!(address)) as unknown as { data: { free: { toString(): string } } }
  const free = BigInt(a.data.free.toString())
  cached(ctx, `balance:${address}`, String(free))
  return free
}
