import { describe, expect, it } from 'vitest'
import { errorMessage, sentence } from '../base'
import { errorMessage as fromRpc } from './index'

describe('errorMessage: anything thrown becomes readable text', () => {
  it('keeps Error messages and strings', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom')
    expect(errorMessage('plain')).toBe('plain')
  })

  it('names the address of a WebSocket error event instead of [object Object]', () => {
    // What @polkadot/api's isReadyOrError rejects with when the node cannot be reached (ws's ErrorEvent).
    const event = { type: 'error', target: { url: 'wss://entrypoint-finney.opentensor.ai:443', readyState: 3 } }
    expect(String(event)).toBe('[object Object]')
    expect(errorMessage(event)).toBe('Could not connect to wss://entrypoint-finney.opentensor.ai:443: the connection failed.')
    expect(errorMessage({ type: 'error', target: { _url: 'ws://127.0.0.1:9944' } })).toContain('ws://127.0.0.1:9944')
  })

  it('reads a nested error or a message field, never "{}"', () => {
    expect(errorMessage({ error: new Error('ECONNREFUSED 127.0.0.1:9944'), type: 'error' })).toBe('ECONNREFUSED 127.0.0.1:9944')
    expect(errorMessage({ message: 'Stake below minimum' })).toBe('Stake below minimum')
    expect(errorMessage({})).not.toMatch(/\{\}|object Object/)
    expect(errorMessage(undefined)).toMatch(/unknown error/)
  })

  it('is the one the RPC layer exports', () => {
    expect(fromRpc).toBe(errorMessage)
  })

  it('joins a lead-in and a detail without a double period', () => {
    expect(sentence('Could not read the balance from the chain', new Error('Timed out.'))).toBe('Could not read the balance from the chain: Timed out.')
    expect(sentence('The miner could not start', { type: 'error', target: { url: 'ws://127.0.0.1:1' } })).toBe('The miner could not start: Could not connect to ws://127.0.0.1:1: the connection failed.')
  })
})
