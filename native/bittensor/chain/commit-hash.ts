import type { Registry } from '@polkadot/types/types'
import { u8aConcat } from '@polkadot/util'
import { blake2AsHex, decodeAddress } from '@polkadot/util-crypto'

/** CR v2 commit hash (spec §6.5): blake2b-256 of SCALE(hotkey, u16 netuid, uids, values, salt, u64 version_key). */
export function commitHash(registry: Registry, hotkey: string, netuid: number, uids: readonly number[], values: readonly number[], salt: readonly number[], versionKey: bigint): string {
  const bytes = u8aConcat(
    decodeAddress(hotkey),
    registry.createType('u16', netuid).toU8a(),
    registry.createType('Vec<u16>', [...uids]).toU8a(),
    registry.createType('Vec<u16>', [...values]).toU8a(),
    registry.createType('Vec<u16>', [...salt]).toU8a(),
    registry.createType('u64', versionKey).toU8a(),
  )
  return blake2AsHex(bytes, 256)
}

