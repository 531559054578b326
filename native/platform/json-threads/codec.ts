/** What the JSON threads do, the same in a worker (json-worker.ts) and in this thread (small bodies, fallback). */

export type JsonRequest =
  | { readonly id: number; readonly op: 'parse'; readonly bytes: Uint8Array }
  | { readonly id: number; readonly op: 'stringify'; readonly value: unknown; readonly splice: Splice | null }

export type JsonReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: true; readonly bytes: Uint8Array }
  | { readonly id: number; readonly ok: false; readonly kind: JsonErrorKind; readonly message: string }

/** Text to put in place of the string `"token"` in the output (JSON.stringify cannot print a bigint). */
export interface Splice {
  readonly token: string
  readonly text: string
}

export type JsonErrorKind = 'utf8' | 'json' | 'internal'

/** The body was not strict UTF-8 ('utf8') or not JSON ('json'): the message is JSON.parse's. */
export class JsonCodecError extends Error {
  constructor(
    readonly kind: JsonErrorKind,
    message: string,
  ) {
    super(message)
    this.name = 'JsonCodecError'
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** A strict UTF-8 decode (invalid bytes are an error, not replaced) and one JSON.parse. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    throw new JsonCodecError('utf8', 'not valid UTF-8')
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new JsonCodecError('json', error instanceof Error ? error.message : 'parse error')
  }
}

/** JSON.stringify (no replacer: V8's fast path), with the first `"token"` swapped for `splice.text`. */
export function stringifyJson(value: unknown, splice: Splice | null): string {
  const json = JSON.stringify(value)
  if (!splice) return json
  const at = json.indexOf(`"${splice.token}"`)
  return at < 0 ? json : `${json.slice(0, at)}${splice.text}${json.slice(at + splice.token.length + 2)}`
}
