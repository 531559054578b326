import { refusedConnection } from '../bittensor/chain'

/**
 * Readable text for anything a command throws. Libraries throw more than Errors: a WebSocket
 * error arrives as an Event (`{}` once stringified), polkadot rejects with plain objects.
 */
export function describeThrown(thrown: unknown): string {
  const refused = connectionRefused(thrown)
  if (refused) return refused
  if (thrown instanceof Error) return thrown.message || thrown.name
  if (typeof thrown === 'string') return thrown
  if (thrown === null || thrown === undefined) return 'an unknown error (nothing was reported)'
  if (typeof thrown !== 'object') return String(thrown)
  const record = thrown as Record<string, unknown>
  if (typeof record.message === 'string' && record.message !== '') return record.message
  if (record.error !== undefined && record.error !== thrown) return describeThrown(record.error)
  if (typeof record.type === 'string') {
    const target = record.target as { url?: unknown } | undefined
    const where = typeof target?.url === 'string' ? ` ${target.url}` : ''
    return record.type === 'error' || record.type === 'close'
      ? `the connection to${where || ' the node'} failed (is the address right, and is the node running?)`
      : `unexpected "${record.type}" event from${where || ' a connection'}`
  }
  let json: string | undefined
  try {
    json = JSON.stringify(thrown)
  } catch {
    json = undefined // circular
  }
  return json && json !== '{}' ? json : `an unknown error (${Object.prototype.toString.call(thrown)})`
}

/**
 * Node's "connect ECONNREFUSED 127.0.0.1:9944" says nothing to a user about what to do. The engine
 * says it for the UI; a terminal user gets flags instead of "the header".
 */
function connectionRefused(thrown: unknown): string | null {
  const refused = refusedConnection(thrown)
  if (!refused) return null
  const where = refused.address !== null && refused.port !== null ? `${refused.address}:${refused.port}` : 'the node'
  const practice = refused.port === 9944 ? ' Start the practice chain with `taodesk devnet` in another terminal, or choose another' : ' Check the address, or choose another'
  return `Nothing answered at ${where} (connection refused).${practice} node with --network or --url.`
}
