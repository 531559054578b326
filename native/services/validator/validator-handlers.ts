import type { EventSink } from '../../contract'
import type { Handlers } from '../../contract'
import type { Logger } from '../../platform/logging'
import type { Store } from '../../platform/store'
import { ValidatorService } from './validator-service'
import type { ValidatorServiceOptions } from './validator-service'
import type { SecretsStore } from './validator-secrets'
import { ValidatorTables } from './validator-tables'

/** What the chain client and the wallet provide to the validator (all optional). */
export type ValidatorRuntime = Pick<ValidatorServiceOptions, 'chainMetagraph' | 'weightSetter' | 'signer'>

type ValidatorHandlers = Pick<
  Handlers,
  | 'validator.status'
  | 'validator.start'
  | 'validator.stop'
  | 'validator.runRound'
  | 'validator.config.get'
  | 'validator.config.update'
  | 'validator.leaderboard'
  | 'validator.rounds'
  | 'validator.miner'
  | 'validator.weights'
>

export function createValidatorDomain(o: { store: Store; log: Logger; bus: EventSink; runtime?: ValidatorRuntime; secrets?: SecretsStore }): { service: ValidatorService; handlers: ValidatorHandlers } {
  const service = new ValidatorService({
    tables: new ValidatorTables(o.store.db),
    log: o.log,
    secrets: o.secrets,
    fire: { status: (s) => o.bus.fire('validator.status', s), round: (r) => o.bus.fire('validator.round', r) },
    ...o.runtime,
  })
  const handlers: ValidatorHandlers = {
    'validator.status': () => service.status(),
    'validator.start': () => service.start(),
    'validator.stop': () => service.stop(),
    'validator.runRound': () => service.runOnce(),
    'validator.config.get': async () => {
      await service.secretsReady
      return service.getConfig()
    },
    'validator.config.update': (p) => service.updateConfig(p),
    'validator.leaderboard': (p) => service.leaderboard(p.window),
    'validator.rounds': (p) => service.rounds(p.limit),
    'validator.miner': (p) => service.miner(p.uid, p.limit),
    'validator.weights': (p) => service.weightsHistory(p.limit),
  }
  return { service, handlers }
}
