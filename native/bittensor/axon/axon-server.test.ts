import http from 'node:http'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { readResponse } from '../wire/v10/dendrite'
import { AXON_URI, DENDRITE_HOTKEY, EXAMPLE_QUERY, SIGNED_REQUEST } from '../wire/v10/testing/vectors'
import { AxonHttpError, AxonServer } from './axon-server'
import type { AxonLimits, AxonRequestRecord, AxonRoute, NonceStore } from './axon-server'
import { pythonDumps } from './testing/python-dumps'
import { SlowSockets, loopbackAddresses } from './testing/slow-sockets'

/** The generic axon with one made-up route: what the wire vectors' request reaches. */
interface ExampleWork {
  items: number
}

const exampleRoute: AxonRoute<ExampleWork> = {
  name: EXAMPLE_QUERY.name,
  requiredFields: EXAMPLE_QUERY.requiredFields,
  async handle(call) {
    const json = call.json as { items?: unknown }
    if (!Array.isArray(json.items)) throw new AxonHttpError(400, 'items must be a list')
    call.work.items = json.items.length
    const release = await call.acquireSlot()
    release()
    return { echo: json as Record<string, unknown>, results: JSON.stringify(json.items.map((_, i) => [i])) }
  },
}

const memoryNonces = (): NonceStore => {
  const map = new Map<string, bigint>()
  return { last: (k) => map.get(k), record: (k, n) => void map.set(k, n), prune: () => 0 }
}

let axonPair: ReturnType<Keyring['addFromUri']>
beforeAll(async () => {
  await cryptoWaitReady()
  axonPair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(AXON_URI)
})

const running: AxonServer<ExampleWork>[] = []
afterEach(async () => {
  while (running.length) await running.pop()!.close()
})

async function start(records: AxonRequestRecord<ExampleWork>[], limits?: Partial<AxonLimits>): Promise<number> {
  return (await startAxon(records, limits)).listen()
}

function startAxon(records: AxonRequestRecord<ExampleWork>[], limits?: Partial<AxonLimits>): AxonServer<ExampleWork> {
  const axon = new AxonServer<ExampleWork>({
    signer: axonPair,
    metagraph: { lookup: (hotkey) => (hotkey === DENDRITE_HOTKEY ? { uid: 4, stake: 10, validatorPermit: true } : undefined) },
    nonces: memoryNonces(),
    routes: [exampleRoute],
    newWork: () => ({ items: 0 }),
    blacklist: { allowNonRegistered: false, forceValidatorPermit: false, minStake: 1 },
    host: '127.0.0.1',
    port: 0,
    // The vector's nonce is "now" for this axon.
    nowNs: () => SIGNED_REQUEST.parts.nonce + 1_000_000_000n,
    onRequest: (r) => records.push(r),
    limits,
  })
  running.push(axon)
  return axon
}

