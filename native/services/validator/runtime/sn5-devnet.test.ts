/**
 * Subnet 5 end to end on the practice devnet (real finney metadata, sr25519-checked extrinsics,
 * Yuma every tempo), over its WebSocket like a remote node:
 *
 *  - a TaoDesk miner engine (wallet hotkey, chain metagraph, serve_axon, a real ONNX model: the
 *    lexical test model of scripts/make-test-models.ts) registers and publishes its axon;
 *  - two deliberately bad miners (random vectors, wrong dimension) are small test axons;
 *  - a validator with stake and a permit runs `taodesk validator round --once` (its own engine,
 *    its wallet hotkey, the chain metagraph) and its signed requests reach the miners over HTTP;
 *  - weights are set on chain, a tempo passes, and the best miner earns the highest incentive.
 *
 * The setup and the checks after the round are test/support/practice-network.ts (shared with the
 * `taodesk subnet create` done-when test), which also explains the addresses.
 */
import { describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../../scripts/make-test-models'
import * as practice from '../../../../test/support/practice-network'
import { devSigner } from '../../../bittensor/keys/dev-signer'
import { sameVectorEmbed, wrongDimensionEmbed } from '../testing/test-axon'

const NETUID = 5

describe('subnet 5 on the devnet: miner, validator, weights and incentive', () => {
  const lexical = ensureTestModel('lexical')
  const net = practice.usePracticeNetwork()

  it('a validator round reaches the TaoDesk miner, weights land on chain, and the best miner earns the most', async () => {
    const { minerHotkey, validatorHotkey } = await practice.makeMinerAndValidator(net, lexical.dir)

    // ---- registrations (dev coldkeys pay), stake, and the bad miners' axons ----
    const bob = await devSigner('//Bob')
    expect((await net.setup.register(bob, NETUID, minerHotkey, 10n * practice.TAO)).uid).toBe(0)
    await practice.serveBadMiners(net, NETUID, sameVectorEmbed, wrongDimensionEmbed)
    const validatorUid = await practice.registerStakedValidator(net, NETUID, validatorHotkey)

    const port = await practice.startMiner(net, 0)

    // One epoch gives the staked validator its permit; a few more blocks pass the epoch length.
    net.node.produceBlocks(net.node.blocksUntilNextEpoch(NETUID) + 12)
    await practice.expectReadyForARound(net, NETUID, { validatorUid, minerUid: 0, port })

    const round = await practice.runValidatorRound(net)
    // The same vector for every text carries no information and earns nothing (random vectors
    // scored 0.25-0.34 by chance on a round of few pairs, at times above a real model's worse round).
    expect(practice.roundScores(round, 0).uninformative.lastScore).toBe(0)
    await practice.expectTheMinerEarnsTheMost(net, round, { netuid: NETUID, minerUid: 0, validatorUid, validatorHotkey })
  }, 90_000)
})
