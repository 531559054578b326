/**
 * Does a subnet speak OpenKaito's text-embedding protocol? Decided from its on-chain identity only
 * (network-2026.md §1): netuid 5 on finney now runs Hone, so a number proves nothing.
 *
 * A subnet speaks it when its identity
 *  - declares it in `additional`: `protocol=openkaito-text-embedding/1; wire=v10,btauth`
 *    (keys and values case-insensitive, spaces ignored, `;` or new lines between pairs), or
 *  - names a repository known to run it: OpenKaito/openkaito, or a fork of it (a repository named
 *    `openkaito` under any owner, GitHub's default name for a fork).
 * A declaration of another protocol, or a repository of another kind, means it does not. No
 * identity, or one with neither a repository nor a declaration, is unknown.
 */
import type { SubnetIdentity } from '../../bittensor/chain'

export const EMBEDDING_PROTOCOL = 'openkaito-text-embedding/1'
/** The wire formats a declaration may name (the v10 axon and btauth/1 signed HTTP). */
export const KNOWN_WIRES = ['v10', 'btauth'] as const
/** What TaoDesk writes into `additional` when it declares the protocol itself. */
export const EMBEDDING_DECLARATION = `protocol=${EMBEDDING_PROTOCOL}; wire=v10,btauth`

/** Repositories that run the protocol (owner/name, lower case). */
export const EMBEDDING_REPOS: readonly string[] = ['openkaito/openkaito']

/** Repositories known to run something else, with what they run (for the explanation). */
const OTHER_REPOS: Readonly<Record<string, string>> = {
  'manifold-inc/hone': 'a reasoning-benchmark subnet (ARC-AGI-2 solvers run in a sandbox)',
}

export type ProtocolVerdict = 'speaks' | 'does-not' | 'unknown'

export interface ProtocolCompatibility {
  readonly verdict: ProtocolVerdict
  /** One sentence on how the verdict was reached. */
  readonly reason: string
  /** Wire formats the identity declares (empty when it declares none). */
  readonly wires: string[]
}

/** "https://github.com/OpenKaito/openkaito.git/" -> "openkaito/openkaito"; "" when there is none. */
export function normalizeRepo(repo: string): string {
  return repo
    .trim()
    .toLowerCase()
    .replace(/^git\+/, '')
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^git@github\.com:/, '')
    .replace(/^(www\.)?github\.com\//, '')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .slice(0, 2)
    .join('/')
}

/** The `key=value` pairs of an `additional` field (keys lower case, values without spaces). */
export function parseDeclaration(additional: string): { protocol: string | null; wires: string[] } {
  let protocol: string | null = null
  let wires: string[] = []
  for (const part of additional.split(/[;\n]/)) {
    const m = /^\s*([a-z_-]+)\s*[=:]\s*(.*?)\s*$/i.exec(part)
    if (!m) continue
    const key = m[1]!.toLowerCase()
    const value = m[2]!.toLowerCase().replace(/\s+/g, '')
    if (key === 'protocol' && value) protocol = value
    if (key === 'wire') wires = value.split(',').filter((w) => w !== '')
  }
  return { protocol, wires }
}

export function protocolCompatibility(identity: SubnetIdentity | null): ProtocolCompatibility {
  if (!identity) return { verdict: 'unknown', reason: 'The subnet has no on-chain identity, so nothing says which protocol its validators speak.', wires: [] }
  const declared = parseDeclaration(identity.additional)
  if (declared.protocol === EMBEDDING_PROTOCOL) {
    return { verdict: 'speaks', reason: `Its identity declares protocol=${EMBEDDING_PROTOCOL}.`, wires: declared.wires }
  }
  if (declared.protocol) return { verdict: 'does-not', reason: `Its identity declares another protocol (${declared.protocol}).`, wires: declared.wires }
  const repo = normalizeRepo(identity.githubRepo)
  if (EMBEDDING_REPOS.includes(repo)) return { verdict: 'speaks', reason: `Its repository ${repo} runs OpenKaito's text-embedding protocol.`, wires: declared.wires }
  if (repo.split('/')[1] === 'openkaito') return { verdict: 'speaks', reason: `Its repository ${repo} is a fork of OpenKaito/openkaito.`, wires: declared.wires }
  const other = OTHER_REPOS[repo]
  if (other) return { verdict: 'does-not', reason: `Its repository ${repo} is ${other}.`, wires: [] }
  if (repo) return { verdict: 'does-not', reason: `Its repository ${repo} is not a known OpenKaito repository and its identity does not declare the text-embedding protocol.`, wires: [] }
  return { verdict: 'unknown', reason: 'Its identity names no repository and declares no protocol.', wires: [] }
}

export type GuardedAction = 'register' | 'miner' | 'validator'

const LOSS: Readonly<Record<GuardedAction, string>> = {
  register: 'a miner registered there would earn nothing',
  miner: 'this miner would earn nothing',
  validator: 'this validator would score a task the subnet does not run',
}

function because(action: GuardedAction): string {
  return action === 'validator' ? 'its miners do not answer embedding requests' : 'its validators never ask for embeddings'
}

/**
 * Why mining, validating or registering there is refused (or needs confirming), in plain words:
 * "netuid 5 on finney runs Hone, a reasoning-benchmark subnet: its validators never ask for embeddings, ...".
 */
export function incompatibilityExplanation(p: { netuid: number; network: string; identity: SubnetIdentity | null; compatibility: ProtocolCompatibility }, action: GuardedAction): string {
  const where = `netuid ${p.netuid} on ${p.network}`
  if (p.compatibility.verdict === 'unknown') {
    return `Nothing says what ${where} runs. ${p.compatibility.reason} If it runs something else, ${LOSS[action]}: check the subnet before you go on.`
  }
  const other = OTHER_REPOS[normalizeRepo(p.identity?.githubRepo ?? '')]
  const runs = p.identity?.name ? `runs ${p.identity.name}${other ? `, ${other.replace(/ \(.*\)$/, '')}` : ''}` : 'does not run the text-embedding protocol'
  return `${where} ${runs}: ${because(action)}, so ${LOSS[action]}. ${p.compatibility.reason}`
}
