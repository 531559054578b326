import fs from 'node:fs'
import readline from 'node:readline'
import { Writable } from 'node:stream'
import { checkAddress } from '@polkadot/util-crypto'
import type { NetworkId } from '../../bittensor/chain'
import { EngineError, SlippagePercent, formatTao, parseTao, passwordStrength, priceReview } from '../../contract'
import type { ExtrinsicEvent, WalletCall, WalletSummary } from '../../contract'
import { databasePath, resolveHome } from '../../host'
import { createLogger } from '../../platform/logging'
import { Store } from '../../platform/store'
import { WalletService, chainClientSource, detectFormat, envPasswordFor, keyFromMnemonic, toEngineError, walletPaths } from '../../services/wallet'
import type { WalletChainSource } from '../../services/wallet'
import type { Command, CommandIo } from '../command'
import { UsageError, parseIntOption, plainFlags, writeJson } from '../command'

const NETWORKS: readonly NetworkId[] = ['finney', 'test', 'local', 'custom']
const MONEY = ['balance', 'transfer', 'stake', 'unstake'] as const

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
  balance --name NAME       free TAO of the coldkey and its stake per hotkey and subnet
  transfer --name NAME --to ADDRESS --amount TAO          transfer_keep_alive (keeps the existential deposit)
  stake --name NAME --hotkey NAME|ADDRESS --netuid N --amount TAO [--slippage PCT] [--partial]
  unstake --name NAME --hotkey NAME|ADDRESS --netuid N --amount ALPHA [--slippage PCT] [--partial]
      add_stake_limit / remove_stake_limit: the limit price is the current alpha price plus (stake)
      or minus (unstake) the slippage tolerance (default: the TaoDesk setting, 0.5 %); past it the
      chain refuses the whole call, or with --partial executes only what fits under the limit

  --network NAME      finney, test, local or custom (default: the network picked in TaoDesk, else finney)
  --url URL           a node's ws:// or wss:// URL (implies --network custom)
  --yes               send without asking (the fee and amounts are still printed)
  --wallets-dir DIR   btcli wallets folder (default: the one set in TaoDesk, else ~/.bittensor/wallets)
  --json              machine-readable output
  Passwords are asked for without echo. Instead, the coldkey password may come from btcli's
  BT_PW_<PATH> variable (base64 of the password XOR the variable name) or TAODESK_PASSWORD;
  both are less safe: environments show up in process listings and shell history.`,
  options: plainFlags({ string: ['name', 'hotkey', 'words', 'mnemonic', 'wallets-dir', 'network', 'url', 'to', 'amount', 'netuid', 'slippage'], boolean: ['coldkey', 'encrypt', 'overwrite', 'yes', 'json', 'partial'] }),
  async run(values, positionals, io) {
    const [sub, ...rest] = positionals
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`Say what to do: ${SUBCOMMANDS.join(', ')}.`)
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
    const isMoney = (MONEY as readonly string[]).includes(sub)
    let chain: WalletChainSource | undefined
    if (isMoney) {
      const url = str(values.url)
      const stored = store.settings.readAll()
      const fallback = typeof stored.network === 'string' && (NETWORKS as readonly string[]).includes(stored.network) ? stored.network : 'finney'
      const network = (url ? 'custom' : (str(values.network) ?? fallback)) as NetworkId
      if (!NETWORKS.includes(network)) {
        store.close()
        throw new UsageError(`--network must be one of ${NETWORKS.join(', ')}`)
      }
      const customUrl = url ?? (network === 'custom' && typeof stored.networkCustomUrl === 'string' ? stored.networkCustomUrl : undefined)
      chain = chainClientSource({ network, customUrl, timeoutMs: 15_000 })
    }
    const fire = (event: string, payload: unknown): void => {
      if (event !== 'wallet.extrinsic' || values.json) return
      const e = payload as ExtrinsicEvent
      if (e.stage !== 'failed' && e.stage !== 'finalized') io.stderr.write(`  … ${e.stage}${e.blockHash ? ` ${e.blockHash}` : e.txHash ? ` ${e.txHash}` : ''}\n`)
    }
    const service = new WalletService({ store, log, fire, directory: str(values['wallets-dir']), chain, env: io.env })
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
        case 'balance':
          return await balance(service, needName(), values.json === true, io)
        case 'transfer':
        case 'stake':
        case 'unstake':
          return await money(service, sub, needName(), values, io)
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
      await chain?.dispose?.()
      store.close()
    }
  },
}

async function balance(service: WalletService, name: string, json: boolean, io: CommandIo): Promise<number> {
  const b = await service.balances(name)
  if (json) {
    writeJson(io, b)
    return 0
  }
  const lines = [`${b.wallet} on ${b.network} (${b.endpoint})`, `  coldkey ${b.coldkey}`, `  free    ${formatTao(b.free)} TAO`]
  if (b.stakes.length === 0) lines.push('  stake   none')
  for (const s of b.stakes) lines.push(`  stake   ${formatTao(s.alpha).padStart(16)} alpha  subnet ${String(s.netuid).padEnd(4)} hotkey ${s.hotkeyName ? `${s.hotkeyName} ` : ''}${s.hotkey}`)
  io.stdout.write(`${lines.join('\n')}\n`)
  return 0
}

function parseAmount(values: Record<string, string | boolean | undefined>): string {
  const a = str(values.amount)
  if (!a) throw new UsageError('--amount is required (TAO for transfer and stake, alpha for unstake; e.g. 1.5)')
  let v: bigint
  try {
    v = parseTao(a)
  } catch (error) {
    throw new UsageError(`--amount: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (v <= 0n) throw new UsageError('--amount must be above 0')
  return v.toString()
}

