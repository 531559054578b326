/**
 * Creating an embedding subnet from the UI: what it costs now, then register_network with an
 * identity that declares the text-embedding protocol and start_call, in the background with
 * progress as `chain.subnetCreation` events (as registration reports `chain.tx`).
 */
import crypto from 'node:crypto'
import { ChainError, extrinsicFee, networkLockInfo, registerNetwork, registerNetworkExtrinsic, startCall } from '../../bittensor/chain'
import type { SubnetIdentity, TxStatus } from '../../bittensor/chain'
import type { EventSink, Handlers, SubnetCost, SubnetCreationProgress } from '../../contract'
import { EngineError, formatTao, parseTao } from '../../contract'
import type { Logger } from '../../platform/logging'
import { EMBEDDING_DECLARATION } from '../../protocols/text-embedding/identity'
import type { WalletService } from '../wallet'
import type { ChainService } from './chain-service'
import { chainEngineError } from './chain-service'

export interface SubnetCreationOptions {
  readonly chain: ChainService
  readonly wallet: WalletService
  readonly log: Logger
  readonly fire: EventSink['fire']
}

const RESERVE_RAO = 500n

function declaringIdentity(i: { name: string; githubRepo: string; contact: string; url: string; description: string }): SubnetIdentity {
  return { ...i, discord: '', logoUrl: '', additional: EMBEDDING_DECLARATION }
}

export function createSubnetCreation(o: SubnetCreationOptions): Pick<Handlers, 'chain.subnetCost' | 'chain.createSubnet'> {
  const hotkeyAddress = (wallet: string, hotkey: string): string => {
    const hk = o.wallet.get(wallet).hotkeys.find((h) => h.name === hotkey)
    if (!hk) throw new EngineError('NOT_FOUND', `Wallet "${wallet}" has no hotkey "${hotkey}". Create one on the Wallet page.`)
    if (!hk.address) throw new EngineError('BAD_REQUEST', `The address of hotkey "${hotkey}" is unknown (${hk.problem ?? 'no public file'}).`)
    return hk.address
  }
  const sampleIdentity = declaringIdentity({ name: 'x', githubRepo: '', contact: '', url: '', description: '' })

  const cost = async (wallet: string | undefined): Promise<SubnetCost> => {
    const client = await o.chain.client()
    try {
      const info = await networkLockInfo(client)
      const coldkey = wallet ? o.wallet.get(wallet).coldkey.address : null
      const fee = coldkey ? await extrinsicFee(client, coldkey, registerNetworkExtrinsic(client, coldkey, sampleIdentity)).catch(() => null) : null
      return { lockRao: String(info.lockRao), minLockRao: String(info.minLockRao), feeRao: fee === null ? null : String(fee), blocksUntilAllowed: info.blocksUntilAllowed, block: info.block, declaration: EMBEDDING_DECLARATION }
    } catch (error) {
      throw chainEngineError(error)
    }
  }

  return {
    'chain.subnetCost': ({ wallet }) => cost(wallet),
    'chain.createSubnet': async (p) => {
      const hotkey = hotkeyAddress(p.wallet, p.hotkey)
      const signer = o.chain.coldkeySigner(p.wallet)
      const maxLock = parseTao(p.maxLockTao)
      const now = await cost(p.wallet)
      const lock = BigInt(now.lockRao)
      if (now.blocksUntilAllowed > 0) throw new EngineError('BAD_REQUEST', `The chain allows one new subnet every so often; the next can be created in ${now.blocksUntilAllowed} blocks. Try again then.`)
      if (lock > maxLock) throw new EngineError('BAD_REQUEST', `Creating a subnet locks ${formatTao(lock)} TAO now, above your maximum of ${formatTao(maxLock)} TAO. Raise the maximum or wait: the lock falls block by block.`)
      const client = await o.chain.client()
      const free = await client.balance(signer.address).catch((e: unknown) => Promise.reject(chainEngineError(e)))
      const fee = BigInt(now.feeRao ?? '0')
      if (free < lock + fee + RESERVE_RAO) {
        const advice = o.chain.network === 'devnet' ? ' Use "Get practice TAO" to fund it.' : ' Transfer TAO to the coldkey first.'
        throw new EngineError('BAD_REQUEST', `The coldkey of "${p.wallet}" holds ${formatTao(free)} TAO; creating a subnet locks ${formatTao(lock)} TAO plus a fee of about ${formatTao(fee)} TAO.${advice}`)
      }

      const operationId = crypto.randomUUID()
      let last: SubnetCreationProgress = { operationId, step: 'register', stage: 'checking', netuid: null, lockRao: now.lockRao, blockHash: null, done: false, error: null, time: Date.now() }
      const report = (patch: Partial<SubnetCreationProgress>): void => {
        last = { ...last, ...patch, time: Date.now() }
        o.fire('chain.subnetCreation', last)
      }
      const onStatus = (st: TxStatus): void => report({ stage: st.stage, blockHash: 'blockHash' in st ? st.blockHash : last.blockHash })
      report({})
      o.log.info('Creating a subnet', { wallet: p.wallet, hotkey, lockRao: now.lockRao, maxLockRao: String(maxLock) })
      void (async () => {
        try {
          const r = await registerNetwork(client, signer, hotkey, declaringIdentity(p.identity), maxLock, onStatus)
          o.log.info('Subnet created', { netuid: r.netuid, lockRao: r.lockRao, block: r.blockNumber })
          report({ netuid: r.netuid, lockRao: r.lockRao, stage: 'finalized', blockHash: r.blockHash, done: !p.startEmission })
          if (!p.startEmission) return
          report({ step: 'startCall', stage: 'checking', blockHash: null })
          const s = await startCall(client, signer, r.netuid, onStatus)
          report({ stage: 'finalized', blockHash: s.blockHash, done: true })
          o.log.info('Subnet emission started', { netuid: r.netuid, block: s.blockNumber })
        } catch (error) {
          const e = error instanceof ChainError || error instanceof EngineError ? { code: error.code, message: error.message } : { code: 'Client.Error', message: String(error) }
          report({ stage: 'failed', done: true, error: e })
          o.log.warn('Creating the subnet failed', { step: last.step, code: e.code, error: e.message })
        }
      })()
      return { operationId, lockRao: now.lockRao }
    },
  }
}
