import type Database from 'better-sqlite3'

/** Tables created by migration 0004-validator. */

export interface RoundRow {
  readonly id: number
  readonly startedAt: number
  readonly finishedAt: number | null
  readonly status: 'running' | 'done' | 'failed'
  readonly netuid: number
  readonly block: number | null
  readonly source: string
  readonly description: string
  readonly questionMaker: string
  readonly pairs: number
  readonly droppedPairs: number
  readonly queried: number
  readonly answered: number
  readonly burn: Record<string, unknown>
  readonly error: string | null
}

export interface ResultRow {
  readonly roundId: number
  readonly uid: number
  readonly hotkey: string
  readonly time: number
  readonly status: number
  readonly message: string
  readonly latencyS: number
  readonly score: number
  readonly loss: number | null
  readonly top1: number
  readonly top3: number
  readonly reward: number
  readonly movingAverage: number
  readonly invalidReason: string | null
}

export interface WeightRow {
  readonly id: number
  readonly time: number
  readonly netuid: number
  readonly block: number | null
  readonly kind: 'set' | 'commit' | 'reveal' | 'skipped'
  readonly status: 'ok' | 'failed' | 'pending' | 'skipped'
  readonly message: string
  readonly uids: number[]
  readonly values: number[]
  readonly salt: number[] | null
  readonly versionKey: number
  readonly commitEpoch: number | null
  readonly revealed: boolean
  readonly spearman: number | null
}

export interface LeaderboardRow {
  readonly uid: number
  readonly hotkey: string
  readonly lastScore: number
  readonly avgScore: number
  readonly lastTop1: number
  readonly avgTop1: number
  readonly avgTop3: number
  readonly avgLatencyS: number | null
  /** Share of queries answered with a valid embedding. */
  readonly availability: number
  readonly queries: number
  readonly lastSeen: number | null
  readonly lastStatus: number
  readonly lastMessage: string
  readonly movingAverage: number
}

/** A round on the subnet dashboard, before it is put into the contract's shape. */
export interface DashboardRow {
  readonly roundId: number
  readonly block: number | null
  readonly finishedAt: number
  readonly queried: number
  /** Scores of the miners whose answer was a valid embedding. */
  readonly scores: number[]
  /** The baselines recorded for the round (undefined: none yet). */
  readonly baselines: BaselineRecord[] | undefined
}

export interface BaselineRecord {
  readonly model: string
  readonly kind: 'local' | 'openai'
  readonly score: number | null
  readonly top1: number | null
  readonly error: string | null
}

/** Baselines are kept per round in validator_state under this prefix (no migration needed: one small JSON row per round). */
const BASELINE_KEY = 'baseline:'

const finite = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x)

export class ValidatorTables {
  constructor(private readonly db: Database.Database) {}

  startRound(r: { startedAt: number; netuid: number; block: number | null }): number {
    return Number(this.db.prepare("INSERT INTO validator_rounds (started_at, status, netuid, block) VALUES (?, 'running', ?, ?)").run(r.startedAt, r.netuid, r.block).lastInsertRowid)
  }

  finishRound(
    id: number,
    r: { status: 'done' | 'failed'; finishedAt: number; source?: string; description?: string; questionMaker?: string; pairs?: number; droppedPairs?: number; queried?: number; answered?: number; burn?: unknown; error?: string | null },
  ): void {
    this.db
      .prepare(
        `UPDATE validator_rounds SET status = ?, finished_at = ?, source = coalesce(?, source), description = coalesce(?, description), question_maker = coalesce(?, question_maker),
         pairs = coalesce(?, pairs), dropped_pairs = coalesce(?, dropped_pairs), queried = coalesce(?, queried), answered = coalesce(?, answered), burn = coalesce(?, burn), error = ? WHERE id = ?`,
      )
      .run(r.status, r.finishedAt, r.source ?? null, r.description ?? null, r.questionMaker ?? null, r.pairs ?? null, r.droppedPairs ?? null, r.queried ?? null, r.answered ?? null, r.burn === undefined ? null : JSON.stringify(r.burn), r.error ?? null, id)
  }

  /** Marks rounds left 'running' by a crash as failed (called at start). */
  failInterrupted(now: number): number {
    return this.db.prepare("UPDATE validator_rounds SET status = 'failed', finished_at = ?, error = 'Interrupted (TaoDesk stopped during the round)' WHERE status = 'running'").run(now).changes
  }

