/**
 * A subnet's on-chain identity: `SubtensorModule.SubnetIdentitiesV3` (network-2026.md §1.2; subtensor
 * `lib.rs:305`), eight SCALE `Vec<u8>` fields written by the owner with `set_subnet_identity`.
 *
 * Never the subnet "name" the runtime APIs return: `get_name_for_subnet` falls back to a hard-coded
 * table when the identity is missing (it still says "kaito" for netuid 5, `subnets/symbols.rs:472-490`).
 */
import { compactFromU8a } from '@polkadot/util'
import type { ChainContext } from '../core/context'
import { cached } from '../core/context'
import { subtensorItem } from '../core/storage'
import type { SubnetIdentity } from '../types'

/** The fields in SCALE order (`SubnetIdentityV3`). */
export const SUBNET_IDENTITY_FIELDS = ['name', 'githubRepo', 'contact', 'url', 'discord', 'description', 'logoUrl', 'additional'] as const

/** The longest field subtensor accepts is 1024 bytes (`utils/identity.rs:204-229`); more is not an identity. */
const MAX_FIELD_BYTES = 1024

const utf8 = new TextDecoder('utf-8', { fatal: false })

/**
 * Owner-written bytes as text a UI can show: invalid UTF-8 becomes U+FFFD, control and
 * bidirectional-override characters (which could disguise a name) are dropped, ends trimmed.
 */
export function identityText(bytes: Uint8Array): string {
  return utf8
    .decode(bytes.subarray(0, MAX_FIELD_BYTES))
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
}

/** Decodes the SCALE value of `SubnetIdentityV3`; null when the bytes are not one. */
export function decodeSubnetIdentity(bytes: Uint8Array): SubnetIdentity | null {
  const out: Record<string, string> = {}
  let at = 0
  for (const field of SUBNET_IDENTITY_FIELDS) {
    if (at >= bytes.length) return null
    const [prefix, length] = compactFromU8a(bytes.subarray(at))
    const len = length.toNumber()
    at += prefix
    if (len > MAX_FIELD_BYTES || at + len > bytes.length) return null
    out[field] = identityText(bytes.subarray(at, at + len))
    at += len
  }
  return out as unknown as SubnetIdentity
}

type IdentityCodec = { isSome?: boolean; isNone?: boolean; unwrap?: () => { toU8a(): Uint8Array }; toU8a(): Uint8Array }

function fromCodec(value: unknown): SubnetIdentity | null {
  const v = value as IdentityCodec
  if (v.isNone || v.isSome === false) return null
  return decodeSubnetIdentity(v.unwrap ? v.unwrap().toU8a() : v.toU8a())
}

/** The identity of one subnet, or null when its owner never set one (or the runtime has none). */
export async function subnetIdentity(ctx: ChainContext, netuid: number): Promise<SubnetIdentity | null> {
  const item = subtensorItem(ctx.api, 'subnetIdentitiesV3')
  if (!item) return null
  return cached(ctx, `identity:${netuid}`, fromCodec(await item(netuid)))
}

/** Every subnet's identity, by netuid (subnets without one are absent). */
export async function subnetIdentities(ctx: ChainContext): Promise<Map<number, SubnetIdentity>> {
  const item = subtensorItem(ctx.api, 'subnetIdentitiesV3')
  const out = new Map<number, SubnetIdentity>()
  if (!item?.entries) return out
  for (const [key, value] of await item.entries()) {
    const identity = fromCodec(value)
    if (identity) out.set(Number(String(key.args[0])), identity)
  }
  return out
}
