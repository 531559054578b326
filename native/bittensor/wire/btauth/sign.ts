import type { Signer } from '../../keys/signer'
import { hexSignature } from '../v10/format'
import { BTAUTH_HEADERS, BTAUTH_VERSION, btauthPayloadBytes, sha256Hex } from './payload'

/**
 * The sending side of btauth/1 (network-2026 §9.1, §9.2): the headers that sign one request
 * with a hotkey. Our Signer is sr25519, so `X-Bittensor-Crypto` is left out, as the spec says.
 */
export interface BtauthRequest {
  readonly method: string
  /** Path and query exactly as they will be sent. */
  readonly target: string
  /** The exact bytes that will be sent. */
  readonly body: Uint8Array | string
  /** The receiver's SS58 hotkey (servers require it by default). */
  readonly receiver: string
  /** Fresh for every attempt: a resend of a signed request is a replay. */
  readonly nonce: bigint
}

export function btauthHeaders(signer: Signer, request: BtauthRequest): Record<string, string> {
  const payload = btauthPayloadBytes({
    scheme: 'sr25519',
    method: request.method,
    target: request.target,
    bodySha256: sha256Hex(request.body),
    nonce: request.nonce,
    sender: signer.address,
    receiver: request.receiver,
  })
  return {
    [BTAUTH_HEADERS.version]: BTAUTH_VERSION,
    [BTAUTH_HEADERS.hotkey]: signer.address,
    [BTAUTH_HEADERS.receiver]: request.receiver,
    [BTAUTH_HEADERS.nonce]: request.nonce.toString(),
    [BTAUTH_HEADERS.signature]: hexSignature(signer.sign(payload)),
  }
}
