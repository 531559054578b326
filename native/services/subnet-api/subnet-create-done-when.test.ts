/**
 * Done-when of issue 17, end to end on the practice devnet over its WebSocket: `taodesk subnet create`
 * makes a subnet (register_network_with_identity + start_call) whose identity TaoDesk recognises as an
 * embedding subnet; `taodesk chain register` (which refuses subnets that do not declare the protocol)
 * registers a TaoDesk miner engine's hotkey and a validator's on it; the miner serves its axon with a
 * real ONNX model, `taodesk validator round --once --netuid N` scores it and sets weights on the new
 * subnet, and after a tempo Yuma pays the miner incentive there. The setup and the checks after the
 * round are test/support/practice-network.ts, shared with the subnet 5 devnet test.
 */
import { describe, expect, it } from 'vitest'
import { ensureTestModel } from '../../../scripts/make-test-models'
import { captureIo } from '../../../test/support/capture-io'
import * as practice from '../../../test/support/practice-network'
import { runCli } from '../../cli/main'
import { protocolCompatibility } from '../../protocols/text-embedding/identity'
import { randomEmbed, wrongDimensionEmbed } from '../validator/testing/test-axon'

describe('issue 17 done-when: a subnet created with `taodesk subnet create` is mined and validated by TaoDesk', () => {
  const lexical = ensureTestModel('lexical')
  const net = practice.usePracticeNetwork()

  it('creates the subnet, recognises it as an embedding subnet, registers miner and validator, scores, sets weights and pays incentive', async () => {
    const { minerHotkey, validatorHotkey } = await practice.makeMinerAndValidator(net, lexical.dir)

    // ---- `taodesk subnet create`: Ferdie owns the new subnet ----
    const cli = async (args: string[]) => {
      const io = captureIo({})
      const code = await runCli([...args, '--url', net.server.url, '--json'], io)
      return { code, json: JSON.parse(io.out().trim().split('\n').pop() || '{}') as Record<string, unknown>, err: io.err() }
    }
    const created = await cli(['subnet', 'create', '--uri', '//Ferdie', '--hotkey-uri', '//Ferdie//owner', '--max-lock', '1000', '--name', 'Practice embeddings 2', '--repo', 'https://github.com/example/embeddings'])
    expect(created.code, created.err + JSON.stringify(created.json)).toBe(0)
    const NETUID = created.json.netuid as number
    expect(NETUID).not.toBe(5)
    expect(created.json).toMatchObject({ emissionStarted: true, protocol: 'speaks' })
    expect(protocolCompatibility(await net.setup.subnetIdentity(NETUID)).verdict).toBe('speaks')
    // Uid 0 is the owner's hotkey (append_neuron in do_register_network).

    // ---- registrations through the CLI's identity guard (dev coldkeys pay), stake, and the bad miners' axons ----
    const registered = await cli(['chain', 'register', '--netuid', String(NETUID), '--uri', '//Bob', '--hotkey', minerHotkey, '--max-price', '10'])
    expect(registered.code, registered.err + JSON.stringify(registered.json)).toBe(0)
    const minerUid = registered.json.uid as number
    expect(minerUid).toBe(1)
    await practice.serveBadMiners(net, NETUID, randomEmbed, wrongDimensionEmbed)
    const validatorUid = await practice.registerStakedValidator(net, NETUID, validatorHotkey)

    const port = await practice.startMiner(net, minerUid, NETUID)

    // One epoch gives the staked validator its permit; a few more blocks pass the epoch length.
    // A new subnet has subtensor's default WeightsSetRateLimit (100 blocks, root-only to change), counted from
    // the validator's registration: let it pass as well.
    net.node.produceBlocks(Math.max(net.node.blocksUntilNextEpoch(NETUID) + 12, 105))
    await practice.expectReadyForARound(net, NETUID, { validatorUid, minerUid, port })

    // The three miners are queried; the owner hotkey serves no axon.
    const round = await practice.runValidatorRound(net, ['--netuid', String(NETUID)])
    expect(practice.roundScores(round, minerUid).uninformative.lastScore).toBeGreaterThan(0)
    await practice.expectTheMinerEarnsTheMost(net, round, { netuid: NETUID, minerUid, validatorUid, validatorHotkey })
  }, 90_000)
})
