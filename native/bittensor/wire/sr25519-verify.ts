import { sr25519Verify as jsSr25519Verify } from '@polkadot/util-crypto'
import { isReady as wasmIsReady, sr25519Verify as wasmSr25519Verify, waitReady as wasmWaitReady } from '@polkadot/wasm-crypto'

/**
 * The sr25519 signature check of every signed request (v10 synapses and btauth/1). Since
 * @polkadot/util-crypto 14 its `sr25519Verify` is pure JS (@scure/sr25519): about 3.5 ms per
 * check on a 2-core Xeon, against 0.6 ms for schnorrkel compiled to WASM (@polkadot/wasm-crypto,
 * which util-crypto still loads for hashing). The axon checks one signature per request on its
 * main thread, so the WASM check is used once it is loaded, and the JS one otherwise: both
 * accept and refuse the same signatures (sr25519-verify.test.ts).
 */

export type Sr25519Backend = 'wasm' | 'js'

type Verify = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean

/** Both checks, same argument order (wasm-crypto takes the signature first). */
export const SR25519_VERIFIERS: Readonly<Record<Sr25519Backend, Verify>> = {
  wasm: (message, signature, publicKey) => wasmSr25519Verify(signature, message, publicKey),
  js: (message, signature, publicKey) => jsSr25519Verify(message, signature, publicKey),
}

let loading: Promise<Sr25519Backend> | undefined

/**
 * Loads the WASM check once per process (later calls share the first); resolves with the check
 * `sr25519Verify` will use. When WASM cannot load (an old or locked-down runtime), requests are
 * still checked, with the slower JS code, and `onFallback` hears why, from the first caller only.
 */
export function sr25519VerifierReady(onFallback?: (message: string) => void): Promise<Sr25519Backend> {
  loading ??= wasmWaitReady()
    .catch(() => false)
    .then((ok) => {
      if (ok && wasmIsReady()) return 'wasm' as const
      onFallback?.('The fast (WebAssembly) signature check could not be loaded; signatures are checked with the slower JavaScript code instead (about 3 ms more per request).')
      return 'js' as const
    })
  return loading
}

let forced: Sr25519Backend | null = null

/** For the bench's before/after only: check with `backend` (null: the fastest one loaded). */
export function forceSr25519Backend(backend: Sr25519Backend | null): void {
  forced = backend
}

/** The backend a check made now would use. */
export function sr25519Backend(): Sr25519Backend {
  return forced ?? (wasmIsReady() ? 'wasm' : 'js')
}

/**
 * Whether `signature` signs `message` for `publicKey` (schnorrkel, "substrate" context). Anything
 * malformed (lengths, a point or scalar that does not decode) is a wrong signature: false.
 */
export function sr25519Verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  try {
    return SR25519_VERIFIERS[sr25519Backend()](message, signature, publicKey)
  } catch {
    return false
  }
}
