import fs from 'node:fs'
import path from 'node:path'
import { makeTempHome } from '../../../../test/support/temp-home'
import type { EventName } from '../../../contract'
import { createLogger } from '../../../platform/logging'
import { Store } from '../../../platform/store'
import type { KdfParams } from '../../../bittensor/keys/encryption'
import { WalletService } from '../wallet-service'
import type { WalletServiceOptions } from '../wallet-service'

export interface FiredEvent {
  readonly name: EventName
  readonly payload: unknown
}

/** A WalletService over a temp store and wallets folder, recording every event it fires. */
export function serviceHarness(kdf?: KdfParams, extra: Pick<WalletServiceOptions, 'chain' | 'vault' | 'env'> = {}) {
  const home = makeTempHome('taodesk-wallet-')
  const walletsDir = path.join(home.dir, 'wallets')
  fs.mkdirSync(walletsDir)
  const store = Store.open(path.join(home.dir, 'taodesk.sqlite'))
  const logs: string[] = []
  const log = createLogger((level, source, message, fields) => {
    logs.push(JSON.stringify({ level, source, message, fields }))
    return undefined
  }, 'wallet')
  const events: FiredEvent[] = []
  const service = new WalletService({ store, log, fire: (name, payload) => events.push({ name, payload }), directory: walletsDir, insecureKdfForTests: kdf, ...extra })
  return {
    home: home.dir,
    walletsDir,
    store,
    service,
    events,
    logs,
    close() {
      service.dispose()
      store.close()
      home.cleanup()
    },
  }
}
