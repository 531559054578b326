import readline from 'node:readline'
import { Writable } from 'node:stream'
import { EngineError, passwordStrength } from '../../contract'
import type { WalletSummary } from '../../contract'
import { databasePath, resolveHome } from '../../host'
import { createLogger } from '../../logging'
import { Store } from '../../store'
import { CHAIN_CLIENT_MISSING, WalletService, keyFromMnemonic, toEngineError } from '../../wallet'
import type { Command, CommandIo } from '../command'
import { UsageError, writeJson } from '../command'

const SUBCOMMANDS = ['create', 'regen', 'list', 'show', 'import', 'new-hotkey', 'balance', 'transfer', 'stake', 'unstake'] as const

/** Reads a line without echoing it (or TAODESK_PASSWORD, documented as less safe). */
async function readPassword(io: CommandIo, prompt: string, confirm: boolean): Promise<string> {
  const fromEnv = io.env.TAODESK_PASSWORD
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask for the password: set TAODESK_PASSWORD (less safe: it may end up in shell history or process listings).')
  const ask = (q: string): Promise<string> =>
    new Promise((resolve) => {
      let muted = false
      const out = new Writable({
        write(chunk: Buffer, _enc, cb) {
          if (!muted) io.stderr.write(chunk)
          cb()
        },
      })
      const rl = readline.createInterface({ input: process.stdin, output: out, terminal: true })
      io.stderr.write(q)
      muted = true
      rl.question('', (answer) => {
        rl.close()
        io.stderr.write('\n')
        resolve(answer)
      })
    })
  const first = await ask(prompt)
  if (confirm && (await ask('Type it again: ')) !== first) throw new UsageError('The two passwords differ.')
  return first
}

async function readLine(io: CommandIo, prompt: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr })
  try {
    return await new Promise((resolve) => rl.question(prompt, resolve))
  } finally {
    rl.close()
  }
}

