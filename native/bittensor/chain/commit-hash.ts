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

/** First and last block of the reveal window of a commit made at `block` (classic epoch formula). */
export function revealWindow(block: number, netuid: number, tempo: number, revealPeriod: number): { epoch: number; first: number; last: number } {
  const epoch = Math.floor((block + netuid + 1) / (tempo + 1))
  const first = (epoch + revealPeriod) * (tempo + 1) - (netuid + 1)
  return { epoch, first, last: first + tempo }
}
