import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { databasePath, resolveHome } from './paths'

describe('data folder', () => {
  it('honours TAODESK_HOME first', () => {
    expect(resolveHome({ TAODESK_HOME: '/srv/taodesk' }, 'linux')).toBe(path.resolve('/srv/taodesk'))
    expect(resolveHome({ TAODESK_HOME: '  ' }, 'linux')).toBe(path.join(os.homedir(), '.config', 'TaoDesk'))
  })

  it('follows each platform convention (the folder Electron uses for userData)', () => {
    expect(resolveHome({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe(path.join('/x', 'TaoDesk'))
    expect(resolveHome({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'TaoDesk'))
    expect(resolveHome({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toBe(path.join('C:\\Users\\a\\AppData\\Roaming', 'TaoDesk'))
    expect(databasePath('/h')).toBe(path.join('/h', 'taodesk.sqlite'))
  })
})
