import { describe, expect, it } from 'vitest'
import { describeThrown } from './error-text'

describe('describeThrown', () => {
  it('never prints an empty object: a WebSocket error event becomes a sentence', () => {
    const event = new Event('error')
    expect(JSON.stringify(event)).toBe('{}')
    expect(describeThrown(event)).toMatch(/the connection to the node failed/)
    const withTarget = { type: 'error', target: { url: 'ws://127.0.0.1:9944' } }
    expect(describeThrown(withTarget)).toMatch(/connection to ws:\/\/127\.0\.0\.1:9944 failed/)
  })

  it('a refused connection says what to do, not only ECONNREFUSED', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9944'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9944 })
    expect(describeThrown(e)).toBe('Nothing answered at 127.0.0.1:9944 (connection refused). Start the practice chain with `taodesk devnet` in another terminal, or choose another node with --network or --url.')
    const other = Object.assign(new Error('connect ECONNREFUSED 10.0.0.2:9000'), { code: 'ECONNREFUSED', address: '10.0.0.2', port: 9000 })
    expect(describeThrown({ type: 'error', message: e.message, error: e })).toMatch(/^Nothing answered at 127\.0\.0\.1:9944/)
    expect(describeThrown(other)).toMatch(/^Nothing answered at 10\.0\.0\.2:9000 \(connection refused\)\. Check the address/)
  })

  it('uses the message of Errors, error-like objects and wrapped errors', () => {
    expect(describeThrown(new Error('boom'))).toBe('boom')
    expect(describeThrown({ message: 'Priority is too low' })).toBe('Priority is too low')
    expect(describeThrown({ error: new Error('inner') })).toBe('inner')
    expect(describeThrown('plain')).toBe('plain')
  })

  it('falls back to JSON, or names the kind of value when JSON says nothing', () => {
    expect(describeThrown({ code: 1010 })).toBe('{"code":1010}')
    expect(describeThrown({})).toBe('an unknown error ([object Object])')
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(describeThrown(circular)).toMatch(/^an unknown error/)
    expect(describeThrown(undefined)).toMatch(/^an unknown error/)
  })
})
