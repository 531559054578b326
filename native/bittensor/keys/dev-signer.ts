import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import type { Signer } from './signer'

/** A signer from a dev URI such as `//Alice` or `//Bob//hot` (practice network and tests only). */
export async function devSigner(uri: string): Promise<Signer> {
  await cryptoWaitReady()
  if (!uri.startsWith('//')) throw new Error('Only dev URIs such as //Alice or //Bob//hot are accepted here; use your wallet for real keys.')
  const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(uri)
  return { address: pair.address, publicKey: pair.publicKey, sign: (m) => pair.sign(m) }
}
