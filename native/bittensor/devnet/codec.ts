import { Metadata, TypeRegistry } from '@polkadot/types'
import { expandMetadata } from '@polkadot/types/metadata/decorate'
import type { DecoratedMeta } from '@polkadot/types/metadata/decorate/types'
import type { StorageEntry } from '@polkadot/types/primitive/types'
import type { Codec } from '@polkadot/types/types'
import { compactAddLength, compactStripLength, hexToU8a, stringCamelCase, u8aConcat, u8aToHex } from '@polkadot/util'
import { loadFinneyMetadata } from '../chain/metadata'
import { SUBTENSOR_SIGNED_EXTENSIONS } from '../chain/signed-extensions'


/**
 * Everything the devnet needs from the real runtime metadata: the type registry, storage key
 * builders, value codecs with their defaults, event and error indices. Nothing here is hand-typed:
 * a storage item, call, event or error that the metadata lacks is an error, not a guess.
 */
export class ChainCodec {
  readonly registry: TypeRegistry
  readonly metadata: Metadata
  readonly metadataBytes: Uint8Array
  readonly decorated: DecoratedMeta
  private readonly entries = new Map<string, StorageEntry>()

  constructor(metadataBytes: Uint8Array = loadFinneyMetadata()) {
    this.metadataBytes = metadataBytes
    this.registry = new TypeRegistry()
    this.metadata = new Metadata(this.registry, metadataBytes)
    this.registry.setMetadata(this.metadata, undefined, SUBTENSOR_SIGNED_EXTENSIONS)
    this.decorated = expandMetadata(this.registry, this.metadata)
  }

  entry(pallet: string, item: string): StorageEntry {
    const id = `${pallet}.${item}`
    let e = this.entries.get(id)
    if (!e) {
      e = this.decorated.query[stringCamelCase(pallet)]?.[stringCamelCase(item)]
      if (!e) throw new Error(`The runtime metadata has no storage item ${id}`)
      this.entries.set(id, e)
    }
    return e
  }

  has(pallet: string, item: string): boolean {
    return this.decorated.query[stringCamelCase(pallet)]?.[stringCamelCase(item)] !== undefined
  }

  /** The full storage key (hex) of an item and its map keys. */
  key(pallet: string, item: string, ...args: unknown[]): string {
    const e = this.entry(pallet, item)
    return u8aToHex(compactStripLength(e(...args))[1])
  }

  /** The key prefix shared by all entries whose first map keys are `args` (fewer than the full set). */
  prefix(pallet: string, item: string, ...args: unknown[]): string {
    const e = this.entry(pallet, item)
    if (args.length === 0) return u8aToHex(e.keyPrefix())
    return u8aToHex(e.keyPrefix(...args))
  }

  valueType(pallet: string, item: string): string {
    const e = this.entry(pallet, item)
    const t = e.meta.type
    return this.registry.createLookupType(t.isPlain ? t.asPlain : t.asMap.value)
  }

  isOptional(pallet: string, item: string): boolean {
    return this.entry(pallet, item).meta.modifier.isOptional
  }

  fallback(pallet: string, item: string): Uint8Array {
    return this.entry(pallet, item).meta.fallback.toU8a(true)
  }

  encode(pallet: string, item: string, value: unknown): string {
    // toU8a, not toHex: integer codecs print big-endian hex, storage holds SCALE (little-endian).
    return u8aToHex(this.registry.createType(this.valueType(pallet, item), value).toU8a())
  }

  decode<T extends Codec = Codec>(pallet: string, item: string, bytes: Uint8Array | string): T {
    const u8a = typeof bytes === 'string' ? hexToU8a(bytes) : bytes
    return this.registry.createType(this.valueType(pallet, item), u8a) as unknown as T
  }

  /** Decodes the map keys at the end of a full storage key. */
  keyArgs(pallet: string, item: string, key: string): Codec[] {
    const e = this.entry(pallet, item)
    const full = this.registry.createType('StorageKey', key)
    full.setMeta(e.meta, e.section, e.method)
    return full.args
  }

  palletIndex(pallet: string): number {
    const p = this.metadata.asLatest.pallets.find((x) => x.name.toString() === pallet)
    if (!p) throw new Error(`The runtime metadata has no pallet ${pallet}`)
    return p.index.toNumber()
  }

  /** SCALE bytes of one RuntimeEvent: pallet index, variant index, then each field's encoding. */
  eventBytes(pallet: string, name: string, fields: readonly unknown[]): Uint8Array {
    const ev = this.decorated.events[stringCamelCase(pallet)]?.[name]
    if (!ev) throw new Error(`The runtime metadata has no event ${pallet}.${name}`)
    const meta = ev.meta
    if (meta.fields.length !== fields.length) throw new Error(`${pallet}.${name} takes ${meta.fields.length} fields`)
    const parts = meta.fields.map((f, i) => this.registry.createType(this.registry.createLookupType(f.type), fields[i]).toU8a())
    return u8aConcat(new Uint8Array([this.palletIndex(pallet), meta.index.toNumber()]), ...parts)
  }

  /** DispatchError::Module bytes for a pallet error name. */
  moduleError(pallet: string, name: string): { index: number; error: number } {
    const err = this.decorated.errors[stringCamelCase(pallet)]?.[name]
    if (!err) throw new Error(`The runtime metadata has no error ${pallet}.${name}`)
    return { index: this.palletIndex(pallet), error: err.meta.index.toNumber() }
  }

  /** Output type of a runtime API method (`Api_method`), and its input types. */
  runtimeApi(apiMethod: string): { inputs: string[]; output: string } {
    const [api, ...rest] = apiMethod.split('_')
    const fn = rest.join('_')
    const a = this.metadata.asLatest.apis.find((x) => x.name.toString() === api)
    const m = a?.methods.find((x) => x.name.toString() === fn)
    if (!m) throw new Error(`The runtime has no API method ${apiMethod}`)
    return { inputs: m.inputs.map((i) => this.registry.createLookupType(i.type)), output: this.registry.createLookupType(m.output) }
  }
}


export { compactAddLength }
