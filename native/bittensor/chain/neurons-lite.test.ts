import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { ChainCodec } from '../devnet/codec'
import { decodeNeuronsLite } from './ops/neurons'

/**
 * `NeuronInfoRuntimeApi_get_neurons_lite` output, encoded by hand from the layout in spec §6.6
 * (not with polkadot.js), stored as a fixture, and decoded with the type the real finney
 * metadata (spec 424) declares for that runtime API.
 */
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'get-neurons-lite-sn5.hex')

// ---- a minimal SCALE encoder, independent of polkadot.js ----
const le = (value: bigint, bytes: number): number[] => Array.from({ length: bytes }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn))
function compact(v: number | bigint): number[] {
  const n = BigInt(v)
  if (n < 64n) return [Number(n << 2n)]
  if (n < 16384n) return le((n << 2n) | 1n, 2)
  if (n < 1073741824n) return le((n << 2n) | 2n, 4)
  const body: number[] = []
  let x = n
  while (x > 0n) {
    body.push(Number(x & 0xffn))
    x >>= 8n
  }
  return [((body.length - 4) << 2) | 3, ...body]
}

interface RawNeuron {
  hotkey: Uint8Array
  coldkey: Uint8Array
  uid: number
  netuid: number
  active: boolean
  axon: { block: bigint; version: number; ip: bigint; port: number; ipType: number; protocol: number }
  stake: bigint
  emission: bigint
  incentive: number
  consensus: number
  validatorTrust: number
  dividends: number
  lastUpdate: bigint
  validatorPermit: boolean
}

function encodeNeuron(n: RawNeuron): number[] {
  return [
    ...n.hotkey,
    ...n.coldkey,
    ...compact(n.uid),
    ...compact(n.netuid),
    n.active ? 1 : 0,
    // axon_info: block u64, version u32, ip u128, port u16, ip_type u8, protocol u8, placeholder1 u8, placeholder2 u8
    ...le(n.axon.block, 8), ...le(BigInt(n.axon.version), 4), ...le(n.axon.ip, 16), ...le(BigInt(n.axon.port), 2), n.axon.ipType, n.axon.protocol, 0, 0,
    // prometheus_info: block u64, version u32, ip u128, port u16, ip_type u8
    ...le(0n, 8), ...le(0n, 4), ...le(0n, 16), ...le(0n, 2), 0,
    // stake: Vec<(AccountId32 coldkey, Compact<u64>)>
    ...compact(1), ...n.coldkey, ...compact(n.stake),
    ...compact(0), // rank (deprecated)
    ...compact(n.emission),
    ...compact(n.incentive),
    ...compact(n.consensus),
    ...compact(0), // trust
    ...compact(n.validatorTrust),
    ...compact(n.dividends),
    ...compact(n.lastUpdate),
    n.validatorPermit ? 1 : 0,
    ...compact(65535), // pruning_score
  ]
}

async function neurons(): Promise<{ raw: RawNeuron[]; addresses: string[][] }> {
  await cryptoWaitReady()
  const kr = new Keyring({ type: 'sr25519', ss58Format: 42 })
  const key = (uri: string) => kr.addFromUri(uri)
  const pairs = [
    [key('//Alice//validator'), key('//Alice')],
    [key('//Bob//miner'), key('//Bob')],
    [key('//Charlie//miner'), key('//Charlie')],
  ] as const
  const raw: RawNeuron[] = [
    { hotkey: pairs[0][0].publicKey, coldkey: pairs[0][1].publicKey, uid: 0, netuid: 5, active: true, axon: { block: 0n, version: 0, ip: 0n, port: 0, ipType: 0, protocol: 0 }, stake: 123_456_789_000_000n, emission: 41_000_000_000n, incentive: 0, consensus: 0, validatorTrust: 65535, dividends: 65535, lastUpdate: 7_654_321n, validatorPermit: true },
    // 203.0.113.7 = 0xCB007107
    { hotkey: pairs[1][0].publicKey, coldkey: pairs[1][1].publicKey, uid: 1, netuid: 5, active: true, axon: { block: 7_654_000n, version: 9_000_000, ip: 0xcb007107n, port: 8091, ipType: 4, protocol: 4 }, stake: 0n, emission: 18_446_744_073n, incentive: 49151, consensus: 49151, validatorTrust: 0, dividends: 0, lastUpdate: 7_654_000n, validatorPermit: false },
    // 2001:db8::5 as a 128-bit big-endian integer
    { hotkey: pairs[2][0].publicKey, coldkey: pairs[2][1].publicKey, uid: 300, netuid: 5, active: false, axon: { block: 1n, version: 1, ip: (0x20010db8n << 96n) | 5n, port: 65535, ipType: 6, protocol: 4 }, stake: 1n, emission: 0n, incentive: 16384, consensus: 1, validatorTrust: 0, dividends: 0, lastUpdate: 0n, validatorPermit: false },
  ]
  return { raw, addresses: pairs.map(([h, c]) => [h.address, c.address]) }
}

