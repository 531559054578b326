/** serve_axon, and the axon the chain holds for a hotkey (spec §6.3). */
import type { Signer } from '../../keys/signer'
import type { AxonJson } from '../core/axon-info'
import { requireCall } from '../core/calls'
import type { ChainContext } from '../core/context'
import { ChainError } from '../core/errors'
import { decodeIp, encodeIp } from '../core/ip'
import { subtensorItem } from '../core/storage'
import { submit } from '../core/submit'
import type { TxResult, TxStatus } from '../types'

export interface AxonOnChain {
  readonly ip: string
  readonly ipType: number
  readonly port: number
  readonly version: number
  readonly protocol: number
  readonly block: number
}

export interface AxonToServe {
  readonly ip: string
  readonly port: number
  readonly version?: number
  readonly protocol?: number
}

/** The axon `hotkey` published on `netuid`; undefined when none (or the runtime has no Axons storage). */
export async function axonOf(ctx: ChainContext, netuid: number, hotkey: string): Promise<AxonOnChain | undefined> {
  const f = subtensorItem(ctx.api, 'axons')
  if (!f) return undefined
  const opt = (await f(netuid, hotkey)) as { isSome: boolean; unwrap(): { toJSON(): unknown } }
  if (!opt.isSome) return undefined
  const a = opt.unwrap().toJSON() as AxonJson
  return { ip: decodeIp(BigInt(a.ip), a.ipType), ipType: a.ipType, port: a.port, version: a.version, protocol: a.protocol, block: a.block }
}

/** serve_axon; skipped (returns null) when the chain already holds the same axon. */
export async function serveAxon(ctx: ChainContext, signer: Signer, netuid: number, axon: AxonToServe, onStatus?: (s: TxStatus) => void): Promise<TxResult | null> {
  const { ip, ipType } = encodeIp(axon.ip)
  if (!Number.isInteger(axon.port) || axon.port < 1 || axon.port > 65535) throw new ChainError('Client.InvalidPort', 'The axon port must be from 1 to 65535.')
  const version = axon.version ?? 0
  const protocol = axon.protocol ?? 4
  const cur = await axonOf(ctx, netuid, signer.address)
  if (cur && cur.ipType === ipType && cur.ip === decodeIp(ip, ipType) && cur.port === axon.port && cur.version === version && cur.protocol === protocol) return null
  const call = requireCall(ctx.api, 'subtensorModule', 'serveAxon', 'SubtensorModule.serve_axon')
  return submit(ctx, call(netuid, version, ip, axon.port, ipType, protocol, 0, 0), signer, { onStatus })
}
