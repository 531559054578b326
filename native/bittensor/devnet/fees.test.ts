import { ApiPromise } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ChainClient, ChainError } from '../chain/chain-client'
import { devSigner } from '../keys/dev-signer'
import { SUBTENSOR_SIGNED_EXTENSIONS } from '../chain/signed-extensions'
import { CALL_WEIGHTS, FeeSchedule, perbillMul } from './fees'
import { DevnetNode } from './node'
import { DevnetProvider } from './provider'

const TAO = 1_000_000_000n
const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  vi.restoreAllMocks()
})

async function setup() {
  const node = await DevnetNode.create({ tempo: 50 })
  cleanups.push(() => node.dispose())
  const client = await ChainClient.connect({ network: 'devnet', devnet: node })
  cleanups.push(() => client.release())
  return { node, client }
}

describe('practice devnet transaction fees', () => {
  it('uses the metadata constants and subtensor formula: base + length + Perbill(500_000)·weight', async () => {
    const { node } = await setup()
    const fees = node.fees
    // finney 424 metadata: BlockWeights normal base_extrinsic 108_157_000, RocksDb weights, ED 500.
    expect(fees.baseExtrinsicRefTime).toBe(108_157_000n)
    expect(fees.dbRead).toBe(25_000_000n)
    expect(fees.dbWrite).toBe(100_000_000n)
    expect(fees.existentialDeposit).toBe(500n)
    expect(perbillMul(500_000n, 1_000n)).toBe(0n) // 0.5 rounds down (ties down)
    expect(perbillMul(500_000n, 1_001n)).toBe(1n)
    expect(perbillMul(500_000n, 3_000n)).toBe(1n) // 1.5: ties round down
    expect(perbillMul(500_000n, 3_002n)).toBe(2n)
    const q = fees.quote('balances.transferKeepAlive', 150)
    const weight = 49_000_000n + 25_000_000n + 100_000_000n
    expect(q.weight.refTime).toBe(weight)
    expect(q.baseFee).toBe(54_078n) // 108_157_000 · 0.0005 = 54_078.5 -> ties down
    expect(q.lenFee).toBe(150n)
    expect(q.adjustedWeightFee).toBe(87_000n)
    expect(q.partialFee).toBe(54_078n + 150n + 87_000n)
    // Weights, commits, reveals and axons are Pays::No on subtensor.
    for (const call of ['subtensorModule.setWeights', 'subtensorModule.commitWeights', 'subtensorModule.revealWeights', 'subtensorModule.serveAxon']) {
      expect(fees.quote(call, 200).partialFee).toBe(0n)
    }
    expect(Object.keys(CALL_WEIGHTS).sort()).toEqual(
      [
        'balances.transferAllowDeath', 'balances.transferKeepAlive', 'subtensorModule.addStake', 'subtensorModule.burnedRegister', 'subtensorModule.commitWeights',
        'subtensorModule.registerLimit', 'subtensorModule.removeStake', 'subtensorModule.revealWeights', 'subtensorModule.serveAxon', 'subtensorModule.setWeights',
        'subtensorModule.setSubnetIdentity', 'subtensorModule.addStakeLimit', 'subtensorModule.removeStakeLimit',
        'subtensorModule.registerNetwork', 'subtensorModule.registerNetworkWithIdentity', 'subtensorModule.startCall', 'subtensorModule.setTempo',
        'adminUtils.sudoSetImmunityPeriod', 'adminUtils.sudoSetMinAllowedWeights', 'adminUtils.sudoSetMaxAllowedUids', 'adminUtils.sudoSetCommitRevealWeightsEnabled',
        'adminUtils.sudoSetTempo', 'adminUtils.sudoSetWeightsSetRateLimit',
      ].sort(),
    )
    expect(() => new FeeSchedule(node.codec).quote('system.remark', 10)).toThrow(/no weight/)
  })

  it('charges exactly what query_info estimated, reports it in TransactionFeePaid, and fee details add up', async () => {
    const { client } = await setup()
    const alice = await devSigner('//Alice')
    const bob = await devSigner('//Bob')
    const tx = client.api.tx.balances!.transferKeepAlive!(bob.address, 3n * TAO)
    const info = await tx.paymentInfo(alice.address)
    const estimate = info.partialFee.toBigInt()
    expect(estimate).toBeGreaterThan(100_000n)
    expect(info.weight.refTime.toBigInt()).toBe(174_000_000n)

    // Fee details over a signed extrinsic: base + length + weight = partial fee.
    const signed = client.api.tx.balances!.transferKeepAlive!(bob.address, 3n * TAO)
    await signed.signAsync(new Keyring({ type: 'sr25519' }).addFromUri('//Alice'), { nonce: 0, era: 64 })
    const details = (await client.api.call.transactionPaymentApi!.queryFeeDetails!(signed.toU8a(), signed.encodedLength)).toJSON() as {
      inclusionFee: { baseFee: number; lenFee: number; adjustedWeightFee: number } | null
    }
    expect(details.inclusionFee).not.toBeNull()
    const f = details.inclusionFee!
    expect(BigInt(f.baseFee + f.lenFee + f.adjustedWeightFee)).toBe(estimate)
    expect(f.lenFee).toBe(signed.encodedLength)
    // Unsigned, nothing is charged.
    const bare = client.api.tx.balances!.transferKeepAlive!(bob.address, 3n * TAO)
    expect((await client.api.call.transactionPaymentApi!.queryFeeDetails!(bare.toU8a(), bare.encodedLength)).toJSON()).toMatchObject({ inclusionFee: null })

    const before = await client.balance(alice.address)
    const r = await client.transfer(alice, bob.address, 3n * TAO)
    const after = await client.balance(alice.address)
    expect(before - after).toBe(3n * TAO + estimate)
    const paid = r.events.find((e) => e.section === 'transactionPayment' && e.method === 'TransactionFeePaid')
    expect(paid).toBeDefined()
    expect(paid!.data).toEqual([alice.address, Number(estimate), 0])
    const withdraw = r.events.find((e) => e.section === 'balances' && e.method === 'Withdraw')
    expect(withdraw!.data).toEqual([alice.address, Number(estimate)])
    const success = r.events.find((e) => e.method === 'ExtrinsicSuccess')!.data as [{ weight: { refTime: number }; paysFee: string }]
    expect(success[0]).toMatchObject({ weight: { refTime: 174_000_000 }, paysFee: 'Yes' })
    // The order of a real block: Withdraw (pre-dispatch), the call's events, fee paid, outcome.
    expect(r.events.map((e) => `${e.section}.${e.method}`)).toEqual(['balances.Withdraw', 'balances.Transfer', 'transactionPayment.TransactionFeePaid', 'system.ExtrinsicSuccess'])
  })

  it('charges the fee of a failed call too, and refuses accounts that cannot pay it (1010)', async () => {
    const { client, node } = await setup()
    const bob = await devSigner('//Bob')
    const poor = await devSigner('//Poor')
    node.faucet(poor.address, 1000n)
    const est = (await client.api.tx.balances!.transferKeepAlive!(bob.address, 10n ** 15n).paymentInfo(bob.address)).partialFee.toBigInt()
    const before = await client.balance(bob.address)
    const failed = await client.transfer(bob, poor.address, 10n ** 16n).then(() => undefined, (e: unknown) => e)
    expect((failed as ChainError).code).toBe('Balances.InsufficientBalance')
    expect(before - (await client.balance(bob.address))).toBe(est)

    const refused = await client.transfer(poor, bob.address, 100n).then(() => undefined, (e: unknown) => e)
    expect(refused).toBeInstanceOf(ChainError)
    expect((refused as ChainError).code).toBe('Rpc.1010')
    expect(await client.balance(poor.address)).toBe(1000n)
  })

  it('hotkeys with no balance still set weights and serve axons (Pays::No: no fee, TransactionFeePaid of 0)', async () => {
    const { client } = await setup()
    const alice = await devSigner('//Alice')
    const hot = await devSigner('//Alice//fees-hot')
    await client.register(alice, 5, hot.address, 10n * TAO)
    expect(await client.balance(hot.address)).toBe(0n)
    const info = await client.api.tx.subtensorModule!.serveAxon!(5, 1, 0xcb00710a, 8091, 4, 4, 0, 0).paymentInfo(hot.address)
    expect(info.partialFee.toBigInt()).toBe(0n)
    const r = await client.serveAxon(hot, 5, { ip: '203.0.113.10', port: 8091 })
    expect(r!.events.find((e) => e.method === 'TransactionFeePaid')?.data).toEqual([hot.address, 0, 0])
    expect(r!.events.find((e) => e.method === 'ExtrinsicSuccess')?.data).toMatchObject([{ paysFee: 'No' }])
    expect(r!.events.some((e) => e.method === 'Withdraw')).toBe(false)
    expect(await client.balance(hot.address)).toBe(0n)
  })

  it('serves StakeInfoRuntimeApi and the payment APIs without "method not found" errors on the console', async () => {
    const { node, client } = await setup()
    const errors: string[] = []
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.map(String).join(' ')))
    const alice = await devSigner('//Alice')
    const hot = await devSigner('//Alice//stake-hot')
    await client.register(alice, 5, hot.address, 10n * TAO)
    await client.addStake(alice, hot.address, 5, 5n * TAO)
    const rows = (await client.api.call.stakeInfoRuntimeApi!.getStakeInfoForColdkey!(alice.address)).toJSON() as Array<{ hotkey: string; netuid: number; stake: number; isRegistered: boolean }>
    expect(rows).toContainEqual(expect.objectContaining({ hotkey: hot.address, netuid: 5, stake: Number(5n * TAO), isRegistered: true }))
    const one = (await client.api.call.stakeInfoRuntimeApi!.getStakeInfoForHotkeyColdkeyNetuid!(hot.address, alice.address, 5)).toJSON() as { stake: number } | null
    expect(one?.stake).toBe(Number(5n * TAO))
    expect((await client.api.call.stakeInfoRuntimeApi!.getStakeInfoForHotkeyColdkeyNetuid!(hot.address, alice.address, 9)).toJSON()).toBeNull()
    const many = (await client.api.call.stakeInfoRuntimeApi!.getStakeInfoForColdkeys!([alice.address, (await devSigner('//Ferdie')).address])).toJSON() as Array<[string, unknown[]]>
    expect(many).toHaveLength(2)
    expect(many[1]![1]).toEqual([])
    expect((await client.api.call.transactionPaymentApi!.queryWeightToFee!({ refTime: 2_000_000, proofSize: 0 })).toString()).toBe('1000')
    expect((await client.api.call.transactionPaymentApi!.queryLengthToFee!(321)).toString()).toBe('321')
    const call = client.api.tx.subtensorModule!.addStake!(hot.address, 5, TAO)
    const callInfo = (await client.api.call.transactionPaymentCallApi!.queryCallInfo!(call.method.toU8a(), 140)).toJSON() as { partialFee: number }
    expect(BigInt(callInfo.partialFee)).toBe(node.fees.quote('subtensorModule.addStake', 140).partialFee)
    // A plain ApiPromise on the devnet reads balances and fees quietly.
    const api = await ApiPromise.create({ provider: new DevnetProvider(node), signedExtensions: SUBTENSOR_SIGNED_EXTENSIONS, noInitWarn: true })
    cleanups.push(() => api.disconnect())
    await api.tx.balances!.transferKeepAlive!(hot.address, TAO).paymentInfo(alice.address)
    await api.query.system!.account!(alice.address)
    expect(errors.filter((e) => /not found|RPC-CORE/.test(e))).toEqual([])
  })
})
