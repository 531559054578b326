import type { Handlers, MethodName } from '../contract'
import { METHOD_NAMES } from '../contract'

type AnyHandler = Handlers[MethodName]

/** What one part of the engine contributes: its contract handlers and how to stop it. */
export interface EnginePart {
  readonly handlers?: Partial<Handlers>
  dispose?(): void | Promise<void>
}

/**
 * The composition root registers every part here, in the order they are built. A method
 * registered twice, or a contract method nobody registered, stops the engine at start with the
 * names involved (not at the first call). Parts are disposed in reverse order.
 */
export class ServiceRegistry {
  private readonly owners = new Map<MethodName, string>()
  private readonly table = new Map<MethodName, AnyHandler>()
  private readonly parts: Array<{ name: string; part: EnginePart }> = []

  register<P extends EnginePart>(name: string, part: P): P {
    for (const [method, handler] of Object.entries(part.handlers ?? {}) as Array<[MethodName, AnyHandler | undefined]>) {
      if (!handler) continue
      const owner = this.owners.get(method)
      if (owner !== undefined) throw new Error(`The engine method ${method} is registered twice: by ${owner} and by ${name}.`)
      this.owners.set(method, name)
      this.table.set(method, handler)
    }
    this.parts.push({ name, part })
    return part
  }

  /** Every contract method's handler; throws when one has none. */
  handlers(): Handlers {
    const missing = METHOD_NAMES.filter((m) => !this.table.has(m))
    if (missing.length > 0) throw new Error(`No part of the engine handles ${missing.join(', ')}.`)
    return Object.fromEntries(this.table) as Handlers
  }

  /** Disposes parts newest first; one failing does not stop the others. */
  async dispose(onError: (name: string, error: unknown) => void): Promise<void> {
    for (const { name, part } of [...this.parts].reverse()) {
      try {
        await part.dispose?.()
      } catch (error) {
        onError(name, error)
      }
    }
  }
}
