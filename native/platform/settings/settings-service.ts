import { Settings } from '../../contract'
import type { Handlers, SettingsPatch } from '../../contract'
import type { Store } from '../store'
import type { Logger } from '../logging'

/** Reads and writes user settings through the contract's schema (defaults applied on read). */
export class SettingsService {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly onChanged: (settings: Settings) => void,
  ) {}

  get(): Settings {
    const stored = this.store.settings.readAll()
    const known = Object.fromEntries(Object.entries(stored).filter(([k]) => k in Settings.shape))
    const parsed = Settings.safeParse(known)
    if (parsed.success) return parsed.data
    // One bad stored value must not reset the rest: fall back per key.
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(known)) {
      if (Settings.shape[key as keyof Settings].safeParse(value).success) out[key] = value
      else this.log.warn('Ignoring an invalid stored setting; using its default', { key })
    }
    return Settings.parse(out)
  }

  update(patch: SettingsPatch): Settings {
    const changed = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    this.store.settings.writeMany(changed)
    const next = this.get()
    this.log.info('Settings changed', changed)
    this.onChanged(next)
    return next
  }

  handlers(): Pick<Handlers, 'settings.get' | 'settings.update'> {
    return {
      'settings.get': () => this.get(),
      'settings.update': (patch) => this.update(patch),
    }
  }
}
