/**
 * Follows the miner's subnet block by block and turns each read into a {@link MinerRewards}
 * view (assess.ts). One get_neurons_lite call and the alpha price per block; hyperparameters,
 * the owner and registration blocks once per epoch or when a uid changes hands. Reads never
 * overlap: a block that arrives during a read causes one more read afterwards.
 */
import type { ChainClient } from '../../../bittensor/chain/chain-client'
import type { MinerRewards } from '../../../contract'
import type { Logger } from '../../../platform/logging'
import { readNumber, subtensorItem } from '../../../bittensor/chain/core/storage'
import { readNeurons } from '../../../bittensor/chain/ops/neurons'
import type { AlphaPrice, BurnRule, RewardsNeuron } from './assess'
import { assessRewards } from './assess'

type QueryFn = ((...args: unknown[]) => Promise<{ toString(): string; toJSON(): unknown; isSome?: boolean }>) & {
  entries?: (...args: unknown[]) => Promise<Array<[{ args: Array<{ toString(): string }> }, { toString(): string }]>>
}

export interface RewardsFeedOptions {
  readonly network: string
  readonly netuid: number
  readonly hotkey: string
  readonly burn: BurnRule
  readonly onUpdate: (r: MinerRewards) => void
  readonly log?: Logger
}

interface Slow {
  readonly epoch: number
  readonly tempo: number
  readonly immunityPeriod: number
  readonly maxAllowedUids: number
  readonly ownerHotkey: string | null
  readonly ownerColdkey: string | null
  readonly minNonImmuneUids: number
  readonly immuneOwnerUidsLimit: number
  readonly registration: Map<number, number>
  readonly hotkeys: string
}

const PRACTICE_CHAIN = 'TaoDesk Practice Devnet'

export class ChainRewardsFeed {
  private reading: Promise<void> | undefined
  private again = false
  private disposed = false
  private unsubscribe: (() => void) | undefined
  private slow: Slow | undefined
  private chainName: string | undefined
  private failures = 0
  private last: MinerRewards | undefined

  constructor(
    private readonly client: ChainClient,
    private readonly o: RewardsFeedOptions,
  ) {}

  get current(): MinerRewards | undefined {
    return this.last
  }

  private q(item: string): QueryFn | undefined {
    return subtensorItem(this.client.api, item) as QueryFn | undefined
  }

  private async num(item: string, fallback: number, ...args: unknown[]): Promise<number> {
    const v = await readNumber(this.client.api, item, ...args)
    return v !== null && Number.isFinite(v) ? v : fallback
  }

  /** First read (throws when the chain cannot be read), then one read per new block. */
  async start(): Promise<MinerRewards> {
    await this.read()
    const unsub = await this.client.api.rpc.chain.subscribeNewHeads(() => void this.refresh().catch(() => undefined))
    if (this.disposed) unsub()
    else this.unsubscribe = unsub
    return this.last!
  }

