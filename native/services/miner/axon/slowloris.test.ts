import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MemoryNonceStore } from '../ports'
import type { MetagraphView, NeuronView } from '../ports'
import { HashEmbedder } from '../testing/hash-embedder'
import { SpecDendrite } from '../../../bittensor/wire/v10/testing/spec-dendrite'
import { SlowSockets, loopbackAddresses } from '../../../bittensor/axon/testing/slow-sockets'
import { MinerAxon } from './miner-axon'

/**
 * Slowloris against the miner's axon, as the outside harness ran it (issue 15): sockets that
 * send part of a header and never read, from many loopback addresses, reopened when closed. A
 * staked validator must still be served. Bounded: 600 sockets, 40 requests, well under 30 s.
 */

let miner: ReturnType<Keyring['addFromUri']>
let validator: ReturnType<Keyring['addFromUri']>
beforeAll(async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
  miner = keyring.addFromUri('//Bob')
  validator = keyring.addFromUri('//Alice')
})

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

describe('miner axon under slowloris', () => {
  it('serves at least 95 % of a staked validator’s requests while 600 slow sockets are open', { timeout: 30_000 }, async () => {
    const neurons = new Map<string, NeuronView>([[validator.address, { uid: 0, stake: 25_000, validatorPermit: true }]])
    const metagraph: MetagraphView = { lookup: (h) => neurons.get(h) }
    // The miner's own limits (512 sockets, 64 kept for staked callers, 64 per address).
    const axon = new MinerAxon({ signer: miner, metagraph, embedder: new HashEmbedder(), nonces: new MemoryNonceStore(), host: '127.0.0.1', port: 0 })
    const port = await axon.listen()
    cleanup.push(() => axon.close())
    const target = { ip: '127.0.0.1', port, hotkey: miner.address }

    // 600 sockets from 30 addresses (20 each, within the per-address bound): more than every slot.
    const attack = new SlowSockets({ port, count: 600, sourceAddresses: loopbackAddresses(2, 30), reconnectMs: 100 })
    cleanup.push(() => attack.close())
    await attack.open()

    // 10 rounds of 4 requests, each round on fresh sockets (a new dendrite), so every round has
    // to get in past the attacker. Generous timeouts: a loaded machine is slow, not wrong.
    let served = 0
    const total = 40
    for (let round = 0; round < total / 4; round++) {
      const dendrite = new SpecDendrite({ pair: validator })
      const answers = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => dendrite.embed(target, [`round ${round} text ${i}`], { timeoutS: 15 })))
      dendrite.close()
      served += answers.filter((a) => a.status === 'fulfilled' && a.value.status === 200).length
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(served / total).toBeGreaterThanOrEqual(0.95)
    // The attacker was really there: it held most of the unknown callers' slots throughout.
    expect(axon.connectionCounts.open).toBeGreaterThan(400)
  })
})
