/** Anything that can sign for an account: a dev key, a wallet coldkey or hotkey. */
export interface Signer {
  /** SS58 address of the public key. */
  readonly address: string
  readonly publicKey: Uint8Array
  /** sr25519 signature (64 bytes, "substrate" signing context) over message. */
  sign(message: Uint8Array): Uint8Array
}
