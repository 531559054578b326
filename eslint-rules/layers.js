// @ts-check
/**
 * The engine's layers, one way only (README, "Layout and import rules"). A local rule, as VS Code
 * keeps its own "code-layering" rule: the layout is ours and small, so a table says it best.
 *
 *   base, contract            environment-neutral vocabulary (also used by the renderer)
 *   rpc                       the contract over a transport
 *   platform                  store, logging, settings, metrics, secrets, worker threads
 *   bittensor                 keys, chain, wire formats, axon core, practice chain: nothing about a subnet
 *   protocols/<name>          one subnet protocol each (text-embedding: OpenKaito)
 *   services/<name>           wallet, chain, embedding, miner, validator, updater
 *   host, server, cli         composition and entry points
 *
 * A file may import its own folder, and layers below it. A service is used (by another service,
 * the host or the CLI) only through its index.ts; protocols never use each other. Inside bittensor the areas are ordered
 * too (keys below chain and wire, those below axon and devnet). Production code never imports
 * test doubles. Tests (*.test.ts, testing/, test-support/) may reach anything.
 */
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const NATIVE = path.join(ROOT, 'native')

/** Which top-level folders each top-level folder of native/ may import (besides itself). */
export const ALLOWED = {
  base: [],
  contract: ['base'],
  rpc: ['base', 'contract'],
  platform: ['base', 'contract'],
  bittensor: ['base', 'contract', 'platform'],
  protocols: ['base', 'contract', 'platform', 'bittensor'],
  services: ['base', 'contract', 'platform', 'bittensor', 'protocols'],
  server: ['base', 'contract', 'rpc', 'platform'],
  host: ['base', 'contract', 'rpc', 'platform', 'bittensor', 'protocols', 'services'],
  cli: ['base', 'contract', 'rpc', 'platform', 'bittensor', 'protocols', 'services', 'host', 'server'],
}

/** Order of the areas inside bittensor/: an area imports only areas of a lower rank (or itself). */
export const BITTENSOR_AREAS = { keys: 0, chain: 1, wire: 1, yuma: 1, axon: 2, devnet: 2 }

const TEST_PATH = /(^|\/)(testing|test-support)\/|\.test\.tsx?$/

/** @param {string} file absolute path */
function place(file) {
  const rel = path.relative(NATIVE, file).split(path.sep).join('/')
  if (rel.startsWith('..')) return undefined
  const [top, area] = rel.split('/')
  return { rel, top, area: rel.includes('/') ? area : undefined }
}

/**
 * Why `from` may not import `to` (both absolute, extensionless or not), or undefined when it may.
 * @param {string} from
 * @param {string} to
 */
export function layerViolation(from, to) {
  const a = place(from)
  const b = place(to)
  if (!a || !b) return undefined
  if (TEST_PATH.test(a.rel)) return undefined
  if (TEST_PATH.test(b.rel)) return `production code must not import test code (${b.rel})`
  if (a.top === b.top) {
    if (a.area === b.area) return undefined
    if (a.top === 'services' && b.area !== undefined) {
      const publicEntry = b.rel === `services/${b.area}` || b.rel === `services/${b.area}/index` || b.rel === `services/${b.area}/index.ts`
      return publicEntry ? undefined : `a service is used through its index.ts: import "native/services/${b.area}", not ${b.rel}`
    }
    if (a.top === 'protocols') return `subnet protocols are independent of each other (${a.area} imports ${b.area})`
    if (a.top === 'bittensor') {
      /** @type {Record<string, number>} */
      const rank = BITTENSOR_AREAS
      const ra = rank[a.area ?? '']
      const rb = rank[b.area ?? '']
      if (ra === undefined) return `bittensor/${a.area} has no place in the area order; add it to BITTENSOR_AREAS`
      if (rb === undefined || rb >= ra) return `inside bittensor/, ${a.area} may not import ${b.area} (order: ${Object.keys(rank).join(', ')})`
    }
    return undefined
  }
  if (b.top === 'services' && b.area !== undefined) {
    const publicEntry = b.rel === `services/${b.area}` || b.rel === `services/${b.area}/index` || b.rel === `services/${b.area}/index.ts`
    if (!publicEntry) return `a service is used through its index.ts: import "native/services/${b.area}", not ${b.rel}`
  }
  /** @type {Record<string, string[]>} */
  const allowed = ALLOWED
  const may = allowed[a.top ?? '']
  if (!may) return `native/${a.top} has no place in the layer table; add it to ALLOWED in eslint-rules/layers.js`
  if (!may.includes(b.top ?? '')) return `${a.top} may not import ${b.top}: layers go base, contract, rpc/platform, bittensor, protocols, services, host/server, cli`
  return undefined
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: { type: 'problem', docs: { description: 'Imports in native/ follow the layer order' }, schema: [] },
  create(context) {
    const file = context.filename
    /** @param {import('estree').Node & { source?: unknown }} node */
    const check = (node) => {
      const source = /** @type {{ type?: string, value?: unknown } | null | undefined} */ (node.source)
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return
      const spec = source.value
      if (!spec.startsWith('.')) return
      const why = layerViolation(file, path.resolve(path.dirname(file), spec))
      if (why) context.report({ node, message: `Layer rule: ${why}.` })
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check }
  },
}

export const layersPlugin = { rules: { layers: layersRule } }
