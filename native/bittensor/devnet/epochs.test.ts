import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import type { KeyringPair } from '@polkadot/keyring/types'
import type { SubmittableExtrinsic } from '@polkadot/api/types'
import { u8aConcat, u8aToHex } from '@polkadot/util'
import { blake2AsHex, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { DevnetNode, PRACTICE_NETUID } from './node'
import type { DevnetServer } from './ws-server'
import { startDevnetServer } from './ws-server'

/**
 * The practice network against subtensor 14bc6f9f (network-2026 §2-§5), seen by an independent
 * client: plain @polkadot/api over the devnet's WebSocket, nothing of TaoDesk's chain client.
 * Every expectation cites the subtensor source it follows (paths under pallets/subtensor/src/).
 */
const SUB = 'SubtensorModule'
const NETUID = PRACTICE_NETUID
const TEMPO = 20

// Subtensor's custom transaction extensions carry no data (runtime/src/lib.rs TxExtension).
const SIGNED_EXTENSIONS = {
  SudoTransactionExtension: { extrinsic: {}, payload: {} },
  CheckShieldedTxValidity: { extrinsic: {}, payload: {} },
  SubtensorTransactionExtension: { extrinsic: {}, payload: {} },
  DrandPriority: { extrinsic: {}, payload: {} },
  ChargeTransactionPaymentWrapper: { extrinsic: { tip: 'Compact<Balance>' }, payload: {} },
}

const open: Array<{ node: DevnetNode; server: DevnetServer; api: ApiPromise }> = []
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.api.disconnect()
    await o.server.close()
    o.node.dispose()
  }
})

async function setup(options: Parameters<typeof DevnetNode.create>[0] = {}) {
  await cryptoWaitReady()
  const node = await DevnetNode.create({ tempo: TEMPO, commitReveal: true, weightsRateLimit: 0, ...options })
  const server = await startDevnetServer(node, { port: 0 })
  const api = await ApiPromise.create({ provider: new WsProvider(`ws://127.0.0.1:${server.port}`), signedExtensions: SIGNED_EXTENSIONS, noInitWarn: true })
  open.push({ node, server, api })
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  return { node, api, alice: keyring.addFromUri('//Alice'), bob: keyring.addFromUri('//Bob'), hot: keyring.addFromUri('//Bob//epochs') }
}

type Api = Awaited<ReturnType<typeof setup>>['api']
const q = (api: Api) => api.query.subtensorModule!
const num = async (p: Promise<unknown>): Promise<number> => Number(String(await p))

/** Sends and waits for inclusion; resolves the module error name of a failed dispatch, or null. */
function send(api: Api, tx: SubmittableExtrinsic<'promise'>, who: KeyringPair): Promise<{ block: number; error: string | null }> {
  return new Promise((resolve, reject) => {
    tx.signAndSend(who, (r) => {
      // The practice chain's blocks are final at once: it may report Finalized without InBlock.
      if (!r.status.isInBlock && !r.status.isFinalized) return
      const failed = r.dispatchError
      const error = failed?.isModule ? api.registry.findMetaError(failed.asModule).name : failed ? failed.toString() : null
      void api.rpc.chain.getHeader(r.status.isInBlock ? r.status.asInBlock : r.status.asFinalized).then((h) => resolve({ block: h.number.toNumber(), error }), reject)
    }).catch(reject)
  })
}

/** The pool's answer: the custom error code of a `1010 Invalid Transaction: Custom error: N` refusal. */
async function poolCode(api: Api, tx: SubmittableExtrinsic<'promise'>, who: KeyringPair): Promise<number | string> {
  try {
    await tx.signAndSend(who)
    return 'admitted'
  } catch (error) {
    const m = /^1010: Invalid Transaction: Custom error: (\d+)$/.exec((error as Error).message)
    return m ? Number(m[1]) : (error as Error).message
  }
}

/** `get_commit_hash` (`subnets/weights.rs:1328-1337`): blake2_256(SCALE(hotkey, u16 netuid, uids, values, salt, u64 version)). */
function hashOf(api: Api, hotkey: string, uids: number[], values: number[], salt: number[], version = 0): string {
  const r = api.registry
  return blake2AsHex(u8aConcat(decodeAddress(hotkey), r.createType('u16', NETUID).toU8a(), r.createType('Vec<u16>', uids).toU8a(), r.createType('Vec<u16>', values).toU8a(), r.createType('Vec<u16>', salt).toU8a(), r.createType('u64', version).toU8a()), 256)
}

