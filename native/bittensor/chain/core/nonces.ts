/**
 * Nonce tracking per endpoint and account: the node's next index plus what this process has
 * sent and the node may not count yet, so two quick submissions never reuse a nonce.
 */
const nextNonce = new Map<string, number>()

const keyOf = (endpoint: string, address: string): string => `${endpoint}:${address}`

/** Takes the nonce for the next extrinsic of `address` (the larger of the node's and ours). */
export function takeNonce(endpoint: string, address: string, chainNext: number): number {
  const key = keyOf(endpoint, address)
  const nonce = Math.max(chainNext, nextNonce.get(key) ?? 0)
  nextNonce.set(key, nonce + 1)
  return nonce
}

/** Forgets our count after a send that applied nothing: the node's index is right again. */
export function dropNonce(endpoint: string, address: string): void {
  nextNonce.delete(keyOf(endpoint, address))
}

/** Forgets every account of an endpoint (its connection closed). */
export function forgetNonces(endpoint: string): void {
  for (const k of [...nextNonce.keys()]) if (k.startsWith(`${endpoint}:`)) nextNonce.delete(k)
}
