import { describe, expect, it } from 'vitest'
import { METHOD_NAMES } from '../contract'
import type { Handlers } from '../contract'
import { ServiceRegistry } from './service-registry'

const health: Partial<Handlers> = { 'app.health': () => ({ uptimeMs: 0, rssBytes: 0, heapUsedBytes: 0, eventLoopLagMs: 0, connectedClients: 0 }) }

describe('ServiceRegistry', () => {
  it('refuses a method registered by two parts, naming both', () => {
    const registry = new ServiceRegistry()
    registry.register('app', { handlers: health })
    expect(() => registry.register('miner', { handlers: health })).toThrow('The engine method app.health is registered twice: by app and by miner.')
  })

  it('refuses to start while a contract method has no handler', () => {
    const registry = new ServiceRegistry()
    registry.register('app', { handlers: health })
    expect(() => registry.handlers()).toThrow(/No part of the engine handles .*app\.info/)
  })

  it('hands out the full table when every method is covered, and disposes newest first', async () => {
    const registry = new ServiceRegistry()
    const order: string[] = []
    const all = Object.fromEntries(METHOD_NAMES.map((m) => [m, () => undefined])) as unknown as Handlers
    registry.register('first', { handlers: {}, dispose: () => void order.push('first') })
    registry.register('second', { handlers: all, dispose: () => { order.push('second'); throw new Error('boom') } })
    expect(Object.keys(registry.handlers()).sort()).toEqual([...METHOD_NAMES].sort())
    const failures: string[] = []
    await registry.dispose((name) => failures.push(name))
    expect(order).toEqual(['second', 'first'])
    expect(failures).toEqual(['second'])
  })
})
