import { afterEach, describe, expect, it } from 'vitest'
import { ChainClient, ChainError } from '../chain/chain-client'
import { devSigner } from '../keys/dev-signer'
import { DevnetNode, PRACTICE_IDENTITY, PRACTICE_NETUID } from './node'

/**
 * set_subnet_identity as subtensor 14bc6f9f runs it: `macros/dispatches.rs:1378-1404` (call_index 78,
 * eight Vec<u8> fields) -> `utils/identity.rs:98-147` (owner check :113-117 NotSubnetOwner, validity
 * :132-135 InvalidIdentity, insert :138, event SubnetIdentitySet :144) with the limits of
 * `is_valid_subnet_identity` at `utils/identity.rs:204-229`.
 */
const nodes: DevnetNode[] = []
const clients: ChainClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.release()
  for (const n of nodes.splice(0)) n.dispose()
})

async function setup() {
  const node = await DevnetNode.create({ tempo: 50, extraSubnets: [{ netuid: 3 }] })
  nodes.push(node)
  const client = await ChainClient.connect({ network: 'devnet', devnet: node })
  clients.push(client)
  return { node, client }
}

const HONE = ['Hone', 'https://github.com/manifold-inc/hone', '', 'https://hone.example', '', 'ARC-AGI-2 solvers', '', '']

async function refusal(p: Promise<unknown>): Promise<string> {
  const error = await p.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ChainError)
  return (error as ChainError).code
}

describe('subnet identity on the practice network', () => {
  it('gives the practice subnet an embedding identity from genesis, read back through SubnetIdentitiesV3', async () => {
    const { client } = await setup()
    const identity = await client.subnetIdentity(PRACTICE_NETUID)
    expect(identity).toEqual({
      name: PRACTICE_IDENTITY.subnet_name,
      githubRepo: PRACTICE_IDENTITY.github_repo,
      contact: '',
      url: '',
      discord: '',
      description: PRACTICE_IDENTITY.description,
      logoUrl: '',
      additional: 'protocol=openkaito-text-embedding/1; wire=v10,btauth',
    })
    // Other subnets have none (OptionQuery: absent, not empty).
    expect(await client.subnetIdentity(3)).toBeNull()
    const rows = await client.subnets()
    expect(rows.find((r) => r.netuid === 5)?.identity?.name).toBe('TaoDesk practice embeddings')
    expect(rows.find((r) => r.netuid === 3)?.identity).toBeNull()
  })

  it('lets the owner overwrite the whole record and emits SubnetIdentitySet (identity.rs:138-144)', async () => {
    const { client } = await setup()
    const alice = await devSigner('//Alice')
    const r = await client.submit(client.api.tx.subtensorModule.setSubnetIdentity!(5, ...HONE), alice)
    expect(r.events.some((e) => e.section === 'subtensorModule' && e.method === 'SubnetIdentitySet')).toBe(true)
    const identity = await client.subnetIdentity(5)
    expect(identity).toMatchObject({ name: 'Hone', githubRepo: 'https://github.com/manifold-inc/hone', url: 'https://hone.example', description: 'ARC-AGI-2 solvers', additional: '' })
  })

  it('refuses anyone but the subnet owner with NotSubnetOwner (identity.rs:113-117), also for a subnet that does not exist', async () => {
    const { client } = await setup()
    const bob = await devSigner('//Bob')
    expect(await refusal(client.submit(client.api.tx.subtensorModule.setSubnetIdentity!(5, ...HONE), bob))).toBe('SubtensorModule.NotSubnetOwner')
    const alice = await devSigner('//Alice')
    expect(await refusal(client.submit(client.api.tx.subtensorModule.setSubnetIdentity!(77, ...HONE), alice))).toBe('SubtensorModule.NotSubnetOwner')
    expect((await client.subnetIdentity(5))?.name).toBe('TaoDesk practice embeddings')
  })

  it('refuses fields over their limits with InvalidIdentity (identity.rs:204-229: name 256, discord 256, others 1024 bytes)', async () => {
    const { client } = await setup()
    const alice = await devSigner('//Alice')
    const tooLongName = ['x'.repeat(257), ...HONE.slice(1)]
    expect(await refusal(client.submit(client.api.tx.subtensorModule.setSubnetIdentity!(5, ...tooLongName), alice))).toBe('SubtensorModule.InvalidIdentity')
    const tooLongDiscord = [...HONE.slice(0, 4), 'd'.repeat(257), ...HONE.slice(5)]
    expect(await refusal(client.submit(client.api.tx.subtensorModule.setSubnetIdentity!(5, ...tooLongDiscord), alice))).toBe('SubtensorModule.InvalidIdentity')
    const atLimits = ['n'.repeat(256), 'r'.repeat(1024), 'c'.repeat(1024), 'u'.repeat(1024), 'd'.repeat(256), 'e'.repeat(1024), 'l'.repeat(1024), 'a'.repeat(1024)]
    await client.submit(client.api.tx.subtensorModule.setSubnetIdentity!(5, ...atLimits), alice)
    expect((await client.subnetIdentity(5))?.name).toHaveLength(256)
  })
})
