import fs from 'node:fs'
import { databasePath, resolveHome } from '../../host'
import { Store } from '../../platform/store'
import { ApiKeyStore, TLS_GUIDANCE, usageCsv } from '../../services/subnet-api'
import type { Command } from '../command'
import { UsageError, parseIntOption, plainFlags, writeJson } from '../command'

export const apiCommand: Command = {
  name: 'api',
  summary: 'The validator’s subnet API: API keys (create, list, revoke, rotate) and metered usage.',
  usage: `taodesk api <keys create|keys list|keys revoke|keys rotate|usage|tls> [options]

  keys create --name NAME [--rate N] [--quota TOKENS]   a new key; its secret is printed once
  keys list                                            keys with their prefix, limits and state
  keys revoke --id ID                                  the key stops working at once
  keys rotate --id ID                                  a new secret for the key; the old one stops
  usage [--since YYYY-MM-DD] [--csv FILE]              requests, texts and tokens per key and day
  tls                                                  how to expose the API safely
  --json                                               machine-readable output`,
  options: plainFlags({ string: ['name', 'rate', 'quota', 'id', 'since', 'csv'], boolean: ['json'] }),
  async run(values, positionals, io) {
    const json = values.json === true
    const out = (value: unknown, text: string): number => {
      if (json) writeJson(io, value)
      else io.stdout.write(`${text}\n`)
      return 0
    }
    const [group, action] = positionals
    if (group === 'tls') return out({ guidance: TLS_GUIDANCE }, TLS_GUIDANCE)
    if (group !== 'usage' && !(group === 'keys' && ['create', 'list', 'revoke', 'rotate'].includes(action ?? ''))) throw new UsageError('say what to do: keys create|list|revoke|rotate, usage or tls')
    const store = Store.open(databasePath(resolveHome(io.env)))
    try {
      const keys = new ApiKeyStore(store.db)
      if (group === 'usage') {
        const rows = keys.usage(typeof values.since === 'string' ? values.since : undefined)
        if (typeof values.csv === 'string') fs.writeFileSync(values.csv, usageCsv(rows))
        return out(rows, rows.length === 0 ? 'No usage yet.' : rows.map((r) => `${r.day}  ${r.keyName.padEnd(16)} ${r.requests} requests, ${r.texts} texts, ${r.tokens} tokens`).join('\n'))
      }
      if (action === 'list') {
        const rows = keys.list()
        return out(rows, rows.length === 0 ? 'No API keys yet. Create one with `taodesk api keys create --name NAME`.' : rows.map((k) => `${k.id}  ${k.name.padEnd(16)} ${k.prefix}  ${k.ratePerMinute || '∞'}/min  quota ${k.monthlyTokenQuota || '∞'} tokens  ${k.revokedAt ? 'revoked' : 'active'}`).join('\n'))
      }
      if (action === 'create') {
        if (typeof values.name !== 'string' || !values.name.trim()) throw new UsageError('--name is required (who the key is for)')
        const created = keys.create(values.name.trim(), { ratePerMinute: parseIntOption(values.rate, 'rate', 0, 1_000_000) ?? 60, monthlyTokenQuota: parseIntOption(values.quota, 'quota', 0, Number.MAX_SAFE_INTEGER) ?? 0 })
        return out({ ...created.key, secret: created.secret }, `API key "${created.key.name}" (${created.key.id}):\n\n  ${created.secret}\n\nCopy it now: TaoDesk keeps only its hash and cannot show it again.`)
      }
      if (typeof values.id !== 'string') throw new UsageError('--id is required (see `taodesk api keys list`)')
      if (action === 'revoke') {
        if (!keys.revoke(values.id)) throw new UsageError(`No active key ${values.id}; see \`taodesk api keys list\`.`)
        return out({ ok: true, id: values.id }, `Key ${values.id} revoked; it stops working at once.`)
      }
      const rotated = keys.rotate(values.id)
      if (!rotated) throw new UsageError(`No active key ${values.id}; see \`taodesk api keys list\`.`)
      return out({ ...rotated.key, secret: rotated.secret, replaced: values.id }, `New secret for "${rotated.key.name}" (${rotated.key.id}); the old one stopped working:\n\n  ${rotated.secret}\n\nCopy it now: it is not shown again.`)
    } finally {
      store.close()
    }
  },
}
