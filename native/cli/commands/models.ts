import { ProviderPreference } from '../../contract'
import type { DownloadProgress, EventName, EventPayload } from '../../contract'
import type { QuantizeReport, SelfScoreModel } from '../../contract'
import { EmbeddingService, formatBytes, hasFp16 } from '../../services/embedding'
import { SelfScoreService } from '../../services/miner'
import { resolveHome } from '../../host'
import { createLogger } from '../../platform/logging'
import type { Command, CommandIo } from '../command'
import { UsageError, parseIntOption, plainFlags, writeJson } from '../command'

const SUBCOMMANDS = ['list', 'download', 'fp16', 'import', 'verify', 'quantize', 'use', 'embed', 'bench', 'remove'] as const

export const modelsCommand: Command = {
  name: 'models',
  summary: 'Embedding models: catalog, download, import, verify, choose, try and benchmark.',
  usage: `taodesk models <list|download|fp16|import|verify|quantize|use|embed|bench|remove> [options]

  list                      the catalog and installed models
  download ID               download (or resume) a catalog model from the Hugging Face hub, verified
                            against the hub's hashes; Ctrl+C stops and keeps the partial file. Where
                            CUDA will run it, the repo's fp16 copy (onnx/model_fp16.onnx) comes too
  fp16 ID                   fetch the fp16 copy of an installed model (for a GPU set up later), verified
  import FOLDER [--name N]  import a local folder (an .onnx file + tokenizer.json or vocab.txt)
  verify ID                 re-check every file against its hashes (exit code 1 if damaged)
  quantize ID [--pairs N]   write an int8 copy (ID:int8) beside the model, faster on CPUs; the original
                            is untouched. Checked against the original on held-out text (cosine
                            min/mean) and self-scored side by side on N evaluation pairs (default 128);
                            only a copy that passes the check can be made active
  use ID [--provider P]     verify, load (to prove it runs) and make it the active model;
                            P: auto (default), cpu, cuda, dml, coreml, webgpu
  embed TEXT [TEXT2]        embed with the active model; with two texts, print their cosine similarity
  bench [--texts N]         time N SN5-like texts (default 64) and estimate a 512-text validator request
  remove ID                 delete an installed model

  --dimensions N            (embed) output width, e.g. 1024 as validators ask (zero-padded if smaller)
  --json                    machine-readable output

  Environment: HF_ENDPOINT (hub mirror), HF_TOKEN (gated models), TAODESK_HOME (data folder).`,
  options: plainFlags({ string: ['name', 'provider', 'dimensions', 'texts', 'pairs'], boolean: ['json'] }),
  async run(values, positionals, io) {
    const [sub, ...args] = positionals
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`choose one of: ${SUBCOMMANDS.join(', ')}`)
    const json = values.json === true
    const progress: ((p: DownloadProgress) => void)[] = []
    const service = new EmbeddingService({
      home: resolveHome(io.env),
      log: createLogger(() => undefined, 'models'),
      fire: <E extends EventName>(name: E, payload: EventPayload<E>) => {
        if (name === 'models.downloadProgress') for (const p of progress) p(payload as DownloadProgress)
      },
      hubEndpoint: io.env.HF_ENDPOINT?.trim() || undefined,
      hubToken: io.env.HF_TOKEN?.trim() || undefined,
    })
    const needId = (): string => {
      if (!args[0]) throw new UsageError(`taodesk models ${sub} needs a model id (see taodesk models list)`)
      return args[0]
    }
    const loadActive = async (): Promise<void> => {
      const id = service.models.active()
      if (!id) throw new Error('No active model. Choose one with `taodesk models use ID`.')
      const status = await service.use(id)
      if (!json) io.stderr.write(`Loaded ${id} on ${status.provider} (${status.dimension} dimensions, ${status.threads} threads)\n`)
    }
    try {
      switch (sub) {
        case 'list':
          return list(service, json, io)
        case 'download':
        case 'fp16': {
          const id = needId()
          const controller = new AbortController()
          void io.interrupted.then(() => controller.abort())
          let last = 0
          progress.push((p) => {
            if (json || Date.now() - last < 500) return
            last = Date.now()
            const pct = p.totalBytes > 0 ? ((p.receivedBytes / p.totalBytes) * 100).toFixed(1) : '?'
            io.stderr.write(`${p.phase} ${p.file ?? ''} ${formatBytes(p.receivedBytes)} / ${formatBytes(p.totalBytes)} (${pct}%)\n`)
          })
          const manifest = await (sub === 'fp16' ? service.downloadFp16(id, controller.signal) : service.download(id, controller.signal))
          const fp16 = hasFp16(manifest) ? ' with its fp16 copy for the GPU' : ''
          if (json) writeJson(io, manifest)
          else if (sub === 'fp16') io.stdout.write(`${id}: fp16 copy downloaded and verified; the CUDA provider loads it the next time the model is loaded.\n`)
          else io.stdout.write(`${id}: downloaded and verified (${manifest.files.length} files${fp16}). Make it active with: taodesk models use ${id}\n`)
          return 0
        }
        case 'import': {
          if (!args[0]) throw new UsageError('taodesk models import needs a folder')
          const row = await service.importFolder(args[0], typeof values.name === 'string' ? values.name : undefined)
          if (json) writeJson(io, row)
          else io.stdout.write(`Imported ${row.id} (${row.pooling} pooling, max ${row.maxLength} tokens). Make it active with: taodesk models use ${row.id}\n`)
          return 0
        }
        case 'verify': {
          const r = await service.verify(needId())
          if (json) writeJson(io, r)
          else io.stdout.write(r.ok ? `${r.id}: every file matches its hash.\n` : `${r.id}: damaged.\n${r.problems.map((p) => `  - ${p}`).join('\n')}\n`)
          return r.ok ? 0 : 1
        }
        case 'quantize': {
          const maxPairs = parseIntOption(values.pairs, 'pairs', 8, 5000) ?? 128
          const controller = new AbortController()
          void io.interrupted.then(() => controller.abort())
          if (!json) io.stderr.write(`Quantizing ${needId()} to int8 and checking it against the original…\n`)
          const report = await service.quantize(needId(), controller.signal)
          const selfScore = await new SelfScoreService({ home: resolveHome(io.env), embedding: service, log: createLogger(() => undefined, 'selfscore') }).run({ models: [report.baseId, report.id], maxPairs, save: false })
          if (json) writeJson(io, { ...report, selfScore: selfScore.models })
          else io.stdout.write(formatQuantizeReport(report, selfScore.models))
          return report.quality.passed ? 0 : 1
        }
        case 'use': {
          const provider = values.provider === undefined ? undefined : ProviderPreference.safeParse(values.provider)
          if (provider && !provider.success) throw new UsageError(`--provider must be one of ${ProviderPreference.options.join(', ')}`)
          const status = await service.use(needId(), provider?.data)
          if (json) writeJson(io, status)
          else {
            io.stdout.write(`${status.modelId} is active: ${status.provider} execution provider, ${status.dimension} dimensions, ${status.workers} worker(s) × ${status.threads} thread(s).\n`)
            for (const a of status.attempts) if (!a.used) io.stdout.write(`  ${a.label}: ${a.reason}\n`)
          }
          return 0
        }
        case 'embed': {
          if (args.length < 1 || args.length > 2) throw new UsageError('taodesk models embed needs one or two texts')
          const dimensions = parseIntOption(values.dimensions, 'dimensions', 1, 8192)
          await loadActive()
          const t0 = performance.now()
          const r = await service.embed(args, { dimensions })
          const ms = performance.now() - t0
          if (args.length === 2) {
            const s = await service.similarity(args[0]!, args[1]!)
            if (json) writeJson(io, { cosine: s.cosine, dimension: r.dimension, tokens: r.tokens })
            else io.stdout.write(`cosine similarity ${s.cosine.toFixed(4)} (${r.dimension} dimensions, ${r.tokens} tokens, ${ms.toFixed(0)} ms)\n`)
          } else if (json) writeJson(io, { vector: Array.from(r.vectors[0]!), dimension: r.dimension, tokens: r.tokens, truncated: r.truncated })
          else {
            const v = r.vectors[0]!
            io.stdout.write(`${r.dimension} dimensions, norm ${Math.hypot(...v).toFixed(4)}, ${r.tokens} tokens${r.truncated ? ' (truncated)' : ''}, ${ms.toFixed(0)} ms\n[${Array.from(v.slice(0, 8), (x) => x.toFixed(4)).join(', ')}, …]\n`)
          }
          return 0
        }
        case 'bench': {
          const texts = parseIntOption(values.texts, 'texts', 8, 512) ?? 64
          await loadActive()
          const b = await service.bench(texts)
          if (json) writeJson(io, b)
          else
            io.stdout.write(
              `${b.modelId} on ${b.provider}: ${b.textsPerSecond.toFixed(1)} texts/s, ${b.tokensPerSecond.toFixed(0)} tokens/s (${b.texts} texts, ${b.tokens} tokens in ${b.seconds.toFixed(2)} s)\n` +
                `512-text validator request: about ${b.estimate512Seconds.toFixed(1)} s of ${b.timeoutSeconds} s -> ${b.verdict}\n${b.advice}\n`,
            )
          return b.verdict === 'too-slow' ? 1 : 0
        }
        case 'remove': {
          const removed = await service.remove(needId())
          if (json) writeJson(io, { removed })
          else io.stdout.write(removed ? `Removed ${args[0]}.\n` : `${args[0]} was not installed.\n`)
          return 0
        }
      }
      return 2
    } finally {
      await service.dispose()
    }
  },
}

