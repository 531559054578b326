import fs from 'node:fs'
import path from 'node:path'
import { createEngine, installCrashGuards, packageRoot, packageVersion, resolveHome } from '../../host'
import { formatLogLine } from '../../platform/logging'
import { UnsafeBindError, isLoopbackHost, startHeadlessServer } from '../../server'
import type { HeadlessServer } from '../../server'
import type { Command } from '../command'
import { UsageError, parseIntOption, plainFlags, writeJson } from '../command'

const DEFAULT_PORT = 7645
const PORT_ATTEMPTS = 20

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the engine headless and serve the UI to a browser (token-protected).',
  usage: `taodesk serve [--host 127.0.0.1] [--port ${DEFAULT_PORT}] [--allow-remote] [--json] [--verbose]

  --host ADDR       address to listen on (default 127.0.0.1)
  --port N          port (default ${DEFAULT_PORT}, or the next free one; 0 picks any free port)
  --allow-remote    required to listen on a non-loopback address (exposes TaoDesk to your network)
  --ui-dir DIR      serve the UI from DIR instead of the built one (out/renderer)
  --json            print one JSON line {url, origin, token, home, pid} instead of text
  --verbose         mirror engine log lines to stderr`,
  options: plainFlags({ string: ['host', 'port', 'ui-dir'], boolean: ['allow-remote', 'json', 'verbose'] }),
  async run(values, _positionals, io) {
    const host = typeof values.host === 'string' ? values.host : '127.0.0.1'
    const explicitPort = parseIntOption(values.port, 'port', 0, 65535)
    const staticDir = typeof values['ui-dir'] === 'string' ? path.resolve(values['ui-dir']) : path.join(packageRoot(), 'out', 'renderer')
    if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
      io.stderr.write(`taodesk: the UI is not built (no ${path.join(staticDir, 'index.html')}). Run \`npm run build\` first; \`npm start\` does it for you.\n`)
      return 1
    }
    if (!isLoopbackHost(host) && !values['allow-remote']) throw new UsageError(new UnsafeBindError(host).message)

    const home = resolveHome(io.env)
    const engine = createEngine({
      home,
      version: packageVersion(),
      headless: true,
      mirror: values.verbose ? (entry) => io.stderr.write(`${formatLogLine(entry)}\n`) : undefined,
    })
    const removeCrashGuards = installCrashGuards(engine.log)
    let server: HeadlessServer | undefined
    try {
      server = await listen(engine, { host, staticDir, explicitPort, allowRemote: values['allow-remote'] === true })
    } catch (error) {
      await engine.dispose()
      throw error
    }

    if (values.json) {
      writeJson(io, { url: server.url, origin: server.origin, token: server.token, home, pid: process.pid })
    } else {
      if (!isLoopbackHost(host)) {
        io.stderr.write(`WARNING: listening on ${host}: anyone who can reach this address and has the token can control TaoDesk. Use TLS or an SSH tunnel.\n`)
      }
      io.stdout.write(`TaoDesk is running headless (data in ${home}).\nOpen this URL in a browser:\n\n    ${server.url}\n\nPress Ctrl+C to stop.\n`)
    }

    await io.interrupted
    await server.close()
    await engine.dispose()
    removeCrashGuards()
    return 0
  },
}

async function listen(
  engine: ReturnType<typeof createEngine>,
  o: { host: string; staticDir: string; explicitPort: number | undefined; allowRemote: boolean },
): Promise<HeadlessServer> {
  const ports = o.explicitPort !== undefined ? [o.explicitPort] : Array.from({ length: PORT_ATTEMPTS }, (_, i) => DEFAULT_PORT + i)
  let lastError: unknown
  for (const port of ports) {
    try {
      return await startHeadlessServer({ rpc: engine.server, log: engine.log.child('server'), staticDir: o.staticDir, host: o.host, port, allowRemote: o.allowRemote })
    } catch (error) {
      lastError = error
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    }
  }
  const code = (lastError as NodeJS.ErrnoException).code
  throw new Error(
    code === 'EADDRINUSE'
      ? `Port ${ports.join(', ')} ${ports.length > 1 ? 'are' : 'is'} in use. Pick another with --port N (0 picks any free port).`
      : String(lastError),
  )
}
