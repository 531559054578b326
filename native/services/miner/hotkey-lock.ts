import fs from 'node:fs'
import path from 'node:path'

export class HotkeyLockedError extends Error {
  constructor(
    readonly hotkey: string,
    readonly pid: number,
  ) {
    super(
      `Hotkey ${hotkey} is already mining on this machine (process ${pid}). Running one hotkey twice gets both axons' answers mixed up; stop the other miner first (taodesk miner stop, or end process ${pid}).`,
    )
    this.name = 'HotkeyLockedError'
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * A lock file with the owner's pid in `<home>/locks/miner-<hotkey>.lock`, created with O_EXCL.
 * A lock left by a dead process is taken over.
 */
export class HotkeyLock {
  private held = false
  readonly file: string

  constructor(
    home: string,
    readonly hotkey: string,
    private readonly pid = process.pid,
  ) {
    if (!/^[1-9A-HJ-NP-Za-km-z]{40,60}$/.test(hotkey)) throw new Error(`Not an SS58 hotkey: ${hotkey}`)
    this.file = path.join(home, 'locks', `miner-${hotkey}.lock`)
  }

  acquire(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 })
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(this.file, 'wx', 0o600)
        fs.writeSync(fd, `${this.pid}\n`)
        fs.closeSync(fd)
        this.held = true
        return
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const owner = this.owner()
      if (owner !== undefined && owner !== this.pid && alive(owner)) throw new HotkeyLockedError(this.hotkey, owner)
      // Stale (dead owner, unreadable, or our own pid from a previous run): remove and retry.
      fs.rmSync(this.file, { force: true })
    }
    throw new Error(`Could not take the miner lock ${this.file}; remove it if no miner is running.`)
  }

  owner(): number | undefined {
    try {
      const n = Number(fs.readFileSync(this.file, 'utf8').trim())
      return Number.isInteger(n) && n > 0 ? n : undefined
    } catch {
      return undefined
    }
  }

  release(): void {
    if (!this.held) return
    this.held = false
    if (this.owner() === this.pid) fs.rmSync(this.file, { force: true })
  }
}