  recordResults(rows: readonly ResultRow[]): void {
    const insert = this.db.prepare(
      `INSERT INTO validator_results (round_id, uid, hotkey, time, status, message, latency_s, score, loss, top1, top3, reward, moving_average, invalid_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.db.transaction(() => {
      for (const r of rows) {
        insert.run(r.roundId, r.uid, r.hotkey, r.time, r.status, r.message.slice(0, 500), r.latencyS, r.score, finite(r.loss), r.top1, r.top3, r.reward, r.movingAverage, r.invalidReason)
      }
    })()
  }

  rounds(limit: number): RoundRow[] {
    return this.db
      .prepare<[number], Record<string, unknown>>('SELECT * FROM validator_rounds ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((r) => ({
        id: r.id as number,
        startedAt: r.started_at as number,
        finishedAt: r.finished_at as number | null,
        status: r.status as RoundRow['status'],
        netuid: r.netuid as number,
        block: r.block as number | null,
        source: r.source as string,
        description: r.description as string,
        questionMaker: r.question_maker as string,
        pairs: r.pairs as number,
        droppedPairs: r.dropped_pairs as number,
        queried: r.queried as number,
        answered: r.answered as number,
        burn: JSON.parse(r.burn as string) as Record<string, unknown>,
        error: r.error as string | null,
      }))
  }

  minerHistory(uid: number, limit: number): ResultRow[] {
    return this.db
      .prepare<[number, number], Record<string, unknown>>('SELECT * FROM validator_results WHERE uid = ? ORDER BY round_id DESC LIMIT ?')
      .all(uid, limit)
      .reverse()
      .map(toResult)
  }

  roundResults(roundId: number): ResultRow[] {
    return this.db.prepare<[number], Record<string, unknown>>('SELECT * FROM validator_results WHERE round_id = ? ORDER BY uid').all(roundId).map(toResult)
  }

  /**
   * Latest and average figures per uid over the last `window` rounds in which it was queried.
   * Index-driven (uid, round_id): a skip-scan finds the uids, and each uid reads only its last
   * `window` rows, so the cost does not grow with the history kept (a window function over
   * the whole table took 7 s at 1M results, blocking the engine's thread).
   */
  leaderboard(window: number): LeaderboardRow[] {
    const rows = this.db
      .prepare<[number], Record<string, unknown>>(
        `WITH RECURSIVE uids(uid) AS (
           SELECT (SELECT min(uid) FROM validator_results)
           UNION ALL
           SELECT (SELECT min(uid) FROM validator_results WHERE uid > uids.uid) FROM uids WHERE uids.uid IS NOT NULL
         ),
         cut AS (
           SELECT uid,
             (SELECT max(round_id) FROM validator_results x WHERE x.uid = uids.uid) AS last_round,
             coalesce((SELECT round_id FROM validator_results x WHERE x.uid = uids.uid ORDER BY round_id DESC LIMIT 1 OFFSET ? - 1), -1) AS from_round
           FROM uids WHERE uid IS NOT NULL
         )
         SELECT c.uid AS uid,
           l.hotkey AS hotkey,
           l.score AS last_score,
           avg(r.score) AS avg_score,
           l.top1 AS last_top1,
           avg(r.top1) AS avg_top1,
           avg(r.top3) AS avg_top3,
           avg(CASE WHEN r.status = 200 THEN r.latency_s END) AS avg_latency,
           avg(CASE WHEN r.status = 200 AND r.invalid_reason IS NULL THEN 1.0 ELSE 0.0 END) AS availability,
           count(*) AS queries,
           max(CASE WHEN r.status = 200 THEN r.time END) AS last_seen,
           l.status AS last_status,
           l.message AS last_message,
           l.moving_average AS moving_average
         FROM cut c
         JOIN validator_results r ON r.uid = c.uid AND r.round_id >= c.from_round
         JOIN validator_results l ON l.uid = c.uid AND l.round_id = c.last_round
         GROUP BY c.uid ORDER BY c.uid`,
      )
      .all(window)
    return rows.map((r) => ({
      uid: r.uid as number,
      hotkey: r.hotkey as string,
      lastScore: r.last_score as number,
      avgScore: r.avg_score as number,
      lastTop1: r.last_top1 as number,
      avgTop1: r.avg_top1 as number,
      avgTop3: r.avg_top3 as number,
      avgLatencyS: r.avg_latency as number | null,
      availability: r.availability as number,
      queries: r.queries as number,
      lastSeen: r.last_seen as number | null,
      lastStatus: r.last_status as number,
      lastMessage: r.last_message as string,
      movingAverage: r.moving_average as number,
    }))
  }

  recordWeights(w: Omit<WeightRow, 'id' | 'revealed'>): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO validator_weights (time, netuid, block, kind, status, message, uids, weight_values, salt, version_key, commit_epoch, spearman)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(w.time, w.netuid, w.block, w.kind, w.status, w.message, JSON.stringify(w.uids), JSON.stringify(w.values), w.salt ? JSON.stringify(w.salt) : null, w.versionKey, w.commitEpoch, finite(w.spearman)).lastInsertRowid,
    )
  }

  markRevealed(id: number): void {
    this.db.prepare('UPDATE validator_weights SET revealed = 1 WHERE id = ?').run(id)
  }

  pendingCommits(netuid: number): WeightRow[] {
    return this.db
      .prepare<[number], Record<string, unknown>>("SELECT * FROM validator_weights WHERE netuid = ? AND kind = 'commit' AND status = 'ok' AND revealed = 0 ORDER BY id")
      .all(netuid)
      .map(toWeight)
  }

  weights(limit: number): WeightRow[] {
    return this.db.prepare<[number], Record<string, unknown>>('SELECT * FROM validator_weights ORDER BY id DESC LIMIT ?').all(limit).map(toWeight)
  }

  getState<T>(key: string): T | undefined {
    const row = this.db.prepare<[string], { value: string }>('SELECT value FROM validator_state WHERE key = ?').get(key)
    return row ? (JSON.parse(row.value) as T) : undefined
  }

  setState(key: string, value: unknown): void {
    this.db.prepare('INSERT INTO validator_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value))
  }

  /** Deletes a state row and overwrites its bytes (secure_delete), then checkpoints the WAL. */
  deleteStateSecurely(key: string): void {
    const before = this.db.pragma('secure_delete', { simple: true }) as number
    this.db.pragma('secure_delete = ON')
    try {
      this.db.prepare('DELETE FROM validator_state WHERE key = ?').run(key)
    } finally {
      this.db.pragma(`secure_delete = ${before ? 'ON' : 'OFF'}`)
    }
    if (this.db.pragma('journal_mode', { simple: true }) === 'wal') this.db.pragma('wal_checkpoint(TRUNCATE)')
  }

  deleteOlderThan(time: number): number {
    const deleted = this.db.prepare("DELETE FROM validator_rounds WHERE started_at < ? AND status != 'running'").run(time).changes
    // The baselines of deleted rounds go with them.
    if (deleted > 0) this.db.prepare(`DELETE FROM validator_state WHERE key LIKE '${BASELINE_KEY}%' AND CAST(substr(key, ${BASELINE_KEY.length + 1}) AS INTEGER) NOT IN (SELECT id FROM validator_rounds)`).run()
    return deleted
  }

  recordBaselines(roundId: number, baselines: readonly BaselineRecord[]): void {
    this.setState(`${BASELINE_KEY}${roundId}`, baselines)
  }

  /** The last `limit` finished rounds on `netuid`, oldest first, with their valid miner scores and baselines. */
  dashboard(netuid: number, limit: number): DashboardRow[] {
    const rounds = this.db
      .prepare<[number, number], { id: number; block: number | null; finished_at: number; queried: number }>(
        "SELECT id, block, finished_at, queried FROM validator_rounds WHERE netuid = ? AND status = 'done' ORDER BY id DESC LIMIT ?",
      )
      .all(netuid, limit)
      .reverse()
    if (rounds.length === 0) return []
    const first = rounds[0].id
    const scores = new Map<number, number[]>()
    for (const r of this.db
      .prepare<[number], { round_id: number; score: number }>('SELECT round_id, score FROM validator_results WHERE round_id >= ? AND status = 200 AND invalid_reason IS NULL')
      .iterate(first)) {
      const list = scores.get(r.round_id) ?? []
      list.push(r.score)
      scores.set(r.round_id, list)
    }
    const baselines = new Map<number, BaselineRecord[]>()
    for (const r of this.db.prepare<[], { key: string; value: string }>(`SELECT key, value FROM validator_state WHERE key LIKE '${BASELINE_KEY}%'`).iterate()) {
      baselines.set(Number(r.key.slice(BASELINE_KEY.length)), JSON.parse(r.value) as BaselineRecord[])
    }
    return rounds.map((r) => ({ roundId: r.id, block: r.block, finishedAt: r.finished_at, queried: r.queried, scores: scores.get(r.id) ?? [], baselines: baselines.get(r.id) }))
  }
}

function toResult(r: Record<string, unknown>): ResultRow {
  return {
    roundId: r.round_id as number,
    uid: r.uid as number,
    hotkey: r.hotkey as string,
    time: r.time as number,
    status: r.status as number,
    message: r.message as string,
    latencyS: r.latency_s as number,
    score: r.score as number,
    loss: r.loss as number | null,
    top1: r.top1 as number,
    top3: r.top3 as number,
    reward: r.reward as number,
    movingAverage: r.moving_average as number,
    invalidReason: r.invalid_reason as string | null,
  }
}

function toWeight(r: Record<string, unknown>): WeightRow {
  return {
    id: r.id as number,
    time: r.time as number,
    netuid: r.netuid as number,
    block: r.block as number | null,
    kind: r.kind as WeightRow['kind'],
    status: r.status as WeightRow['status'],
    message: r.message as string,
    uids: JSON.parse(r.uids as string) as number[],
    values: JSON.parse(r.weight_values as string) as number[],
    salt: r.salt === null ? null : (JSON.parse(r.salt as string) as number[]),
    versionKey: r.version_key as number,
    commitEpoch: r.commit_epoch as number | null,
    revealed: r.revealed === 1,
    spearman: r.spearman as number | null,
  }
}