function buildCall(service: WalletService, kind: 'transfer' | 'stake' | 'unstake', name: string, values: Record<string, string | boolean | undefined>): WalletCall {
  const amount = parseAmount(values)
  if (kind === 'transfer') {
    const to = str(values.to)
    if (!to) throw new UsageError('--to ADDRESS is required')
    return { kind, to, amount }
  }
  const netuid = parseIntOption(values.netuid, 'netuid', 0, 65535)
  if (netuid === undefined) throw new UsageError('--netuid N is required (5 for the text-embedding subnet)')
  const h = str(values.hotkey)
  if (!h) throw new UsageError('--hotkey is required: a hotkey name of this wallet or any hotkey address')
  let hotkey = h
  if (!checkAddress(h, 42)[0]) {
    const own = service.get(name).hotkeys.find((x) => x.name === h)
    if (!own?.address) throw new UsageError(`Wallet "${name}" has no hotkey named "${h}" (and it is not an address).`)
    hotkey = own.address
  }
  return { kind, hotkey, netuid, amount, ...(values.partial === true ? { allowPartial: true } : {}) }
}

function parseSlippage(values: Record<string, string | boolean | undefined>): number | undefined {
  const text = str(values.slippage)
  if (text === undefined) return undefined
  const pct = SlippagePercent.safeParse(Number(text.trim().replace(/%$/, '')))
  if (!pct.success || text.trim() === '') throw new UsageError('--slippage must be a percentage from 0 to 100 (e.g. 0.5 or 2)')
  return pct.data
}

async function confirm(io: CommandIo, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError('No terminal to confirm on: add --yes to send without asking.')
  const answer = await readLine(io, `${question} [y/N] `)
  return /^y(es)?$/i.test(answer.trim())
}

async function money(service: WalletService, kind: 'transfer' | 'stake' | 'unstake', name: string, values: Record<string, string | boolean | undefined>, io: CommandIo): Promise<number> {
  const json = values.json === true
  const est = await service.estimate(name, buildCall(service, kind, name, values), parseSlippage(values))
  const call = est.call
  const unit = kind === 'unstake' ? 'alpha' : 'TAO'
  const say = (text: string): void => {
    io.stderr.write(`${text}\n`)
  }
  say(`${est.summary}`)
  say(`  amount   ${formatTao(call.amount)} ${unit}`)
  if (est.price && call.kind !== 'transfer') {
    const review = priceReview(est.price, call.kind)
    say(`  price    ${review.expected} now`)
    say(`  limit    ${review.limit}`)
  }
  say(`  fee      ${est.fee === null ? `unknown (${est.note ?? 'the node did not say'})` : `${formatTao(est.fee)} TAO`}`)
  say(`  free     ${formatTao(est.free)} TAO${est.enough === false ? '   ! not enough: the chain will refuse this' : ''}`)
  if (!values.yes && !(await confirm(io, 'Send it?'))) {
    say('Nothing sent.')
    return 1
  }
  if (!service.isUnlocked(name)) {
    const coldkey = walletPaths(service.directory(), name).coldkey
    // Unencrypted coldkeys (btcli --no-use-password) and btcli's BT_PW_* variable need no prompt.
    const encrypted = fs.existsSync(coldkey) && detectFormat(fs.readFileSync(coldkey)) !== 'plaintext'
    const fromBtcliEnv = envPasswordFor(coldkey, io.env) !== undefined
    const password = !encrypted || fromBtcliEnv ? undefined : await readPassword(io, `Password of the coldkey "${name}": `, false)
    if (!json) say('Unlocking the coldkey (Argon2i, 512 MiB: a few seconds)…')
    await service.unlock({ name, password, minutes: 5 })
  }
  const { id, done } = await service.submit(name, call)
  const outcome = await done
  if (outcome.ok) {
    if (json) writeJson(io, { ok: true, activity: id, call, txHash: outcome.txHash, blockHash: outcome.blockHash, blockNumber: outcome.blockNumber })
    else io.stdout.write(`Finalized in block #${outcome.blockNumber} (${outcome.blockHash}).\n`)
    return 0
  }
  if (json) writeJson(io, { ok: false, activity: id, call, error: { code: outcome.errorCode, message: outcome.error } })
  else io.stderr.write(`Failed: ${outcome.errorCode}: ${outcome.error}\n`)
  return 1
}
