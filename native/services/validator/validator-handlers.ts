import type { EventSink } from '../../contract'
import type { Handlers } from '../../contract'
import type { Logger } from '../../platform/logging'
import type { Store } from '../../platform/store'
import type { RealValidatorRuntime, ValidatorIdentity } from './runtime/validator-runtime'
import { ValidatorService } from './validator-service'
import type { ValidatorServiceOptions } from './validator-service'
import type { SecretsStore } from './validator-secrets'
import type { SubnetCheck } from '../chain'
import { ValidatorTables } from './validator-tables'
import type { LocalBaselines } from './local-baselines'

/** What the chain client and the wallet provide to the validator (all optional). */
export type ValidatorRuntime = Pick<ValidatorServiceOptions, 'chainMetagraph' | 'weightSetter' | 'signer' | 'defaultWallet' | 'network'>

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
  | 'validator.dashboard'
>

export interface ValidatorDomainOptions {
  readonly store: Store
  readonly log: Logger
  readonly bus: EventSink
  readonly secrets?: SecretsStore
  /**
   * The chain side: given as is (tests), or built here for the hotkey named in the validator's own
   * settings (the runtime signs as that hotkey; the service runs rounds on the runtime).
   */
  readonly runtime?: ValidatorRuntime | ((identity: () => ValidatorIdentity) => RealValidatorRuntime)
  /** Refuses a subnet that does not declare the text-embedding protocol (unless `force`); absent in tests without a chain. */
  readonly checkSubnet?: SubnetCheck
  /** The installed local models, scored as dashboard baselines on each round's texts. */
  readonly localBaselines?: LocalBaselines
}

export interface ValidatorDomain {
  readonly service: ValidatorService
  readonly handlers: ValidatorHandlers
  /** The chain runtime built here, if any: feed it `chain.status` (reveals let go of the update lease). */
  readonly runtime?: RealValidatorRuntime
  dispose(): Promise<void>
}

export function createValidatorDomain(o: ValidatorDomainOptions): ValidatorDomain {
  // The one cycle between the two is closed here: the identity is read only when a round needs the hotkey.
  const identity = (): ValidatorIdentity => service.getConfig()
  const built = typeof o.runtime === 'function' ? o.runtime(identity) : undefined
  const service: ValidatorService = new ValidatorService({
    tables: new ValidatorTables(o.store.db),
    log: o.log,
    secrets: o.secrets,
    fire: {
      status: (s) => {
        o.bus.fire('validator.status', s)
        // A round in progress holds an update lease.
        built?.onStatus(s)
      },
      round: (r) => o.bus.fire('validator.round', r),
      dashboard: (r) => o.bus.fire('validator.dashboard', r),
    },
    localBaselines: o.localBaselines,
    ...(typeof o.runtime === 'function' ? built : o.runtime),
  })
  const resets = built?.onChainReset((message) => service.chainReset(message))
  const handlers: ValidatorHandlers = {
    'validator.status': () => service.status(),
    'validator.start': async ({ force }) => {
      const config = service.getConfig()
      // A file metagraph watches the user's own miners: no subnet to check.
      if (config.metagraph === 'chain') await o.checkSubnet?.({ action: 'validator', netuid: config.netuid, force })
      return service.start()
    },
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
    'validator.dashboard': (p) => service.dashboard(p.limit),
  }
  return {
    service,
    handlers,
    runtime: built,
    async dispose() {
      resets?.dispose()
      await service.dispose()
      built?.dispose()
    },
  }
}
