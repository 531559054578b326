import type { ParseArgsConfig } from 'node:util'
import type { z } from 'zod'
import { UsageError } from './command'

export type ArgValues = Record<string, string | boolean | undefined>
type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>

/** How one schema field shows up on the command line, where the defaults do not fit. */
export interface FlagTweak {
  /** Flag name, when it is not the field name in kebab-case. */
  readonly flag?: string
  /** Placeholder in the help line: N for numbers, the choices for enums, VALUE otherwise. */
  readonly metavar?: string
  /** Nullable numbers only: the value 0 stands for null ("0 turns it off"). */
  readonly zeroIsNull?: boolean
  /** Appended to the help line in parentheses, for what only the CLI knows (e.g. "start only"). */
  readonly note?: string
}

/** A field path: a top-level key, or "key.sub" for a field of a nested object. */
export type FieldPath<T> = {
  [K in keyof T & string]: NonNullable<T[K]> extends readonly unknown[] ? K : NonNullable<T[K]> extends Record<string, unknown> ? K | `${K}.${keyof NonNullable<T[K]> & string}` : K
}[keyof T & string]

type Kind = 'number' | 'string' | 'boolean' | 'enum'

interface Field {
  readonly path: readonly string[]
  readonly flag: string
  readonly kind: Kind
  readonly choices: readonly string[]
  readonly int: boolean
  readonly min: number | undefined
  readonly max: number | undefined
  readonly nullable: boolean
  readonly required: boolean
  readonly fallback: unknown
  readonly description: string
  readonly tweak: FlagTweak
}

interface ZodDefLike {
  readonly type: string
  readonly innerType?: ZodLike
  readonly in?: ZodLike
  readonly defaultValue?: unknown
  readonly options?: readonly ZodLike[]
  readonly shape?: Record<string, ZodLike>
}
interface ZodLike {
  readonly def: ZodDefLike
  readonly description?: string
  readonly options?: readonly string[]
  readonly minValue?: number | null
  readonly maxValue?: number | null
  readonly isInt?: boolean
  readonly shape?: Record<string, ZodLike>
}

const WRAPPERS = new Set(['default', 'optional', 'nullable', 'readonly', 'prefault', 'catch'])

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

/** Peels default/optional/nullable wrappers off a field, noting what they said. */
function describeField(schema: ZodLike, path: readonly string[], tweak: FlagTweak): Field {
  let s = schema
  let description = s.description
  let fallback: unknown
  let nullable = false
  let required = true
  for (;;) {
    const t = s.def.type
    if (t === 'default' || t === 'prefault') {
      if (fallback === undefined) fallback = s.def.defaultValue
      required = false
    }
    if (t === 'optional') required = false
    if (t === 'nullable') nullable = true
    if (t === 'pipe' && s.def.in) s = s.def.in
    else if (WRAPPERS.has(t) && s.def.innerType) s = s.def.innerType
    else break
    description ??= s.description
  }
  const t = s.def.type
  const kind: Kind = t === 'number' ? 'number' : t === 'boolean' ? 'boolean' : t === 'enum' ? 'enum' : 'string'
  const finite = (v: number | null | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined)
  const baseFlag = tweak.flag ?? kebabCase(path[path.length - 1]!)
  const flipped = kind === 'boolean' && fallback === true
  return {
    path,
    flag: flipped && tweak.flag === undefined ? `no-${baseFlag}` : baseFlag,
    kind,
    choices: kind === 'enum' ? (s.options ?? []) : [],
    int: s.isInt === true,
    min: tweak.zeroIsNull ? 0 : finite(s.minValue),
    max: finite(s.maxValue),
    nullable,
    required,
    fallback,
    description: description ?? '',
    tweak,
  }
}

function fieldAt(shape: Record<string, ZodLike>, path: readonly string[]): ZodLike {
  let s: ZodLike | undefined = shape[path[0]!]
  for (const key of path.slice(1)) {
    while (s && !s.shape && s.def.innerType) s = s.def.innerType
    s = s?.shape?.[key]
  }
  if (!s) throw new Error(`options-from-schema: no field ${path.join('.')}`)
  return s
}

function rangeText(f: Field): string {
  if (f.min !== undefined && f.max !== undefined) return ` from ${f.min} to ${f.max}`
  if (f.min !== undefined) return `, ${f.min} or more`
  if (f.max !== undefined) return `, at most ${f.max}`
  return ''
}