function list(service: EmbeddingService, json: boolean, io: CommandIo): number {
  const { models, active } = service.list()
  if (json) {
    writeJson(io, { models, active })
    return 0
  }
  const rows = models.map((m) => [
    m.active ? `* ${m.id}` : `  ${m.id}`,
    String(m.dimension ?? '?'),
    m.pooling,
    String(m.maxLength),
    formatBytes(m.sizeBytes),
    m.license ?? '-',
    m.quality ? (m.quality.passed ? `int8, cosine ${m.quality.meanCosine.toFixed(4)}` : 'int8, FAILED check') : m.installed ? 'installed' : m.partialBytes > 0 ? `partial ${formatBytes(m.partialBytes)}` : '',
  ])
  const header = ['  model', 'dim', 'pool', 'max', 'size', 'license', 'status']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  io.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`)
  io.stdout.write(active ? `\nActive: ${active}\n` : '\nNo active model: download one, then `taodesk models use ID`.\n')
  return 0
}

export function formatQuantizeReport(r: QuantizeReport, scores: readonly SelfScoreModel[]): string {
  const score = (id: string): string => {
    const m = scores.find((s) => s.modelId === id)
    if (!m) return 'not scored'
    return m.score === null ? `not scored (${m.error ?? 'failed'})` : `${m.score.toFixed(3)} (top-1 ${((m.top1 ?? 0) * 100).toFixed(1)} %, ${m.textsPerSecond?.toFixed(1) ?? '?'} texts/s)`
  }
  return [
    `${r.id}: ${r.quantizedMatMuls} matrix weights in int8 (${r.keptFloat} left float), ${formatBytes(r.sizeBytes)} instead of ${formatBytes(r.baseSizeBytes)}, in ${r.seconds.toFixed(1)} s`,
    `  ${r.file}`,
    `Cosine to ${r.baseId} on ${r.quality.texts} held-out texts: mean ${r.quality.meanCosine.toFixed(4)} (needs ${r.thresholds.meanCosine}), min ${r.quality.minCosine.toFixed(4)} (needs ${r.thresholds.minCosine}) -> ${r.quality.passed ? 'passed' : 'FAILED'}`,
    `Self-score ${r.baseId}: ${score(r.baseId)}`,
    `Self-score ${r.id}: ${score(r.id)}`,
    r.advice,
    '',
  ].join('\n')
}
