import type { EncryptionErrorCode, KdfParams } from './encryption'

export type KdfJob =
  | { readonly op: 'seal'; readonly password: Uint8Array; readonly data: Uint8Array; readonly params: KdfParams }
  | { readonly op: 'open'; readonly password: Uint8Array; readonly data: Uint8Array; readonly params: KdfParams }
  | { readonly op: 'derive'; readonly password: Uint8Array; readonly data: Uint8Array; readonly params: KdfParams }

export type KdfReply =
  | { readonly type: 'started' }
  | { readonly type: 'done'; readonly bytes: Uint8Array }
  | { readonly type: 'error'; readonly code: EncryptionErrorCode | 'INTERNAL'; readonly message: string }
