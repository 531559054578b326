import { describe, expect, it } from 'vitest'
import { parseEndpointFlag } from './miner'

describe('miner start --endpoint', () => {
  it('reads KIND=URL with optional weight, model and key-env', () => {
    expect(parseEndpointFlag('tei=http://127.0.0.1:8080')).toEqual({ kind: 'tei', url: 'http://127.0.0.1:8080', weight: 1 })
    expect(parseEndpointFlag('openai=http://127.0.0.1:7997/v1,weight=2.5,model=bge-large,key-env=INFINITY_KEY')).toEqual({
      kind: 'openai',
      url: 'http://127.0.0.1:7997/v1',
      weight: 2.5,
      model: 'bge-large',
      apiKeyEnv: 'INFINITY_KEY',
    })
  })

  it('explains what is wrong in plain words', () => {
    expect(() => parseEndpointFlag('http://127.0.0.1:8080')).toThrow(/write KIND=URL/)
    expect(() => parseEndpointFlag('grpc=http://127.0.0.1:8080')).toThrow(/kind/)
    expect(() => parseEndpointFlag('tei=127.0.0.1:8080')).toThrow(/http:\/\/ or https:\/\//)
    expect(() => parseEndpointFlag('tei=http://127.0.0.1:8080,speed=3')).toThrow(/unknown option "speed"/)
    expect(() => parseEndpointFlag('tei=http://127.0.0.1:8080,weight=0')).toThrow(/weight/)
  })
})