  refresh(): Promise<void> {
    if (this.disposed) return Promise.resolve()
    if (this.reading) {
      this.again = true
      return this.reading
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false
        try {
          await this.read()
          if (this.failures > 0) this.o.log?.info('Rewards view reads work again', { netuid: this.o.netuid })
          this.failures = 0
        } catch (error) {
          if (++this.failures === 1) this.o.log?.warn('Could not read the rewards view; showing the last one', { netuid: this.o.netuid, error: error instanceof Error ? error.message : String(error) })
          throw error
        }
      } while (this.again && !this.disposed)
    }
    this.reading = run().finally(() => {
      this.reading = undefined
    })
    return this.reading
  }

  private async read(): Promise<void> {
    const { netuid } = this.o
    const [timing, rows, price] = await Promise.all([this.client.epochTiming(netuid), readNeurons(this.client, netuid), this.price()])
    const { block, epochIndex: epoch } = timing
    const hotkeys = rows.map((r) => `${r.uid}:${r.hotkey}`).join(',')
    let slow = this.slow
    if (!slow || slow.epoch !== epoch || slow.hotkeys !== hotkeys) slow = await this.readSlow(epoch, hotkeys)
    if (this.disposed) return
    this.slow = slow
    const neurons: RewardsNeuron[] = rows.map((r) => ({
      uid: r.uid,
      hotkey: r.hotkey,
      incentive: r.incentive,
      emission: r.emission,
      validatorPermit: r.validatorPermit,
      dividends: r.dividends,
      registrationBlock: slow.registration.get(r.uid) ?? r.registrationBlock,
      coldkey: r.coldkey,
    }))
    const view = assessRewards({
      network: this.o.network,
      netuid,
      hotkey: this.o.hotkey,
      block,
      tempo: timing.tempo,
      nextEpochBlock: timing.nextEpochBlock,
      immunityPeriod: slow.immunityPeriod,
      maxAllowedUids: slow.maxAllowedUids,
      ownerHotkey: slow.ownerHotkey,
      ownerColdkey: slow.ownerColdkey,
      minNonImmuneUids: slow.minNonImmuneUids,
      immuneOwnerUidsLimit: slow.immuneOwnerUidsLimit,
      neurons,
      price,
      burn: this.o.burn,
    })
    this.last = view
    this.o.onUpdate(view)
  }

  private async readSlow(epoch: number, hotkeys: string): Promise<Slow> {
    const { netuid } = this.o
    const [tempo, immunityPeriod, maxAllowedUids] = await Promise.all([this.num('tempo', 360, netuid), this.num('immunityPeriod', 4096, netuid), this.num('maxAllowedUids', 256, netuid)])
    const ownerF = this.q('subnetOwnerHotkey')
    const ownerHotkey = ownerF ? (await ownerF(netuid)).toString() || null : null
    const ownerColdF = this.q('subnetOwner')
    const ownerColdkey = ownerColdF ? (await ownerColdF(netuid)).toString() || null : null
    // Runtimes without the floor prune non-immune uids down to none (0); the limit then is the owner hotkey alone (1).
    const [minNonImmuneUids, immuneOwnerUidsLimit] = await Promise.all([this.num('minNonImmuneUids', 0, netuid), this.num('immuneOwnerUidsLimit', 1, netuid)])
    const registration = new Map<number, number>()
    const reg = this.q('blockAtRegistration')
    if (reg?.entries) {
      for (const [key, value] of await reg.entries(netuid)) registration.set(Number(key.args[1]!.toString()), Number(value.toString()))
    }
    return { epoch, tempo, immunityPeriod, maxAllowedUids, ownerHotkey, ownerColdkey, minNonImmuneUids, immuneOwnerUidsLimit, registration, hotkeys }
  }

  /** TAO per alpha: the swap runtime API, else the pool reserves, else 1:1 on the practice chain. */
  private async price(): Promise<AlphaPrice> {
    const { netuid } = this.o
    if (netuid === 0) return { tao: 1, source: 'root', note: 'The root subnet is valued 1:1 in TAO.' }
    this.chainName ??= (await this.client.api.rpc.system.chain()).toString()
    if (this.chainName === PRACTICE_CHAIN) return { tao: 1, source: 'practice', note: 'Practice network: alpha is valued 1:1 in practice TAO (it has no market).' }
    const call = (this.client.api.call as unknown as Record<string, Record<string, ((n: number) => Promise<{ toString(): string }>) | undefined> | undefined>).swapRuntimeApi
    if (call?.currentAlphaPrice) {
      try {
        const v = Number((await call.currentAlphaPrice(netuid)).toString()) / 1e9
        if (Number.isFinite(v) && v > 0) return { tao: v, source: 'runtime-api', note: 'Current alpha price from the subnet pool (SwapRuntimeApi.current_alpha_price).' }
      } catch {
        // fall back to the reserves
      }
    }
    const taoIn = this.q('subnetTAO')
    const alphaIn = this.q('subnetAlphaIn')
    if (taoIn && alphaIn) {
      const [t, a] = await Promise.all([taoIn(netuid), alphaIn(netuid)])
      const tao = Number(t.toString())
      const alpha = Number(a.toString())
      if (alpha > 0 && tao > 0) return { tao: tao / alpha, source: 'pool', note: 'Alpha price from the subnet pool reserves (SubnetTAO / SubnetAlphaIn).' }
    }
    return { tao: null, source: 'unknown', note: 'This chain does not expose an alpha price for the subnet, so the TAO value of the emission is unknown.' }
  }

  dispose(): void {
    this.disposed = true
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }
}
