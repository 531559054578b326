import { describe, expect, it } from 'vitest'
import type { SubnetIdentity } from '../../bittensor/chain'
import { PRACTICE_IDENTITY } from '../../bittensor/devnet'
import { EMBEDDING_DECLARATION, incompatibilityExplanation, normalizeRepo, parseDeclaration, protocolCompatibility } from './identity'

const identity = (over: Partial<SubnetIdentity>): SubnetIdentity => ({ name: '', githubRepo: '', contact: '', url: '', discord: '', description: '', logoUrl: '', additional: '', ...over })

describe('does a subnet speak the text-embedding protocol (from its identity)', () => {
  it('normalizes the repository however the owner wrote it', () => {
    for (const r of ['OpenKaito/openkaito', 'https://github.com/OpenKaito/openkaito', 'https://github.com/OpenKaito/openkaito.git', 'github.com/openkaito/openkaito/', 'git@github.com:OpenKaito/openkaito.git', 'https://www.github.com/OpenKaito/openkaito/tree/main']) {
      expect(normalizeRepo(r), r).toBe('openkaito/openkaito')
    }
    expect(normalizeRepo('  ')).toBe('')
  })

  it('reads the declaration tolerantly (spacing, case, ; or new lines, other pairs around it)', () => {
    expect(parseDeclaration(EMBEDDING_DECLARATION)).toEqual({ protocol: 'openkaito-text-embedding/1', wires: ['v10', 'btauth'] })
    expect(parseDeclaration('  PROTOCOL = OpenKaito-Text-Embedding/1 ;WIRE= btauth ')).toEqual({ protocol: 'openkaito-text-embedding/1', wires: ['btauth'] })
    expect(parseDeclaration('website: x\nprotocol=openkaito-text-embedding/1\nwire = v10 , btauth')).toEqual({ protocol: 'openkaito-text-embedding/1', wires: ['v10', 'btauth'] })
    expect(parseDeclaration('just some words')).toEqual({ protocol: null, wires: [] })
  })

  it('speaks: OpenKaito/openkaito, a fork of it, or an explicit declaration', () => {
    expect(protocolCompatibility(identity({ githubRepo: 'https://github.com/OpenKaito/openkaito' })).verdict).toBe('speaks')
    expect(protocolCompatibility(identity({ githubRepo: 'https://github.com/someone/openkaito' }))).toMatchObject({ verdict: 'speaks', reason: expect.stringContaining('fork') })
    expect(protocolCompatibility(identity({ githubRepo: 'acme/embeddings', additional: EMBEDDING_DECLARATION }))).toEqual({ verdict: 'speaks', reason: expect.stringContaining('declares'), wires: ['v10', 'btauth'] })
  })

  it('does not: Hone, another repository, or a declaration of another protocol (which wins over the repository)', () => {
    const hone = protocolCompatibility(identity({ name: 'Hone', githubRepo: 'https://github.com/manifold-inc/hone' }))
    expect(hone).toMatchObject({ verdict: 'does-not', reason: expect.stringContaining('reasoning-benchmark') })
    expect(protocolCompatibility(identity({ githubRepo: 'acme/other' })).verdict).toBe('does-not')
    expect(protocolCompatibility(identity({ githubRepo: 'OpenKaito/openkaito', additional: 'protocol=hone/1' })).verdict).toBe('does-not')
  })

  it('unknown: no identity, or one that names neither a repository nor a protocol; never the name ("kaito" is the fallback table)', () => {
    expect(protocolCompatibility(null).verdict).toBe('unknown')
    expect(protocolCompatibility(identity({ name: 'kaito' })).verdict).toBe('unknown')
  })

  it('explains a refusal in plain words', () => {
    const hone = identity({ name: 'Hone', githubRepo: 'manifold-inc/hone' })
    const text = incompatibilityExplanation({ netuid: 5, network: 'finney', identity: hone, compatibility: protocolCompatibility(hone) }, 'miner')
    expect(text).toMatch(/^netuid 5 on finney runs Hone, a reasoning-benchmark subnet: its validators never ask for embeddings, so this miner would earn nothing\./)
    expect(incompatibilityExplanation({ netuid: 9, network: 'testnet', identity: null, compatibility: protocolCompatibility(null) }, 'register')).toMatch(/^Nothing says what netuid 9 on testnet runs\./)
  })

  it('the practice network declares the protocol exactly as TaoDesk asks subnets to', () => {
    expect(PRACTICE_IDENTITY.additional).toBe(EMBEDDING_DECLARATION)
    expect(protocolCompatibility(identity({ githubRepo: PRACTICE_IDENTITY.github_repo, additional: PRACTICE_IDENTITY.additional })).verdict).toBe('speaks')
  })
})
