import fs from 'node:fs'
import path from 'node:path'

/**
 * Marks a process as a foreground `taodesk miner start`: only such a process exists just to mine,
 * so only it may be stopped by a signal. A miner inside `taodesk serve` or the desktop app shares
 * its process with the UI, the validator and the practice chain.
 */
function markerPath(home: string, pid: number): string {
  return path.join(home, 'locks', `foreground-miner-${pid}.pid`)
}

/** Claims this process as a foreground miner; the returned function removes the claim. */
export function claimForegroundMiner(home: string, pid = process.pid): () => void {
  const file = markerPath(home, pid)
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  fs.writeFileSync(file, `${pid}\n`, { mode: 0o600 })
  return () => fs.rmSync(file, { force: true })
}

export function isForegroundMiner(home: string, pid: number): boolean {
  return fs.existsSync(markerPath(home, pid))
}