function describeWallet(w: WalletSummary): string {
  const lines = [`${w.name}  (${w.path})`, `  coldkey  ${w.coldkey.address ?? '(unknown address)'}  [${w.coldkey.format}]${w.coldkey.problem ? `  ! ${w.coldkey.problem}` : ''}`]
  for (const h of w.hotkeys) lines.push(`  hotkey ${h.name.padEnd(12)} ${h.address ?? '(unknown address)'}  [${h.format}]${h.problem ? `  ! ${h.problem}` : ''}`)
  if (w.hotkeys.length === 0) lines.push('  (no hotkeys)')
  return lines.join('\n')
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

export const walletCommand: Command = {
  name: 'wallet',
  summary: 'Create, restore, list and import btcli-compatible wallets.',
  usage: `taodesk wallet <${SUBCOMMANDS.join('|')}> [options]

  create --name NAME [--hotkey NAME] [--words 12|24]   new coldkey (encrypted) + hotkey; prints the recovery phrases ONCE
  regen --name NAME (--coldkey | --hotkey NAME) [--mnemonic "..."] [--encrypt] [--overwrite]
  new-hotkey --name NAME --hotkey NAME [--words 12|24] [--encrypt]
  list                      every wallet in the wallets folder
  show --name NAME          one wallet's addresses
  import PATH               copy the wallets of another btcli folder (never overwrites)
  balance|transfer|stake|unstake   need the chain client (not in this build yet)

  --wallets-dir DIR   btcli wallets folder (default: the one set in TaoDesk, else ~/.bittensor/wallets)
  --json              machine-readable output
  Passwords are asked for without echo; TAODESK_PASSWORD is used instead when set (less safe).`,
  options: {
    name: { type: 'string' },
    hotkey: { type: 'string' },
    coldkey: { type: 'boolean' },
    words: { type: 'string' },
    mnemonic: { type: 'string' },
    encrypt: { type: 'boolean' },
    overwrite: { type: 'boolean' },
    'wallets-dir': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const [sub, ...rest] = positionals
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`Say what to do: ${SUBCOMMANDS.join(', ')}.`)
    if (['balance', 'transfer', 'stake', 'unstake'].includes(sub)) {
      io.stderr.write(`taodesk wallet ${sub}: ${CHAIN_CLIENT_MISSING}\n`)
      return 3
    }
    const words = values.words === undefined ? 12 : values.words === '12' ? 12 : values.words === '24' ? 24 : undefined
    if (words === undefined) throw new UsageError('--words must be 12 or 24')
    const store = Store.open(databasePath(resolveHome(io.env)))
    const log = createLogger((level, source, message, fields) => {
      try {
        return store.eventLog.append({ time: Date.now(), level, source, message, fields })
      } catch {
        return undefined
      }
    }, 'wallet')
    const service = new WalletService({ store, log, fire: () => undefined, directory: str(values['wallets-dir']) })
    const needName = (): string => {
      const n = str(values.name)
      if (!n) throw new UsageError('--name NAME is required')
      return n
    }
    const newPassword = async (what: string): Promise<string> => {
      const pw = await readPassword(io, `Password for the ${what} (at least 6 characters): `, true)
      const s = passwordStrength(pw.trim())
      if (!s.ok) throw new UsageError(`The password is too weak (score ${s.score}): ${s.problems.join(' ')}`)
      return pw
    }
    try {
      switch (sub) {
        case 'list': {
          const list = service.list()
          if (values.json) writeJson(io, list)
          else io.stdout.write(list.wallets.length === 0 ? `No wallets in ${list.directory}. Create one with \`taodesk wallet create --name NAME\`.\n` : `Wallets in ${list.directory}:\n\n${list.wallets.map(describeWallet).join('\n\n')}\n`)
          return 0
        }
        case 'show': {
          const w = service.get(needName())
          io.stdout.write(values.json ? `${JSON.stringify(w)}\n` : `${describeWallet(w)}\n`)
          return 0
        }
        case 'import': {
          const from = rest[0]
          if (!from) throw new UsageError('Give the folder to import from: taodesk wallet import ~/.bittensor/wallets')
          const r = service.importFrom(from)
          if (values.json) writeJson(io, r)
          else io.stdout.write(`Imported: ${r.imported.join(', ') || 'none'}\n${r.skipped.map((s) => `Skipped ${s.name}: ${s.reason}\n`).join('')}`)
          return 0
        }
        case 'create':
        case 'new-hotkey': {
          const name = needName()
          const hotkey = str(values.hotkey) ?? 'default'
          const created =
            sub === 'create'
              ? await service.create({ name, hotkey, words, password: await newPassword('coldkey') })
              : await service.newHotkey({ name, hotkey, words, password: values.encrypt ? await newPassword('hotkey') : undefined })
          const reveal = service.revealMnemonic(created.revealToken)
          if (values.json) writeJson(io, { wallet: created.wallet, phrases: reveal.phrases.map((p) => ({ ...p, mnemonic: p.words.join(' ') })) })
          else {
            io.stdout.write(`${describeWallet(created.wallet)}\n\n`)
            for (const p of reveal.phrases) {
              io.stdout.write(`Recovery phrase of the ${p.role} "${p.name}" (shown once; write it down and keep it offline):\n\n    ${p.words.join(' ')}\n\n`)
            }
            io.stdout.write('Anyone with the coldkey phrase controls your TAO. TaoDesk does not keep a copy outside the encrypted keyfile.\n')
          }
          return 0
        }
        case 'regen': {
          const name = needName()
          const role = values.coldkey ? 'coldkey' : str(values.hotkey) ? 'hotkey' : undefined
          if (!role) throw new UsageError('Say which key: --coldkey or --hotkey NAME')
          const mnemonic = str(values.mnemonic) ?? (await readLine(io, 'Recovery phrase (12 or 24 words): '))
          keyFromMnemonic(mnemonic) // fail on a typo before asking for a password
          const password = role === 'coldkey' ? await newPassword('coldkey') : values.encrypt ? await newPassword('hotkey') : undefined
          const w = await service.regen({ name, role, hotkey: str(values.hotkey) ?? 'default', mnemonic, password, overwrite: values.overwrite === true })
          io.stdout.write(values.json ? `${JSON.stringify(w)}\n` : `${describeWallet(w)}\n`)
          return 0
        }
        default:
          throw new UsageError(`Unknown wallet command ${sub}`)
      }
    } catch (error) {
      const mapped = toEngineError(error)
      if (mapped instanceof EngineError) {
        io.stderr.write(`taodesk wallet ${sub}: ${mapped.message}\n`)
        return mapped.code === 'WRONG_PASSWORD' ? 4 : 1
      }
      throw mapped
    } finally {
      service.dispose()
      store.close()
    }
  },
}
