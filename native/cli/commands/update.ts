import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { Settings, UpdateChannel } from '../../contract'
import { databasePath, packageRoot, packageVersion, resolveHome } from '../../host'
import { Store } from '../../platform/store'
import {
  DEFAULT_REGISTRY,
  PACKAGE_NAME,
  compareVersions,
  detectInstallKind,
  fetchChannelRelease,
  npmInstallArgs,
  readGateLeases,
  runNpm,
} from '../../services/updater'
import type { Command } from '../command'
import { UsageError, parseIntOption, writeJson } from '../command'

function storedChannel(home: string): UpdateChannel {
  if (!fs.existsSync(databasePath(home))) return 'stable'
  try {
    const store = Store.open(databasePath(home), { readonly: true })
    try {
      return Settings.shape.updateChannel.safeParse(store.settings.readAll().updateChannel).data ?? 'stable'
    } finally {
      store.close()
    }
  } catch {
    return 'stable'
  }
}

export const updateCommand: Command = {
  name: 'update',
  summary: 'Check for a newer TaoDesk on npm, or install it (npm installs).',
  usage: `taodesk update check [--channel stable|beta] [--registry URL] [--json]
taodesk update apply [--channel stable|beta] [--registry URL] [--yes] [--wait] [--wait-minutes N] [--json]

  check             print the installed version and the newest on the channel
  apply             install the newest version with npm (prints the command unless --yes)
  --channel         stable (dist-tag "latest") or beta; default: the channel chosen in Settings
  --registry URL    npm registry (default: npm_config_registry or ${DEFAULT_REGISTRY})
  --yes             run npm instead of printing the command
  --wait            while the engine is serving a request or inside a validator round, wait for
                    the next safe point instead of stopping (up to --wait-minutes, default 60)
  --json            one JSON object instead of text

npm verifies the package's sha512 integrity and keeps the installed version when anything fails.
The running engine keeps its version until you restart \`taodesk serve\` at a time that suits you.`,
  options: {
    channel: { type: 'string' },
    registry: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    wait: { type: 'boolean' },
    'wait-minutes': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const action = positionals[0]
    if (action !== 'check' && action !== 'apply') throw new UsageError('say what to do: `taodesk update check` or `taodesk update apply`')
    const home = resolveHome(io.env)
    let channel: UpdateChannel
    if (values.channel === undefined) channel = storedChannel(home)
    else {
      const parsed = UpdateChannel.safeParse(values.channel)
      if (!parsed.success) throw new UsageError('--channel must be stable or beta')
      channel = parsed.data
    }
    const registryOption = typeof values.registry === 'string' ? values.registry : undefined
    const registry = registryOption ?? io.env.npm_config_registry ?? DEFAULT_REGISTRY
    const current = packageVersion()
    const installKind = detectInstallKind(packageRoot(), io.env)
    const release = await fetchChannelRelease(registry, channel)
    const newer = compareVersions(release.version, current) > 0
    const report = { current, channel, latest: release.version, updateAvailable: newer, installKind, registry }

    if (action === 'check') {
      if (values.json) writeJson(io, report)
      else io.stdout.write(newer
        ? `TaoDesk ${release.version} is available on the ${channel} channel (installed: ${current}).\nInstall it with: taodesk update apply\n`
        : `TaoDesk ${current} is up to date on the ${channel} channel (newest: ${release.version}).\n`)
      return 0
    }

    const done = (code: number, status: string, message: string, extra: Record<string, unknown> = {}): number => {
      if (values.json) writeJson(io, { ...report, status, message, ...extra })
      else (code === 0 ? io.stdout : io.stderr).write(`${message}\n`)
      return code
    }
    if (!newer) return done(0, 'up-to-date', `TaoDesk ${current} is up to date on the ${channel} channel.`)
    if (installKind === 'checkout') return done(1, 'refused', `This copy runs from a source checkout (${packageRoot()}); update it with git, not npm.`)
    if (installKind === 'packaged') return done(1, 'refused', 'This is the desktop app; it updates itself (Settings → Updates).')

    const args = npmInstallArgs(release.version, registryOption)
    const commandLine = `npm ${args.join(' ')}`
    if (!values.yes) return done(0, 'confirm', `TaoDesk ${release.version} is available. To install it, run:\n  ${commandLine}\nor run \`taodesk update apply --yes\`.`, { command: commandLine })

    // Same rule as the desktop app: never in the middle of a request, a round or a pending reveal.
    const waitMinutes = parseIntOption(values['wait-minutes'], 'wait-minutes', 1, 24 * 60) ?? 60
    const deadline = Date.now() + waitMinutes * 60_000
    let leases = readGateLeases(home)
    if (leases.length > 0 && !values.wait) {
      return done(3, 'busy', `Not now: the running engine is busy (${leases.map((l) => `${l.owner}: ${l.reason}`).join('; ')}). Retry later, or add --wait to install at the next safe point.`, { waitingFor: leases })
    }
    let interrupted = false
    void io.interrupted.then(() => {
      interrupted = true
    })
    while (leases.length > 0) {
      if (interrupted) return done(130, 'interrupted', 'Stopped while waiting for a safe point; nothing was installed.')
      if (Date.now() > deadline) return done(3, 'busy', `Still busy after ${waitMinutes} min (${leases.map((l) => l.reason).join('; ')}); nothing was installed.`, { waitingFor: leases })
      if (!values.json) io.stderr.write(`Waiting for a safe point: ${leases.map((l) => l.reason).join('; ')}\n`)
      await Promise.race([sleep(2000), io.interrupted])
      leases = readGateLeases(home)
    }

    const output: string[] = []
    const code = await runNpm(args, io.env, (text) => output.push(text))
    const tail = output.join('').trim().split('\n').slice(-15).join('\n')
    if (code !== 0) {
      return done(1, 'failed', `npm could not install TaoDesk ${release.version} (exit ${code}); the installed version is unchanged.\n${tail}`, { npmExitCode: code })
    }
    return done(0, 'installed', `Installed ${PACKAGE_NAME} ${release.version} (sha512 verified by npm). Restart \`taodesk serve\` when it suits you; the running engine keeps ${current} until then.`)
  },
}
