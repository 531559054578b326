import { describe, expect, it } from 'vitest'
import { reconnectTarget } from './reconnect-target'

const here = { origin: 'http://127.0.0.1:8765' }

describe('reconnectTarget', () => {
  it('opens a pasted serve URL with its token', () => {
    expect(reconnectTarget(' http://127.0.0.1:8765/?token=abcdef0123456789abcd ', here)).toBe('http://127.0.0.1:8765/?token=abcdef0123456789abcd')
  })
  it('accepts a bare token for this address', () => {
    expect(reconnectTarget('abcdef0123456789abcd', here)).toBe('http://127.0.0.1:8765/?token=abcdef0123456789abcd')
  })
  it('refuses anything else', () => {
    expect(reconnectTarget('http://127.0.0.1:8765/', here)).toBeNull()
    expect(reconnectTarget('javascript:alert(1)?token=x', here)).toBeNull()
    expect(reconnectTarget('', here)).toBeNull()
  })
})
