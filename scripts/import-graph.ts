/**
 * The engine's import graph between folders: which folder of native/ imports which, and whether
 * any cycle exists. Run `npx tsx scripts/import-graph.ts` to print it (tests excluded, as in the
 * layer rule); native/architecture.test.ts asserts it has no cycle.
 *
 * A folder is a top-level folder of native/, or for platform, bittensor, protocols and services,
 * its second level (services/miner, bittensor/keys, ...), so cycles between services show too.
 */
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const ROOT = path.resolve(import.meta.dirname, '..')
const NATIVE = path.join(ROOT, 'native')
const SPLIT = new Set(['platform', 'bittensor', 'protocols', 'services'])
const TEST_PATH = /(^|\/)(testing|test-support)\/|\.test\.tsx?$/

export function folderOf(rel: string): string {
  const parts = rel.split('/')
  if (SPLIT.has(parts[0]!) && parts.length > 2) return `${parts[0]}/${parts[1]}`
  return parts[0]!.replace(/\.tsx?$/, '')
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) sourceFiles(p, out)
    else if (/\.tsx?$/.test(e.name)) out.push(p)
  }
  return out
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec)
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c
  return undefined
}

/** Relative module specifiers of a file, from its syntax tree (imports, re-exports, dynamic imports). */
function specifiers(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false)
  const out: string[] = []
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text)
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) out.push(node.arguments[0].text)
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return out.filter((s) => s.startsWith('.'))
}

export interface ImportGraph {
  /** folder -> folders it imports, with how many import statements. */
  readonly edges: Map<string, Map<string, number>>
}

export function importGraph(options: { includeTests?: boolean } = {}): ImportGraph {
  const edges = new Map<string, Map<string, number>>()
  for (const file of sourceFiles(NATIVE)) {
    const rel = path.relative(NATIVE, file).split(path.sep).join('/')
    if (!options.includeTests && TEST_PATH.test(rel)) continue
    const from = folderOf(rel)
    for (const spec of specifiers(file)) {
      const target = resolveImport(file, spec)
      if (!target || !target.startsWith(NATIVE + path.sep)) continue
      const to = folderOf(path.relative(NATIVE, target).split(path.sep).join('/'))
      if (to === from) continue
      const row = edges.get(from) ?? new Map<string, number>()
      row.set(to, (row.get(to) ?? 0) + 1)
      edges.set(from, row)
    }
  }
  return { edges }
}

/** Every elementary cycle's first witness, found by depth-first search (empty when acyclic). */
export function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string): void => {
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.edges.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of [...graph.edges.keys()].sort()) if (!state.has(node)) visit(node)
  return cycles
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const graph = importGraph()
  for (const [from, row] of [...graph.edges].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${from} -> ${[...row].sort(([a], [b]) => a.localeCompare(b)).map(([to, n]) => `${to} (${n})`).join(', ')}`)
  }
  const cycles = findCycles(graph)
  console.log(cycles.length === 0 ? 'no cycles' : `cycles:\n${cycles.map((c) => `  ${c.join(' -> ')}`).join('\n')}`)
  process.exitCode = cycles.length === 0 ? 0 : 1
}
