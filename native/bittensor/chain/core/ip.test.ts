import { describe, expect, it } from 'vitest'
import { ChainError } from './errors'
import { decodeIp, encodeIp } from './ip'

describe('axon IP encoding', () => {
  it('encodes axon IPs per §6.3', () => {
    expect(encodeIp('1.2.3.4')).toEqual({ ip: 16909060n, ipType: 4 })
    expect(encodeIp('::1')).toEqual({ ip: 1n, ipType: 6 })
    expect(decodeIp(16909060n, 4)).toBe('1.2.3.4')
    expect(() => encodeIp('300.1.1.1')).toThrow(ChainError)
  })
})