function post(port: number, path: string, headers: Readonly<Record<string, string>>, body: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('AxonServer core (routes registered by a protocol)', () => {
  it('accepts the signed vector request, answers with the echo and results last, and refuses its replay', async () => {
    const records: AxonRequestRecord<ExampleWork>[] = []
    const port = await start(records)
    const { headers, body } = SIGNED_REQUEST
    const res = await post(port, `/${EXAMPLE_QUERY.name}`, headers, body)
    expect(res.status).toBe(200)
    expect(res.headers.bt_header_axon_status_code).toBe('200')
    expect(res.headers.bt_header_input_obj_items).toBe('W10=')
    expect(res.body.toString()).toContain(`"nonce":${SIGNED_REQUEST.parts.nonce}`)
    expect(res.body.toString().endsWith(',"results":[[0],[1]]}')).toBe(true)
    expect(readResponse(res.status, res.body, EXAMPLE_QUERY)).toEqual({ status: 200, message: 'Success', results: [[0], [1]] })
    expect(records[0]).toMatchObject({ route: EXAMPLE_QUERY.name, uid: 4, hotkey: DENDRITE_HOTKEY, status: 200, items: 2 })

    const replay = await post(port, `/${EXAMPLE_QUERY.name}`, headers, body)
    expect(readResponse(replay.status, replay.body, EXAMPLE_QUERY)).toEqual({ status: 401, message: 'Not Verified with error: Nonce is too old, a newer one was last processed', results: null })
  })

  it('echoes the list fields as the bytes the caller sent (not re-printed), which parse to the same values', async () => {
    const port = await start([])
    const { headers, body } = SIGNED_REQUEST
    // As a Python dendrite sends it: spaced, non-ASCII escaped, some JSON-looking text inside.
    const items = ['caf\u00e9 \u{1f600}', 'quote " and \\ backslash\\', '"items": ["fake"]', '\ud800 lone', 'line\nbreak']
    const sent = pythonDumps({ ...(JSON.parse(body) as Record<string, unknown>), items })
    const res = await post(port, `/${EXAMPLE_QUERY.name}`, headers, sent)
    expect(res.status).toBe(200)
    expect(res.body.includes(Buffer.from(pythonDumps(items)))).toBe(true)
    const answer = JSON.parse(res.body.toString()) as { items: unknown; results: unknown; dendrite: { hotkey: string } }
    expect(answer.items).toEqual(items)
    expect(answer.results).toEqual(items.map((_, i) => [i]))
    expect(answer.dendrite.hotkey).toBe(DENDRITE_HOTKEY)
    expect(Number(res.headers.total_size)).toBe(res.body.length)
    expect(res.body.toString()).toContain(`"nonce":${SIGNED_REQUEST.parts.nonce}`)
  })

  it('answers the ping without a route, and lists the routes for an unknown synapse', async () => {
    const port = await start([])
    const { headers, body } = SIGNED_REQUEST
    const ping = await post(port, '/Synapse', { ...headers, name: 'Synapse' }, body)
    expect(ping.status).toBe(200)
    const unknown = await post(port, '/Nope', headers, body)
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.body.toString())).toEqual({ message: "Synapse name 'Nope' not found. Available synapses ['Synapse', 'ExampleSynapse']" })
  })
})

describe('AxonServer sockets (slow callers)', () => {
  const attacks: SlowSockets[] = []
  afterEach(() => {
    while (attacks.length) attacks.pop()!.close()
  })
  const attack = (port: number, count: number, sourceAddresses: readonly string[]): SlowSockets => {
    const sockets = new SlowSockets({ port, count, sourceAddresses, trickleMs: 100 })
    attacks.push(sockets)
    return sockets
  }

  it('destroys a socket whose headers do not finish in time, though its caller never reads or closes', async () => {
    const axon = startAxon([], { headersTimeoutMs: 500 })
    const port = await axon.listen()
    const slow = attack(port, 3, ['127.0.0.1'])
    await slow.open()
    await vi.waitFor(() => expect(axon.connectionCounts.open).toBe(3))
    // Node's own check ran every 30 s and only half-closed the socket, leaving the slot taken.
    await vi.waitFor(() => expect(axon.connectionCounts.open).toBe(0), { timeout: 5000, interval: 50 })
  })

  it('bounds the sockets of one address and keeps serving the others', async () => {
    const axon = startAxon([], { maxConnectionsPerIp: 4 })
    const port = await axon.listen()
    const crowd = attack(port, 10, ['127.0.0.2'])
    await crowd.open()
    await attack(port, 3, loopbackAddresses(3, 3)).open()
    await vi.waitFor(() => expect(axon.connectionCounts).toMatchObject({ open: 7, refused: 6 }))
    await vi.waitFor(() => expect(crowd.closedByServer).toBe(6))
    const { headers, body } = SIGNED_REQUEST
    expect((await post(port, `/${EXAMPLE_QUERY.name}`, headers, body)).status).toBe(200)
  })
})
