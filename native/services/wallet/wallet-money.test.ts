import { ApiPromise } from '@polkadot/api'
import { hexToU8a, u8aToHex } from '@polkadot/util'
import { afterEach, describe, expect, it } from 'vitest'
import { ChainClient, devSigner } from '../../bittensor/chain'
import { DevnetNode, DevnetProvider } from '../../bittensor/devnet'
import { SUBTENSOR_SIGNED_EXTENSIONS } from '../../bittensor/chain/signed-extensions'
import type { ActivityEntry, ExtrinsicEvent } from '../../contract'
import { EngineError } from '../../contract'
import { estimateFee } from '../../bittensor/chain/core/fees'
import { chainClientSource, extrinsicFor } from './chain-adapter'
import { serviceHarness } from './test-support/service-harness'

const LOW = { opslimit: 3, memlimit: 1024 * 1024 }
const TAO = 1_000_000_000n
const PASSWORD = 'Tr1cky pass!'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setup() {
  const node = await DevnetNode.create({ tempo: 50 })
  cleanups.push(() => node.dispose())
  const source = chainClientSource({ network: 'devnet', devnet: node })
  cleanups.push(() => source.dispose?.())
  const h = serviceHarness(LOW, { chain: source })
  cleanups.push(() => h.close())
  const created = await h.service.create({ name: 'alice', hotkey: 'miner', words: 12, password: PASSWORD })
  const coldkey = created.wallet.coldkey.address!
  const hotkey = created.wallet.hotkeys[0]!.address!
  node.faucet(coldkey, 100n * TAO)
  const extrinsics = () => h.events.filter((e) => e.name === 'wallet.extrinsic').map((e) => e.payload as ExtrinsicEvent)
  const activity = (id: number) => h.service.activity('alice', 100).find((a) => a.id === id) as ActivityEntry
  return { node, h, coldkey, hotkey, extrinsics, activity }
}