async function nextEpochStart(api: Api, netuid = NETUID): Promise<number | null> {
  const call = (api.call as unknown as Record<string, Record<string, (n: number) => Promise<{ isSome: boolean; unwrap(): unknown }>>>).subnetInfoRuntimeApi!
  const r = await call.getNextEpochStartBlock!(netuid)
  return r.isSome ? Number(String(r.unwrap())) : null
}

async function register(api: Api, coldkey: KeyringPair, hotkey: string): Promise<number> {
  const r = await send(api, api.tx.subtensorModule.burnedRegister!(NETUID, hotkey), coldkey)
  expect(r.error).toBeNull()
  return Number(String(await q(api).uids!(NETUID, hotkey)).replace(/\D/g, ''))
}

describe('practice network epochs and commit-reveal as subtensor HEAD (independent client)', () => {
  it('fires an epoch every `tempo` blocks from LastEpochBlock in on_initialize, counts SubnetEpochIndex, and reports the next start block', async () => {
    const { node, api } = await setup()
    // subnets/subnet.rs:304-308: a new subnet starts at now - (netuid mod tempo); genesis is block 0 (saturating).
    expect(await num(q(api).lastEpochBlock!(NETUID))).toBe(0)
    expect(await num(q(api).subnetEpochIndex!(NETUID))).toBe(0)
    // run_coinbase.rs:1124-1137 get_next_epoch_start_block = LastEpochBlock + tempo (no pending trigger).
    expect(await nextEpochStart(api)).toBe(TEMPO)
    // The storage is read with the real keys through state_getStorage.
    const raw = await api.rpc.state.getStorage(q(api).subnetEpochIndex!.key(NETUID))
    expect(u8aToHex((raw as unknown as { toU8a(b: boolean): Uint8Array }).toU8a(true))).toMatch(/^0x/)

    node.produceBlocks(TEMPO - 1)
    // run_coinbase.rs:1085-1100 should_run_epoch: b - LastEpochBlock >= tempo; not yet at tempo - 1.
    expect(await num(q(api).subnetEpochIndex!(NETUID))).toBe(0)
    node.produceBlocks(1)
    // run_coinbase.rs:425-429: the slot is consumed: LastEpochBlock = b, PendingEpochAt = 0, index + 1.
    expect(await num(q(api).lastEpochBlock!(NETUID))).toBe(TEMPO)
    expect(await num(q(api).subnetEpochIndex!(NETUID))).toBe(1)
    // BlocksSinceLastStep reset on a run epoch (run_coinbase.rs:385), LastMechansimStepBlock = b.
    expect(await num(q(api).blocksSinceLastStep!(NETUID))).toBe(0)
    expect(await nextEpochStart(api)).toBe(2 * TEMPO)
    // The period is tempo, not tempo + 1 (network-2026 §2.2).
    node.produceBlocks(TEMPO)
    expect(await num(q(api).lastEpochBlock!(NETUID))).toBe(2 * TEMPO)
    expect(await num(q(api).subnetEpochIndex!(NETUID))).toBe(2)

    // PendingEpochAt (trigger_epoch's effect, tempo_control.rs:76-115): the runtime API takes the
    // earlier of the two (run_coinbase.rs:1131-1136), and the epoch fires there (:1089-1092).
    const pendingAt = node.bestNumber + 5
    node.state.set(SUB, 'PendingEpochAt', [NETUID], pendingAt)
    node.produceBlocks(1)
    expect(await nextEpochStart(api)).toBe(pendingAt)
    node.produceBlocks(pendingAt - node.bestNumber)
    expect(await num(q(api).lastEpochBlock!(NETUID))).toBe(pendingAt)
    expect(await num(q(api).pendingEpochAt!(NETUID))).toBe(0)
    expect(await num(q(api).subnetEpochIndex!(NETUID))).toBe(3)
    expect(await nextEpochStart(api)).toBe(pendingAt + TEMPO)

    // Tempo 0: the subnet never runs an epoch and the API answers None (run_coinbase.rs:1125-1128).
    node.state.set(SUB, 'Tempo', [NETUID], 0)
    node.produceBlocks(1)
    expect(await nextEpochStart(api)).toBeNull()
  }, 60_000)

  it('tags a commit with the epoch index (with look-ahead), takes the reveal only in commit epoch + RevealPeriodEpochs, and refuses others in the pool (16, 17)', async () => {
    const { node, api, alice } = await setup()
    const uid = await register(api, alice, alice.address) // the subnet owner: no permit needed
    node.produceBlocks(3)
    const w = { uids: [uid], values: [65535], salt: [1, 2, 3, 4, 5, 6, 7, 8] }
    const hash = hashOf(api, alice.address, w.uids, w.values, w.salt)
    const epochBefore = await num(q(api).subnetEpochIndex!(NETUID))
    const c = await send(api, api.tx.subtensorModule.commitWeights!(NETUID, hash), alice)
    expect(c.error).toBeNull()
    // weights.rs:100 + :124: the tuple is (hash, commit_epoch, commit_block, 0).
    const tuple = (await q(api).weightCommits!(NETUID, alice.address)).toJSON() as Array<[string, number, number, number]>
    expect(tuple).toEqual([[hash, epochBefore, c.block, 0]])
    // weights.rs:137: the commit sets LastUpdate to the commit block.
    expect(((await q(api).lastUpdate!(NETUID)).toJSON() as number[])[uid]).toBe(c.block)

    const reveal = (salt = w.salt) => api.tx.subtensorModule.revealWeights!(NETUID, w.uids, w.values, salt, 0)
    // check_weights.rs:112-140: hash found but wrong epoch -> RevealTooEarly -> 17 (transaction_error.rs:60,
    // extensions/subtensor.rs:51); no commit with that hash -> NoWeightsCommitFound -> 16 (:59, :50).
    expect(await poolCode(api, reveal(), alice)).toBe(17)
    expect(await poolCode(api, reveal([9, 9, 9, 9, 9, 9, 9, 9]), alice)).toBe(16)

    // Advance to the last block before the next epoch: the pool validates for best + 1, whose
    // current_epoch_with_lookahead (weights.rs:1275-1283) is commit_epoch + 1.
    const next = (await nextEpochStart(api))!
    node.produceBlocks(next - 1 - node.bestNumber)
    expect(await num(q(api).subnetEpochIndex!(NETUID))).toBe(epochBefore)
    const r = await send(api, reveal(), alice)
    expect(r).toEqual({ block: next, error: null })
    // weights.rs:526-531: the revealed commit leaves the queue (the entry goes when empty).
    expect((await q(api).weightCommits!(NETUID, alice.address)).toJSON()).toBeNull()
    expect((await q(api).weights!(NETUID, uid)).toJSON()).toEqual([[uid, 65535]])
    // weights.rs:851-853: with CR on the reveal's set_weights leaves LastUpdate at the commit block.
    expect(((await q(api).lastUpdate!(NETUID)).toJSON() as number[])[uid]).toBe(c.block)
  }, 60_000)

  it('a reveal removes the matched commit and every earlier one; a commit past its reveal epoch is refused as 17', async () => {
    const { node, api, alice } = await setup()
    const uid = await register(api, alice, alice.address)
    node.produceBlocks(2)
    const salts = [[1], [2], [3]]
    const hashes = salts.map((s) => hashOf(api, alice.address, [uid], [65535], s))
    for (const h of hashes.slice(0, 2)) expect((await send(api, api.tx.subtensorModule.commitWeights!(NETUID, h), alice)).error).toBeNull()
    node.produceBlocks((await nextEpochStart(api))! - node.bestNumber)
    expect((await send(api, api.tx.subtensorModule.revealWeights!(NETUID, [uid], [65535], salts[1]!, 0), alice)).error).toBeNull()
    // weights.rs:526-528: popping up to and including the matched position removes the first commit too.
    expect((await q(api).weightCommits!(NETUID, alice.address)).toJSON()).toBeNull()
    expect(await poolCode(api, api.tx.subtensorModule.revealWeights!(NETUID, [uid], [65535], salts[0]!, 0), alice)).toBe(16)

    // A commit whose reveal epoch passed is still found by the pool and refused as 17 (network-2026 §4).
    expect((await send(api, api.tx.subtensorModule.commitWeights!(NETUID, hashes[2]!), alice)).error).toBeNull()
    node.produceBlocks(2 * TEMPO + 1)
    expect(await poolCode(api, api.tx.subtensorModule.revealWeights!(NETUID, [uid], [65535], salts[2]!, 0), alice)).toBe(17)
  }, 60_000)

  it('refuses in the pool as subtensor does: 1 (stake threshold, also unregistered), 6 (rate limit), 10/11/13 (serving)', async () => {
    const { node, api, alice, bob, hot } = await setup({ commitReveal: false, weightsRateLimit: 5 })
    const ownerUid = await register(api, alice, alice.address)
    const uid = await register(api, bob, hot.address)
    // guards/check_serving_endpoints.rs -> serving.rs:289-335: 127.0.0.1 is not a valid IPv4
    // (serving.rs:252-258) -> 11; port 0 -> InvalidPort (serving.rs:272-274) -> 13 (transaction_error.rs:53,55).
    expect(await poolCode(api, api.tx.subtensorModule.serveAxon!(NETUID, 0, 0x7f000001, 8091, 4, 4, 0, 0), hot)).toBe(11)
    expect(await poolCode(api, api.tx.subtensorModule.serveAxon!(NETUID, 0, 0xcb007109, 0, 4, 4, 0, 0), hot)).toBe(13)
    // serving.rs:300-304: a hotkey not registered on the subnet -> 10.
    expect(await poolCode(api, api.tx.subtensorModule.serveAxon!(NETUID, 0, 0xcb007109, 8091, 4, 4, 0, 0), bob)).toBe(10)

    // guards/check_rate_limits.rs:31-84 with weights.rs:1104-1124: LastUpdate = registration block, limit 5 -> 6.
    expect(await poolCode(api, api.tx.subtensorModule.setWeights!(NETUID, [uid], [1], 0), hot)).toBe(6)
    node.produceBlocks(5)

    // lib.rs:2752-2762 check_weights_min_stake against StakeThreshold -> NotEnoughStakeToSetWeights -> 1
    // (extensions/subtensor.rs:29-31); the owner's uid is exempt; an unregistered hotkey without stake gets 1 too.
    node.state.set(SUB, 'StakeThreshold', [], 10n ** 12n)
    expect(await poolCode(api, api.tx.subtensorModule.setWeights!(NETUID, [uid], [1], 0), hot)).toBe(1)
    expect(await poolCode(api, api.tx.subtensorModule.setWeights!(NETUID, [0], [1], 0), bob)).toBe(1)
    const owner = await send(api, api.tx.subtensorModule.setWeights!(NETUID, [ownerUid], [1], 0), alice)
    expect(owner.error).toBeNull()
  }, 60_000)

  it('checks set_weights in the order of weights.rs:766-853 and sets LastUpdate only with commit-reveal off', async () => {
    const { node, api, alice, bob, hot } = await setup({ commitReveal: false })
    const ownerUid = await register(api, alice, alice.address)
    const uid = await register(api, bob, hot.address)
    node.produceBlocks(3)
    // Unregistered: unequal lengths (weights.rs:769) come before registration (:784).
    expect((await send(api, api.tx.subtensorModule.setWeights!(NETUID, [0, 1], [1], 0), bob)).error).toBe('WeightVecNotEqualSize')
    expect((await send(api, api.tx.subtensorModule.setWeights!(NETUID, [0], [1], 0), bob)).error).toBe('HotKeyNotRegisteredInSubNet')
    // No permit (:812) comes before duplicate uids (:818); a self-weight needs no permit (:1157-1161).
    expect((await send(api, api.tx.subtensorModule.setWeights!(NETUID, [0, 0], [1, 1], 0), hot)).error).toBe('NeuronNoValidatorPermit')
    const self = await send(api, api.tx.subtensorModule.setWeights!(NETUID, [uid], [1], 0), hot)
    expect(self.error).toBeNull()
    // :851-853: with CR off set_weights writes LastUpdate.
    expect(((await q(api).lastUpdate!(NETUID)).toJSON() as number[])[uid]).toBe(self.block)
    node.produceBlocks(3)
    // The owner acts as a validator without a permit (:1163-1167) but duplicates still fail (:818).
    expect((await send(api, api.tx.subtensorModule.setWeights!(NETUID, [0, 0], [1, 1], 0), alice)).error).toBe('DuplicateUids')
    expect((await send(api, api.tx.subtensorModule.setWeights!(NETUID, [ownerUid, uid], [1, 1], 0), alice)).error).toBeNull()
  }, 60_000)

  it('with commit-reveal on, set_weights is refused first (dispatches.rs:93-97), before any other check', async () => {
    const { api, bob } = await setup()
    // Unregistered and with unequal lengths, still CommitRevealEnabled.
    expect((await send(api, api.tx.subtensorModule.setWeights!(NETUID, [0, 1], [1], 0), bob)).error).toBe('CommitRevealEnabled')
  }, 60_000)
})
