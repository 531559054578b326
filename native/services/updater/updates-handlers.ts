import fs from 'node:fs'
import path from 'node:path'
import type { Handlers } from '../../contract'
import type { UpdateMemory, UpdateService } from './update-service'

export function createUpdatesHandlers(
  service: UpdateService,
): Pick<Handlers, 'updates.status' | 'updates.check' | 'updates.download' | 'updates.restart' | 'updates.cancelRestart'> {
  return {
    'updates.status': () => service.status(),
    'updates.check': () => service.check(),
    'updates.download': () => service.download(),
    'updates.restart': () => service.restart(),
    'updates.cancelRestart': () => service.cancelRestart(),
  }
}

/** Remembers the last check time in `<home>/updater.json`; a broken file reads as "never". */
export function fileUpdateMemory(home: string): UpdateMemory {
  const file = path.join(home, 'updater.json')
  return {
    load() {
      try {
        const value = (JSON.parse(fs.readFileSync(file, 'utf8')) as { lastCheckAt?: unknown }).lastCheckAt
        return { lastCheckAt: typeof value === 'number' && Number.isFinite(value) ? value : null }
      } catch {
        return { lastCheckAt: null }
      }
    },
    save(value) {
      try {
        const temp = `${file}.tmp`
        fs.writeFileSync(temp, JSON.stringify(value))
        fs.renameSync(temp, file)
      } catch {
        // Losing the last-check time is harmless; the next check writes it again.
      }
    },
  }
}
