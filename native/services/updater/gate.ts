import { Emitter } from '../../base'
import type { Disposable, Event } from '../../base'

/** One piece of work that must not be cut short by a restart (a miner request, a validator round). */
export interface SafetyLease extends Disposable {
  readonly id: number
  /** Who holds it, e.g. "miner", "validator". */
  readonly owner: string
  /** Shown to the user while an update waits: "validator round 1234 in progress". */
  readonly reason: string
  readonly since: number
  /** Same as dispose(); releasing twice is harmless. */
  release(): void
}

export interface LeaseInfo {
  readonly owner: string
  readonly reason: string
  readonly since: number
}

/**
 * The contract between the updater and the services that earn money. A service takes a lease
 * for as long as a restart would hurt (serving a request, inside a validator round, while a
 * weight commit waits to be revealed) and releases it afterwards. The updater applies an
 * update only when no lease is held.
 *
 *   const lease = engine.safetyGate.acquire('validator', `round ${n} in progress`)
 *   try { await runRound() } finally { lease.release() }
 */
export interface UpdateSafetyGate {
  acquire(owner: string, reason: string): SafetyLease
  /** True while at least one lease is held. */
  readonly busy: boolean
  /** The leases held now, oldest first. */
  leases(): LeaseInfo[]
  /** Fires whenever a lease is taken or released. */
  readonly onDidChange: Event<readonly LeaseInfo[]>
  /**
   * Runs `action` at the first moment no lease is held: immediately if idle now, otherwise
   * synchronously inside the release() that frees the last lease, so no new work can slip in
   * between "idle" and the action. Returns a Disposable that cancels the wait.
   */
  runWhenIdle(action: () => void): Disposable
}

export class SafetyGateRegistry implements UpdateSafetyGate {
  private readonly held = new Map<number, LeaseInfo>()
  private readonly waiters = new Set<() => void>()
  private readonly changed = new Emitter<readonly LeaseInfo[]>()
  private nextId = 1

  readonly onDidChange = this.changed.event

  constructor(private readonly now: () => number = Date.now) {}

  acquire(owner: string, reason: string): SafetyLease {
    const id = this.nextId++
    const info: LeaseInfo = { owner, reason, since: this.now() }
    this.held.set(id, info)
    this.changed.fire(this.leases())
    let released = false
    const release = (): void => {
      if (released) return
      released = true
      this.held.delete(id)
      this.changed.fire(this.leases())
      if (this.held.size === 0) this.flushWaiters()
    }
    return { id, ...info, release, dispose: release }
  }

  get busy(): boolean {
    return this.held.size > 0
  }

  leases(): LeaseInfo[] {
    return [...this.held.values()]
  }

  runWhenIdle(action: () => void): Disposable {
    if (this.held.size === 0) {
      action()
      return { dispose() {} }
    }
    this.waiters.add(action)
    return { dispose: () => void this.waiters.delete(action) }
  }

  private flushWaiters(): void {
    const waiters = [...this.waiters]
    this.waiters.clear()
    for (const waiter of waiters) {
      // A waiter may take a new lease; later waiters then wait for that one too.
      if (this.held.size > 0) {
        this.waiters.add(waiter)
        continue
      }
      waiter()
    }
  }
}