/** A flag's string turned into the field's type, or a UsageError that names the flag. */
function convert(f: Field, raw: string | boolean): unknown {
  if (f.kind === 'boolean') return f.flag.startsWith('no-') && f.fallback === true ? !raw : raw === true
  const value = String(raw)
  if (f.kind === 'enum') {
    if (!f.choices.includes(value)) throw new UsageError(`--${f.flag} must be one of ${f.choices.join(', ')}`)
    return value
  }
  if (f.kind === 'string') return value
  const n = f.int ? (/^\d+$/.test(value) ? Number(value) : NaN) : value.trim() === '' ? NaN : Number(value)
  if (!Number.isFinite(n) || (f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) {
    throw new UsageError(`--${f.flag} must be ${f.int ? 'a whole number' : 'a number'}${rangeText(f)}`)
  }
  return f.tweak.zeroIsNull && n === 0 ? null : n
}

function defaultText(f: Field): string {
  if (f.kind === 'boolean' || f.fallback === undefined || f.fallback === null || f.fallback === '' || /\bdefault\b/.test(f.description)) return ''
  return `default ${typeof f.fallback === 'string' && /^[a-z]+$/i.test(f.fallback) ? `"${f.fallback}"` : String(f.fallback)}`
}

function helpText(f: Field): string {
  const negated = f.kind === 'boolean' && f.fallback === true && f.flag.startsWith('no-')
  const notes = [f.required ? 'required' : '', defaultText(f), f.tweak.zeroIsNull ? '0 turns it off' : '', f.tweak.note ?? ''].filter(Boolean)
  return `${negated ? `do not ${f.description}` : f.description}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`
}

/** Breaks a help line at spaces before `width` columns, continuing under the help text. */
function wrap(line: string, hang: string, width = 100): string {
  const out: string[] = []
  let rest = line
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width)
    if (cut <= hang.length) break
    out.push(rest.slice(0, cut))
    rest = hang + rest.slice(cut + 1)
  }
  return [...out, rest].join('\n')
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>
  node[path[path.length - 1]!] = value
}

/** Command-line flags for some fields of a zod object schema: the schema says each flag's type, range, default and help. */
export interface SchemaFlags<S extends z.ZodObject> {
  /** For node:util parseArgs. */
  readonly options: ParseArgsOptions
  /** One help line per flag, `--flag METAVAR` padded to `column`, then the field's description and default. */
  help(indent?: string, column?: number): string
  /** The fields given on the command line (nested objects rebuilt, nothing defaulted), each checked against its flag. */
  read(values: ArgValues): Record<string, unknown>
  /** read(), merged over `base`, then the schema's own validation with defaults; problems name the flag. */
  parse(values: ArgValues, base?: Record<string, unknown>): z.output<S>
  /** A zod error as a UsageError whose issues name flags where a flag sets the field. */
  usageError(error: z.ZodError): UsageError
}

export function flagsFromSchema<S extends z.ZodObject>(schema: S, fields: Partial<Record<FieldPath<z.input<S>>, FlagTweak | true>>): SchemaFlags<S> {
  const shape = schema.shape as unknown as Record<string, ZodLike>
  const list = Object.entries(fields as Record<string, FlagTweak | true>).map(([key, tweak]) => {
    const path = key.split('.')
    return describeField(fieldAt(shape, path), path, tweak === true ? {} : tweak)
  })
  const byPath = new Map(list.map((f) => [f.path.join('.'), f]))
  const metavar = (f: Field): string => (f.kind === 'boolean' ? '' : (f.tweak.metavar ?? (f.kind === 'number' ? 'N' : f.kind === 'enum' ? f.choices.join('|') : 'VALUE')))

  const usageError = (error: z.ZodError): UsageError =>
    new UsageError(
      error.issues
        .map((issue) => {
          const path = issue.path.map(String).join('.')
          const f = byPath.get(path)
          return f ? `--${f.flag}: ${issue.message}` : `${path || '(root)'}: ${issue.message}`
        })
        .join('; '),
    )

  const read = (values: ArgValues): Record<string, unknown> => {
    const out: Record<string, unknown> = {}
    for (const f of list) {
      const raw = values[f.flag]
      if (raw !== undefined) setAt(out, f.path, convert(f, raw))
    }
    return out
  }

  return {
    options: Object.fromEntries(list.map((f) => [f.flag, { type: f.kind === 'boolean' ? ('boolean' as const) : ('string' as const) }])),
    help(indent = '    ', column = 22) {
      return list
        .map((f) => {
          const head = `--${f.flag}${metavar(f) ? ` ${metavar(f)}` : ''}`
          return wrap(`${indent}${head.length < column ? head.padEnd(column) : `${head}  `}${helpText(f)}`, ' '.repeat(indent.length + column))
        })
        .join('\n')
    },
    read,
    parse(values, base = {}) {
      const given = read(values)
      for (const f of list) if (f.required && f.path.length === 1 && given[f.path[0]!] === undefined && base[f.path[0]!] === undefined) throw new UsageError(`--${f.flag} is required`)
      const merged: Record<string, unknown> = { ...base }
      for (const [key, value] of Object.entries(given)) {
        const prior = merged[key]
        merged[key] = prior && typeof prior === 'object' && value && typeof value === 'object' ? { ...prior, ...value } : value
      }
      const parsed = schema.safeParse(merged)
      if (!parsed.success) throw usageError(parsed.error)
      return parsed.data
    },
    usageError,
  }
}