describe('wallet money on the practice devnet', () => {
  it('reads the balance, refuses to sign while locked, transfers with a confirmation estimate and shows finalized', async () => {
    const { h, coldkey, extrinsics, activity } = await setup()
    const bob = (await devSigner('//Bob')).address
    const before = await h.service.balances('alice')
    expect(before).toMatchObject({ wallet: 'alice', network: 'devnet', coldkey, free: String(100n * TAO), stakes: [] })

    const call = { kind: 'transfer' as const, to: bob, amount: String(10n * TAO) }
    const est = await h.service.estimate('alice', call)
    // The practice chain answers TransactionPaymentApi.query_info with subtensor's fee formula.
    expect(est).toMatchObject({ free: String(100n * TAO), summary: expect.stringContaining(`Transfer 10 TAO to ${bob}`) })
    expect(est.note).toBeNull()
    const fee = BigInt(est.fee!)
    expect(fee).toBeGreaterThan(100_000n)
    expect(fee).toBeLessThan(1_000_000n)
    expect(est.total).toBe(String(10n * TAO + fee))
    expect(est.enough).toBe(true)

    await expect(h.service.submit('alice', call)).rejects.toMatchObject({ code: 'LOCKED' })
    await h.service.unlock({ name: 'alice', password: PASSWORD, minutes: 5 })
    const { id, done } = await h.service.submit('alice', call)
    expect(activity(id)).toMatchObject({ kind: 'transfer', status: 'pending' })
    const outcome = await done
    expect(outcome.ok).toBe(true)
    const stages = extrinsics().filter((e) => e.id === id).map((e) => e.stage)
    expect(stages[0]).toBe('signing')
    expect(stages).toContain('submitted')
    expect(stages).toContain('inBlock')
    expect(stages.at(-1)).toBe('finalized')
    const final = extrinsics().filter((e) => e.id === id).at(-1)!
    expect(final.blockNumber).toBeGreaterThan(0)
    expect(final.blockHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(activity(id)).toMatchObject({ status: 'ok', message: expect.stringMatching(/finalized in block #\d+/) })
    const after = await h.service.balances('alice')
    // Exactly the amount plus the estimated fee left the account.
    expect(after.free).toBe(String(90n * TAO - fee))
    // The activity update went out as an event, so the UI can refresh the row.
    expect(h.events.filter((e) => e.name === 'wallet.activity' && (e.payload as ActivityEntry).id === id).map((e) => (e.payload as ActivityEntry).status)).toEqual(['pending', 'ok'])
  })

  it('insufficient balance fails with the decoded module error and moves nothing but the fee', async () => {
    const { h, extrinsics, activity } = await setup()
    const bob = (await devSigner('//Bob')).address
    await h.service.unlock({ name: 'alice', password: PASSWORD, minutes: 5 })
    const call = { kind: 'transfer' as const, to: bob, amount: String(500n * TAO) }
    const est = await h.service.estimate('alice', call)
    expect(est.enough).toBe(false)
    const fee = BigInt(est.fee!)
    const { id, done } = await h.service.submit('alice', call)
    const outcome = await done
    expect(outcome).toMatchObject({ ok: false, errorCode: 'Balances.InsufficientBalance' })
    expect(!outcome.ok && outcome.error).toMatch(/InsufficientBalance/)
    const last = extrinsics().filter((e) => e.id === id).at(-1)!
    expect(last).toMatchObject({ stage: 'failed', errorCode: 'Balances.InsufficientBalance' })
    expect(activity(id)).toMatchObject({ status: 'failed', message: expect.stringContaining('Balances.InsufficientBalance') })
    // Nothing moved but the fee, which a failed call pays too (as on the real chain).
    expect((await h.service.balances('alice')).free).toBe(String(100n * TAO - fee))
    // Keep-alive: sending everything left after the fee would leave less than the existential deposit.
    const rest = 100n * TAO - 2n * fee
    const all = await (await h.service.submit('alice', { kind: 'transfer', to: bob, amount: String(rest) })).done
    expect(all).toMatchObject({ ok: false, errorCode: 'Balances.Expendability' })
    expect((await h.service.balances('alice')).free).toBe(String(100n * TAO - 2n * fee))
  })

  it('stake and unstake change the stake read back, per hotkey and subnet; too much fails with the module error', async () => {
    const { node, h, hotkey, coldkey } = await setup()
    await h.service.unlock({ name: 'alice', password: PASSWORD, minutes: 5 })
    // add_stake needs a hotkey known to the chain: register the wallet's hotkey with its coldkey.
    const client = await ChainClient.connect({ network: 'devnet', devnet: node })
    cleanups.push(() => client.release())
    await client.register(h.service.coldkeySigner('alice'), 5, hotkey, TAO)
    const freeAfterRegister = BigInt((await h.service.balances('alice')).free)

    const stakeFee = BigInt((await h.service.estimate('alice', { kind: 'stake', hotkey, netuid: 5, amount: String(5n * TAO) })).fee!)
    const staked = await (await h.service.submit('alice', { kind: 'stake', hotkey, netuid: 5, amount: String(5n * TAO) })).done
    expect(staked.ok).toBe(true)
    let b = await h.service.balances('alice')
    expect(b.stakes).toEqual([{ hotkey, hotkeyName: 'miner', netuid: 5, alpha: String(5n * TAO) }])
    expect(BigInt(b.free)).toBe(freeAfterRegister - 5n * TAO - stakeFee)

    const est = await h.service.estimate('alice', { kind: 'unstake', hotkey, netuid: 5, amount: String(6n * TAO) })
    expect(est.enough).toBe(false)
    const tooMuch = await (await h.service.submit('alice', { kind: 'unstake', hotkey, netuid: 5, amount: String(6n * TAO) })).done
    expect(tooMuch).toMatchObject({ ok: false, errorCode: 'SubtensorModule.NotEnoughStakeToWithdraw' })

    const unstakeFee = BigInt(est.fee!)
    const unstaked = await (await h.service.submit('alice', { kind: 'unstake', hotkey, netuid: 5, amount: String(2n * TAO) })).done
    expect(unstaked.ok).toBe(true)
    b = await h.service.balances('alice')
    expect(b.stakes).toEqual([{ hotkey, hotkeyName: 'miner', netuid: 5, alpha: String(3n * TAO) }])
    // Stake, a refused unstake and an unstake each paid their fee (same length, same fee for both unstakes).
    expect(BigInt(b.free)).toBe(freeAfterRegister - 3n * TAO - stakeFee - 2n * unstakeFee)

    const broke = await (await h.service.submit('alice', { kind: 'stake', hotkey, netuid: 5, amount: String(1000n * TAO) })).done
    expect(broke).toMatchObject({ ok: false, errorCode: 'SubtensorModule.NotEnoughBalanceToStake' })
    const noSubnet = await (await h.service.submit('alice', { kind: 'stake', hotkey, netuid: 42, amount: String(TAO) })).done
    expect(noSubnet).toMatchObject({ ok: false, errorCode: 'SubtensorModule.SubnetNotExists' })

    // Someone else's hotkey (a delegate) the coldkey stakes to shows up too, without a name.
    const delegate = await devSigner('//Dave//hot')
    await client.register(await devSigner('//Dave'), 5, delegate.address, TAO)
    expect((await (await h.service.submit('alice', { kind: 'stake', hotkey: delegate.address, netuid: 5, amount: String(TAO) })).done).ok).toBe(true)
    b = await h.service.balances('alice')
    expect(b.stakes).toContainEqual({ hotkey: delegate.address, hotkeyName: null, netuid: 5, alpha: String(TAO) })
    expect(b.coldkey).toBe(coldkey)
  })

  it('stakes through add_stake_limit at the price shown plus the default 0.5 % slippage; a limit below the price is refused in plain words', async () => {
    const { node, h, hotkey } = await setup()
    await h.service.unlock({ name: 'alice', password: PASSWORD, minutes: 5 })
    const client = await ChainClient.connect({ network: 'devnet', devnet: node })
    cleanups.push(() => client.release())
    await client.register(h.service.coldkeySigner('alice'), 5, hotkey, TAO)
    const call = { kind: 'stake' as const, hotkey, netuid: 5, amount: String(5n * TAO) }

    const est = await h.service.estimate('alice', call)
    // SwapRuntimeApi.current_alpha_price: 1.0 on the practice subnet; limit = floor(price · 1.005).
    expect(est.price).toEqual({ expected: '1000000000', limit: '1005000000', slippagePercent: 0.5, allowPartial: false, source: 'runtime-api' })
    expect(est.call).toEqual({ ...call, limitPrice: '1005000000', allowPartial: false })
    expect(est.summary).toContain('price limit at most 1.005 TAO per alpha')
    const staked = await (await h.service.submit('alice', est.call)).done
    expect(staked.ok).toBe(true)
    const block = await client.api.rpc.chain.getBlock((staked as { blockHash: string }).blockHash)
    const sent = block.block.extrinsics.map((x) => `${x.method.section}.${x.method.method}:${JSON.stringify(x.method.args.map((a) => a.toString()))}`)
    expect(sent).toContainEqual(`subtensorModule.addStakeLimit:${JSON.stringify([hotkey, '5', String(5n * TAO), '1005000000', 'false'])}`)
    expect((await h.service.balances('alice')).stakes).toEqual([{ hotkey, hotkeyName: 'miner', netuid: 5, alpha: String(5n * TAO) }])

    // The slippage setting and a per-call tolerance feed the limit of an unstake (price × (1 − tolerance)).
    h.store.settings.writeMany({ stakeSlippagePercent: 2 })
    expect((await h.service.estimate('alice', { kind: 'unstake', hotkey, netuid: 5, amount: String(TAO) })).price?.limit).toBe('980000000')
    expect((await h.service.estimate('alice', { kind: 'unstake', hotkey, netuid: 5, amount: String(TAO) }, 1)).price?.limit).toBe('990000000')

    // A limit below the price: the chain refuses the whole stake (fill-or-kill); the user reads what happened and what to do.
    const refused = await (await h.service.submit('alice', { ...call, limitPrice: '999000000' })).done
    expect(refused).toMatchObject({ ok: false, errorCode: 'SubtensorModule.SlippageTooHigh' })
    const message = (refused as { error: string }).error
    expect(message).toContain('Nothing was staked: the alpha price would rise above your limit of 0.999 TAO per alpha')
    expect(message).toContain('allow more slippage')
    expect(message).toContain('The chain said: SlippageTooHigh')
    expect((await h.service.balances('alice')).stakes).toEqual([{ hotkey, hotkeyName: 'miner', netuid: 5, alpha: String(5n * TAO) }])
    // The same limit with a partial fill allowed: nothing fits under it on a fixed price, so the chain says too little.
    const partial = await (await h.service.submit('alice', { ...call, limitPrice: '999000000', allowPartial: true })).done
    expect(partial).toMatchObject({ ok: false, errorCode: 'SubtensorModule.AmountTooLow', error: expect.stringContaining('too small') })
  })

  it('refuses bad addresses and reports a missing chain clearly', async () => {
    const { h } = await setup()
    await expect(h.service.estimate('alice', { kind: 'transfer', to: '1FRMM8PEiWXYax7rpS6X4XZX1aAAxSWx1CrKTyrVYhV24fg', amount: '1' })).rejects.toThrow(/SS58 format 42/)
    const bare = serviceHarness(LOW)
    cleanups.push(() => bare.close())
    await bare.service.create({ name: 'x', hotkey: 'default', words: 12, password: PASSWORD })
    await expect(bare.service.balances('x')).rejects.toBeInstanceOf(EngineError)
    await expect(bare.service.balances('x')).rejects.toThrow(/No Bittensor network/)
  })
})

describe('fee estimate from payment info', () => {
  it('asks the node (TransactionPaymentApi.query_info over a fake-signed extrinsic) and reports its partialFee', async () => {
    const node = await DevnetNode.create({ tempo: 50 })
    cleanups.push(() => node.dispose())
    const asked: string[] = []
    // A node that serves payment info: the practice chain plus TransactionPaymentApi.query_info.
    class PayingProvider extends DevnetProvider {
      override async send<T = unknown>(method: string, params: unknown[]): Promise<T> {
        if (method === 'state_call' && params[0] === 'TransactionPaymentApi_query_info') {
          const { output } = node.codec.runtimeApi('TransactionPaymentApi_query_info')
          const len = node.codec.registry.createType('u32', hexToU8a(String(params[1])).subarray(-4)).toNumber()
          asked.push(String(params[1]))
          const info = node.codec.registry.createType(output, { weight: { refTime: 200_000_000, proofSize: 3_000 }, class: 'Normal', partialFee: 125_000 + len })
          return u8aToHex(info.toU8a()) as T
        }
        return super.send(method, params)
      }
    }
    const api = await ApiPromise.create({ provider: new PayingProvider(node), signedExtensions: SUBTENSOR_SIGNED_EXTENSIONS, noInitWarn: true })
    cleanups.push(() => api.disconnect())
    const alice = (await devSigner('//Alice')).address
    const bob = (await devSigner('//Bob')).address
    const tx = extrinsicFor(api, { kind: 'transfer', to: bob, amount: String(TAO) })
    const fee = await estimateFee(api, alice, tx)
    expect(asked).toHaveLength(1)
    expect(fee.note).toBeNull()
    expect(BigInt(fee.feeRao!)).toBeGreaterThan(125_000n)
    // Without the runtime API on the node, the estimate says so instead of guessing.
    class NoPaymentProvider extends DevnetProvider {
      override async send<T = unknown>(method: string, params: unknown[]): Promise<T> {
        if (method === 'state_call' && String(params[0]).startsWith('TransactionPayment')) {
          throw new Error(`-32000: Client error: Execution failed: Other: Exported method ${String(params[0])} is not found`)
        }
        return super.send(method, params)
      }
    }
    const plain = await ApiPromise.create({ provider: new NoPaymentProvider(node), signedExtensions: SUBTENSOR_SIGNED_EXTENSIONS, noInitWarn: true })
    cleanups.push(() => plain.disconnect())
    const none = await estimateFee(plain, alice, extrinsicFor(plain, { kind: 'transfer', to: bob, amount: String(TAO) }))
    expect(none.feeRao).toBeNull()
    expect(none.note).toMatch(/could not estimate the fee|payment info/)
  })
})
