/**
 * The subnet API inside the engine: its settings (saved in SQLite beside the keys), the server
 * turned on and off with them, and the contract handlers for keys and usage. The miners come
 * from whoever builds this (the host: the validator's leaderboard and dendrite).
 */
import type Database from 'better-sqlite3'
import type { EventSink, Handlers, SubnetApiConfig, SubnetApiStatus } from '../../contract'
import { EngineError, SUBNET_API_DEFAULTS, SubnetApiConfig as ConfigSchema } from '../../contract'
import { ApiKeyStore, usageCsv } from './api-keys'
import type { SubnetApiLog } from './api-server'
import { SubnetApiServer, TLS_GUIDANCE } from './api-server'
import type { AskMiner, MinerCandidate } from './miner-router'
import { RateLimiter } from './rate-limiter'

export interface SubnetApiServiceOptions {
  readonly db: Database.Database
  readonly log: SubnetApiLog
  readonly fire: EventSink['fire']
  readonly candidates: () => readonly MinerCandidate[]
  readonly ask: AskMiner
  readonly model?: string
}

type SubnetApiHandlers = Pick<Handlers, 'subnetApi.status' | 'subnetApi.configure' | 'subnetApi.keys.create' | 'subnetApi.keys.list' | 'subnetApi.keys.revoke' | 'subnetApi.keys.rotate' | 'subnetApi.usage'>

const MODEL = 'taodesk-subnet-embeddings'
const ROUTE = { deadlineMs: 30_000, perMinerMs: 12_000, agreement: 0.9 }

class ConfigStore {
  constructor(private readonly db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS subnet_api_config (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)')
  }

  get(): SubnetApiConfig {
    const row = this.db.prepare<[], { json: string }>('SELECT json FROM subnet_api_config WHERE id = 1').get()
    // A saved value that no longer parses (older version) falls back field by field to the defaults.
    const parsed = row ? ConfigSchema.partial().safeParse(JSON.parse(row.json)) : undefined
    return { ...SUBNET_API_DEFAULTS, ...(parsed?.success ? parsed.data : {}) }
  }

  set(config: SubnetApiConfig): void {
    this.db.prepare('INSERT INTO subnet_api_config (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json').run(JSON.stringify(config))
  }
}

export class SubnetApiService {
  readonly keys: ApiKeyStore
  private readonly config: ConfigStore
  private server: SubnetApiServer | undefined
  private error: string | null = null
  private applying: Promise<void> = Promise.resolve()

  constructor(private readonly o: SubnetApiServiceOptions) {
    this.keys = new ApiKeyStore(o.db)
    this.config = new ConfigStore(o.db)
  }

  /** Starts listening when the saved settings say so (engine start). */
  restore(): Promise<void> {
    return this.apply()
  }

  status(): SubnetApiStatus {
    const port = this.server?.port ?? null
    const config = this.config.get()
    let miners = 0
    try {
      miners = this.o.candidates().length
    } catch {
      // The leaderboard may not be readable during shutdown; the count is informative only.
    }
    return {
      config,
      listening: port !== null,
      baseUrl: port === null ? null : `http://${config.bindAddress.includes(':') ? `[${config.bindAddress}]` : config.bindAddress}:${port}/v1`,
      error: this.error,
      miners,
      model: this.o.model ?? MODEL,
      tlsGuidance: TLS_GUIDANCE,
    }
  }

  async configure(patch: Partial<SubnetApiConfig>): Promise<SubnetApiStatus> {
    this.config.set({ ...this.config.get(), ...patch })
    await this.apply()
    return this.status()
  }

  /** Brings the server in line with the settings; one change at a time. */
  private apply(): Promise<void> {
    this.applying = this.applying.then(() => this.doApply())
    return this.applying
  }

  private async doApply(): Promise<void> {
    const config = this.config.get()
    await this.server?.close()
    this.server = undefined
    this.error = null
    if (config.enabled) {
      const server = new SubnetApiServer({
        keys: this.keys,
        limiter: new RateLimiter(),
        log: this.o.log,
        model: this.o.model ?? MODEL,
        candidates: this.o.candidates,
        ask: this.o.ask,
        route: { ...ROUTE, crossCheck: config.crossCheck },
      })
      try {
        await server.listen(config.port, config.bindAddress)
        this.server = server
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        this.error =
          code === 'EADDRINUSE'
            ? `Port ${config.port} is already in use by another program. Pick another port.`
            : code === 'EADDRNOTAVAIL'
              ? `This computer has no address ${config.bindAddress}. Use 127.0.0.1 (and a reverse proxy) or one of this computer's addresses.`
              : code === 'EACCES'
                ? `Port ${config.port} needs administrator rights. Pick a port above 1024.`
                : `The subnet API could not listen on ${config.bindAddress}:${config.port}: ${error instanceof Error ? error.message : String(error)}`
        this.o.log.warn('Subnet API could not start', { port: config.port, bindAddress: config.bindAddress, error: this.error })
      }
    }
    this.o.fire('subnetApi.status', this.status())
  }

  handlers(): SubnetApiHandlers {
    return {
      'subnetApi.status': () => this.status(),
      'subnetApi.configure': (patch) => this.configure(patch),
      'subnetApi.keys.create': ({ name, ratePerMinute, monthlyTokenQuota }) => {
        const defaults = this.config.get()
        const created = this.keys.create(name, { ratePerMinute: ratePerMinute ?? defaults.defaultRatePerMinute, monthlyTokenQuota: monthlyTokenQuota ?? defaults.defaultMonthlyTokenQuota })
        this.o.log.info('Subnet API key created', { keyId: created.key.id, name })
        return created
      },
      'subnetApi.keys.list': () => this.keys.list(),
      'subnetApi.keys.revoke': ({ id }) => {
        if (!this.keys.revoke(id)) throw new EngineError('NOT_FOUND', 'This key does not exist or was already revoked. Reload the list.')
        this.o.log.info('Subnet API key revoked', { keyId: id })
        return { id }
      },
      'subnetApi.keys.rotate': ({ id }) => {
        const rotated = this.keys.rotate(id)
        if (!rotated) throw new EngineError('NOT_FOUND', 'Only an active key can be rotated; this one does not exist or was revoked. Create a new key instead.')
        this.o.log.info('Subnet API key rotated', { keyId: rotated.key.id, replaced: id })
        return { ...rotated, replaced: id }
      },
      'subnetApi.usage': ({ sinceDay }) => {
        const rows = this.keys.usage(sinceDay)
        return { rows, csv: usageCsv(rows) }
      },
    }
  }

  async dispose(): Promise<void> {
    await this.applying
    await this.server?.close()
    this.server = undefined
  }
}