describe('get_neurons_lite decoding (encoded fixture, real finney metadata)', () => {
  it('the fixture is the hand encoding of three neurons', async () => {
    const { raw } = await neurons()
    const bytes = Uint8Array.from([...compact(raw.length), ...raw.flatMap(encodeNeuron)])
    const hex = `0x${Buffer.from(bytes).toString('hex')}`
    if (process.env.UPDATE_FIXTURES === '1') {
      fs.mkdirSync(path.dirname(FIXTURE), { recursive: true })
      fs.writeFileSync(FIXTURE, `${hex}\n`)
    }
    expect(fs.readFileSync(FIXTURE, 'utf8').trim()).toBe(hex)
  })

  it('decodes every field into the typed model with the SDK units', async () => {
    const { addresses } = await neurons()
    const codec = new ChainCodec()
    const { output } = codec.runtimeApi('NeuronInfoRuntimeApi_get_neurons_lite')
    const bytes = Buffer.from(fs.readFileSync(FIXTURE, 'utf8').trim().slice(2), 'hex')
    const decoded = codec.registry.createType(output, bytes)
    // Nothing left over: the layout in the spec matches the metadata's type byte for byte.
    expect(decoded.toU8a().length).toBe(bytes.length)
    const rows = decodeNeuronsLite(decoded)
    expect(rows).toHaveLength(3)
    const [v, m, six] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]]
    expect(v).toMatchObject({ uid: 0, hotkey: addresses[0]![0], coldkey: addresses[0]![1], active: true, validatorPermit: true, lastUpdate: 7_654_321, incentive: 0, dividends: 1, validatorTrust: 1 })
    expect(v.stake).toBeCloseTo(123_456.789, 6)
    expect(v.emission).toBeCloseTo(41, 9)
    expect(v.axon).toEqual({ ip: '0.0.0.0', port: 0, ipType: 0, version: 0, serving: false })

    expect(m).toMatchObject({ uid: 1, hotkey: addresses[1]![0], coldkey: addresses[1]![1], validatorPermit: false, stake: 0 })
    expect(m.incentive).toBeCloseTo(49151 / 65535, 12)
    expect(m.consensus).toBeCloseTo(49151 / 65535, 12)
    expect(m.emission).toBeCloseTo(18.446744073, 9)
    expect(m.axon).toEqual({ ip: '203.0.113.7', port: 8091, ipType: 4, version: 9_000_000, serving: true })

    expect(six).toMatchObject({ uid: 300, active: false, stake: 1e-9, emission: 0, lastUpdate: 0 })
    expect(six.incentive).toBeCloseTo(16384 / 65535, 12)
    expect(six.consensus).toBeCloseTo(1 / 65535, 12)
    expect(six.axon).toMatchObject({ ip: '2001:db8::5', port: 65535, ipType: 6, serving: true })
  })

  it('refuses truncated bytes instead of returning a wrong metagraph', () => {
    const codec = new ChainCodec()
    const { output } = codec.runtimeApi('NeuronInfoRuntimeApi_get_neurons_lite')
    const bytes = Buffer.from(fs.readFileSync(FIXTURE, 'utf8').trim().slice(2), 'hex')
    expect(() => codec.registry.createType(output, bytes.subarray(0, bytes.length - 40)).toJSON()).toThrow()
  })
})
