// Alerts: opened when a series leaves normal (one live alert per unit, product and type), kept at
// the level the series shows, closed after some normal reports, acknowledged by a person, and moved
// up the region tree (unit -> county -> province -> nation) while nobody acknowledges them.
import { addDays } from '../../domain/iso-date.js';
import { intArray, textArray, type Queryable } from '../../store/index.js';
import { writeAudit } from '../audit.js';
import { nodesOfUnits } from '../auth/scope.js';
import { actorName, type ServiceContext } from '../context.js';
import { NormaError, notFound } from '../errors.js';
import { reportingModel, type ReportingModel, type UnitInfo } from '../reporting/model-cache.js';
import { NATION } from '../trees.js';
import { monitoringSettings, type MonitoringSettings } from './settings.js';

/**
 * What an alert warns of: a break in a series' trend, or output its inputs cannot explain.
 * @example const t: AlertType = 'implausible';
 */
export type AlertType = 'trend' | 'implausible';
/**
 * How serious an alert is (the filter's status, or implausible on IMPLAUSIBLE_CRISIS_DAYS days).
 * @example const l: AlertLevel = 'crisis';
 */
export type AlertLevel = 'alert' | 'crisis';
/**
 * Where an alert stands: open (climbing the tree until acknowledged), acknowledged, closed.
 * @example const s: AlertStatus = 'acknowledged';
 */
export type AlertStatus = 'open' | 'acknowledged' | 'closed';
/**
 * A series' status on one day.
 * @example const s: SeriesStatus = 'normal';
 */
export type SeriesStatus = 'normal' | AlertLevel;

/**
 * What a series said on one day, for the alert machine.
 * @example const s: AlertSignal = { day: '2026-03-11', status: 'alert', counts: true, detail: { z: 4.2 } };
 */
export interface AlertSignal {
  readonly day: string;
  readonly status: SeriesStatus;
  /** A new day (counts towards closing); false for a re-evaluation after a correction. */
  readonly counts: boolean;
  readonly detail: Record<string, unknown>;
}

/** The signals of one series, days ascending. */
export interface SeriesSignals {
  readonly unitId: number;
  readonly productId: number;
  readonly signals: readonly AlertSignal[];
}

interface AlertRow {
  id: number | null;
  type: AlertType;
  unit_id: number;
  product_id: number;
  level: AlertLevel;
  status: AlertStatus;
  opened_on: string;
  last_day: string;
  normal_days: number;
  escalated_to: string;
  escalation_step: number;
  escalation_since: string;
  closed_on: string | null;
  detail: Record<string, unknown>;
  dirty: boolean;
}

const RANK: Record<SeriesStatus, number> = { normal: 0, alert: 1, crisis: 2 };
/** Implausible alerts: crisis once this many days of the open alert were flagged. */
export const IMPLAUSIBLE_CRISIS_DAYS = 3;

/**
 * Runs the alert machine over each series' signals and writes what changed: a non-normal day
 * opens an alert (or updates its level; a level rising on an acknowledged alert reopens it for a
 * new acknowledgement and restarts its escalation clock), and closeAfterDays normal new days close
 * it. Implausible alerts keep their flagged days; a correction that clears the only one closes it.
 * @example await applySignals(tx, ctx, model, 'trend', [{ unitId: 5, productId: 3, signals }], settings, new Date());
 */
export async function applySignals(
  tx: Queryable,
  ctx: ServiceContext,
  model: ReportingModel,
  type: AlertType,
  series: readonly SeriesSignals[],
  settings: MonitoringSettings,
  at: Date,
): Promise<void> {
  const relevant = series.filter((s) => s.signals.length > 0);
  if (relevant.length === 0) return;
  const live = await tx.query<Omit<AlertRow, 'dirty'> & Record<string, unknown>>(
    `select a.id, a.type, a.unit_id, a.product_id, a.level, a.status, a.opened_on::text as opened_on, a.last_day::text as last_day, a.normal_days,
            a.escalated_to, a.escalation_step, a.escalation_since::text as escalation_since, a.closed_on::text as closed_on, a.detail
       from alert a join unnest($3::int[], $4::int[]) as k(u, p) on a.unit_id = k.u and a.product_id = k.p
      where a.org = $1 and a.type = $2 and a.status <> 'closed'
      order by a.unit_id, a.product_id for update of a`,
    [ctx.org, type, intArray(relevant.map((s) => s.unitId)), intArray(relevant.map((s) => s.productId))],
  );
  const rows = advanceAlerts(model, type, relevant, live, settings, ctx.today(), at);
  // Writes: every changed alert in one update, then the new ones in one insert, in the order they
  // were opened (ids follow it). Updates first: an alert closed here frees its (unit, product,
  // type) for a new one opened later in the same batch.
  const changed = rows.filter((a) => a.dirty && a.id !== null);
  const opened = rows.filter((a) => a.dirty && a.id === null);
  const atIso = at.toISOString();
  if (changed.length) {
    await tx.query(
      `update alert a set level = t.l, status = t.s, last_day = t.ld, normal_days = t.n, escalation_since = t.es, closed_on = t.co,
                          closed_at = case when t.s = 'closed' then $9::timestamptz end, detail = j.d
         from unnest($2::int[], $3::text[], $4::text[], $5::date[], $6::int[], $7::date[], $8::date[]) with ordinality as t(id, l, s, ld, n, es, co, i)
         join jsonb_array_elements($10::jsonb) with ordinality as j(d, i) on j.i = t.i
        where a.org = $1 and a.id = t.id`,
      [ctx.org, intArray(changed.map((a) => a.id!)), textArray(changed.map((a) => a.level)), textArray(changed.map((a) => a.status)),
        textArray(changed.map((a) => a.last_day)), intArray(changed.map((a) => a.normal_days)), textArray(changed.map((a) => a.escalation_since)),
        textArray(changed.map((a) => a.closed_on)), atIso, `[${changed.map((a) => JSON.stringify(a.detail)).join(',')}]`],
    );
  }
  if (opened.length) {
    await tx.query(
      `insert into alert (org, type, unit_id, product_id, level, status, opened_on, opened_at, last_day, normal_days, escalated_to, escalation_step,
                          escalation_since, closed_on, closed_at, detail)
       select $1, t.ty, t.u, t.p, t.l, t.s, t.oo, $13, t.ld, t.n, t.et, 0, t.es, t.co, case when t.s = 'closed' then $13::timestamptz end, j.d
         from unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::date[], $8::date[], $9::int[], $10::text[], $11::date[], $12::date[])
              with ordinality as t(ty, u, p, l, s, oo, ld, n, et, es, co, i)
         join jsonb_array_elements($14::jsonb) with ordinality as j(d, i) on j.i = t.i
        order by t.i`,
      [ctx.org, textArray(opened.map((a) => a.type)), intArray(opened.map((a) => a.unit_id)), intArray(opened.map((a) => a.product_id)),
        textArray(opened.map((a) => a.level)), textArray(opened.map((a) => a.status)), textArray(opened.map((a) => a.opened_on)),
        textArray(opened.map((a) => a.last_day)), intArray(opened.map((a) => a.normal_days)), textArray(opened.map((a) => a.escalated_to)),
        textArray(opened.map((a) => a.escalation_since)), textArray(opened.map((a) => a.closed_on)), atIso,
        `[${opened.map((a) => JSON.stringify(a.detail)).join(',')}]`],
    );
  }
}

/**
 * The alert machine of applySignals without its queries: from the live alerts of the series and
 * their signals, the alerts it opened or changed (in the order it came to them).
 */
function advanceAlerts(
  model: ReportingModel,
  type: AlertType,
  relevant: readonly SeriesSignals[],
  live: readonly Omit<AlertRow, 'dirty'>[],
  settings: MonitoringSettings,
  today: string,
  at: Date,
): AlertRow[] {
  const byKey = new Map(live.map((a) => [`${a.unit_id}|${a.product_id}`, { ...a, id: Number(a.id), dirty: false } as AlertRow]));
  const rows: AlertRow[] = [];
  const inRows = new Set<AlertRow>();
  const keep = (a: AlertRow) => {
    if (!inRows.has(a)) {
      inRows.add(a);
      rows.push(a);
    }
  };
  for (const s of relevant) {
    const unit = model.unitsById.get(s.unitId);
    if (!unit) continue;
    let a = byKey.get(`${s.unitId}|${s.productId}`) ?? null;
    for (const sig of s.signals) {
      if (sig.status !== 'normal') {
        let level: AlertLevel = sig.status;
        if (!a) {
          a = {
            id: null, type, unit_id: s.unitId, product_id: s.productId, level, status: 'open', opened_on: sig.day, last_day: sig.day, normal_days: 0,
            escalated_to: unit.code, escalation_step: 0, escalation_since: today, closed_on: null, detail: {}, dirty: true,
          };
          keep(a);
        }
        let detail = { ...sig.detail };
        if (type === 'implausible') {
          const days = new Set<string>((a.detail.days as string[] | undefined) ?? []);
          days.add(sig.day);
          const list = [...days].sort().slice(-31);
          detail = { ...detail, days: list };
          if (list.length >= IMPLAUSIBLE_CRISIS_DAYS) level = 'crisis';
        }
        if (RANK[level] > RANK[a.level] && a.status === 'acknowledged') {
          a.status = 'open';
          a.escalation_since = today;
        }
        a.level = level;
        if (sig.day > a.last_day) a.last_day = sig.day;
        a.normal_days = 0;
        a.detail = detail;
        a.dirty = true;
        keep(a);
      } else if (a && type === 'implausible' && ((a.detail.days as string[] | undefined) ?? []).includes(sig.day)) {
        // a flagged day re-checked after a correction and now plausible
        const days = ((a.detail.days as string[] | undefined) ?? []).filter((d) => d !== sig.day);
        a.detail = { ...a.detail, days, cleared: [...(((a.detail.cleared as string[] | undefined) ?? [])), sig.day].slice(-31) };
        if (days.length === 0) close(a, sig.day, at, 'corrected');
        a.dirty = true;
        keep(a);
        if (a.status === 'closed') a = null;
      } else if (a && sig.counts && sig.day > a.last_day) {
        a.normal_days += 1;
        a.dirty = true;
        keep(a);
        if (a.normal_days >= settings.closeAfterDays) {
          close(a, sig.day, at, 'back to normal');
          a = null;
        }
      }
    }
  }
  return rows;
}

function close(a: AlertRow, day: string, at: Date, reason: string): void {
  a.status = 'closed';
  a.closed_on = day;
  a.detail = { ...a.detail, closed_because: reason, closed_at: at.toISOString() };
}

/** The region-tree path an alert climbs: the unit, its county, its province, the nation. */
export function escalationChain(unit: UnitInfo): string[] {
  return [unit.code, ...unit.regionChain, NATION];
}

/** One move of an alert up the tree. */
export interface EscalationStep {
  readonly alert: number;
  readonly step: number;
  readonly from: string;
  readonly to: string;
  /** The day the move fell due: escalationDays after the alert reached its previous node. */
  readonly due_on: string;
}

/**
 * Moves every open (unacknowledged) alert that has stayed escalationDays at its node one step up
 * the region tree, as many steps as are due by `today` (a late run catches up), and records each
 * step in alert_escalation. Acknowledged and closed alerts stay where they are.
 * @example await escalateAlerts(ctx, '2026-03-15') // [{ alert: 4, step: 1, from: 'U-000007', to: 'C-SPY-SUNCHON', due_on: '2026-03-13' }]
 */
export async function escalateAlerts(ctx: ServiceContext, today: string = ctx.today()): Promise<EscalationStep[]> {
  const model = await reportingModel(ctx);
  const settings = await monitoringSettings(ctx);
  const k = settings.escalationDays;
  const at = (ctx.now?.() ?? new Date()).toISOString();
  return ctx.store.transaction(async (tx) => {
    const due = await tx.query<{ id: number; unit_id: number; escalation_step: number; escalation_since: string; escalated_to: string }>(
      `select id, unit_id, escalation_step, escalation_since::text as escalation_since, escalated_to from alert
        where org = $1 and status = 'open' and escalated_to <> $2 and escalation_since + $3::int <= $4::date
        order by id for update`,
      [ctx.org, NATION, k, today],
    );
    const steps: EscalationStep[] = [];
    for (const a of due) {
      const unit = model.unitsById.get(a.unit_id);
      if (!unit) continue;
      const chain = escalationChain(unit);
      let step = a.escalation_step;
      let since = a.escalation_since;
      const mine: EscalationStep[] = [];
      while (step < chain.length - 1 && addDays(since, k) <= today) {
        since = addDays(since, k);
        mine.push({ alert: Number(a.id), step: step + 1, from: chain[step], to: chain[step + 1], due_on: since });
        step++;
      }
      if (mine.length === 0) continue;
      await tx.query(
        `insert into alert_escalation (org, alert_id, step, from_node, to_node, due_on, at)
         select $1, $2, s, f, t, d, $7 from unnest($3::int[], $4::text[], $5::text[], $6::date[]) as x(s, f, t, d)`,
        [ctx.org, a.id, mine.map((m) => m.step), mine.map((m) => m.from), mine.map((m) => m.to), mine.map((m) => m.due_on), at],
      );
      await tx.query('update alert set escalated_to = $3, escalation_step = $4, escalation_since = $5 where org = $1 and id = $2', [
        ctx.org, a.id, chain[step], step, since,
      ]);
      steps.push(...mine);
    }
    if (steps.length) {
      const units = due.map((a) => model.unitsById.get(a.unit_id)?.code).filter((c): c is string => c !== undefined);
      await writeAudit(tx, ctx, {
        action: 'alert.escalate',
        target: `${new Set(steps.map((s) => s.alert)).size} alerts`,
        nodes: nodesOfUnits(model, units),
        detail: { today, steps: steps.map((s) => [s.alert, s.from, s.to]) },
      });
    }
    return steps;
  });
}

/** An alert as the API shows it. */
export interface AlertView {
  readonly id: number;
  readonly type: AlertType;
  readonly level: AlertLevel;
  readonly status: AlertStatus;
  readonly unit: string;
  readonly product: string;
  /** The report day that opened it and the last day the series was not normal. */
  readonly opened_on: string;
  readonly opened_at: string;
  readonly last_day: string;
  /** The node now responsible for it, and that node's level. */
  readonly escalated_to: string;
  readonly escalation: 'unit' | 'county' | 'province' | 'nation' | 'region';
  readonly acknowledged_by: string | null;
  readonly acknowledged_at: string | null;
  readonly acknowledge_note: string | null;
  readonly closed_on: string | null;
  readonly detail: Record<string, unknown>;
}

/** An alert with every step it took up the tree. */
export interface AlertWithHistory extends AlertView {
  readonly escalations: { readonly step: number; readonly from: string; readonly to: string; readonly due_on: string; readonly at: string }[];
}

interface AlertDbRow extends Record<string, unknown> {
  id: number;
  type: AlertType;
  level: AlertLevel;
  status: AlertStatus;
  unit_id: number;
  product_id: number;
  opened_on: string;
  opened_at: Date | string;
  last_day: string;
  escalated_to: string;
  escalation_step: number;
  acknowledged_by: string | null;
  acknowledged_at: Date | string | null;
  acknowledge_note: string | null;
  closed_on: string | null;
  detail: Record<string, unknown> | string;
}

const SELECT = `select id, type, level, status, unit_id, product_id, opened_on::text as opened_on, opened_at, last_day::text as last_day, escalated_to,
  escalation_step, acknowledged_by, acknowledged_at, acknowledge_note, closed_on::text as closed_on, detail from alert`;

async function views(q: Queryable, ctx: ServiceContext, model: ReportingModel, rows: readonly AlertDbRow[]): Promise<AlertView[]> {
  const nodes = [...new Set(rows.map((r) => r.escalated_to))];
  const kinds = new Map(
    (await q.query<{ code: string; kind: string }>(`select code, kind from tree_node where org = $1 and tree = 'region' and code = any($2::text[])`, [ctx.org, nodes]))
      .map((n) => [n.code, n.kind]),
  );
  return rows.map((r) => {
    const unit = model.unitsById.get(r.unit_id);
    const kind = r.escalation_step === 0 ? 'unit' : r.escalated_to === NATION ? 'nation' : kinds.get(r.escalated_to);
    return {
      id: Number(r.id),
      type: r.type,
      level: r.level,
      status: r.status,
      unit: unit?.code ?? String(r.unit_id),
      product: model.productsById.get(r.product_id)?.code ?? String(r.product_id),
      opened_on: r.opened_on,
      opened_at: new Date(r.opened_at).toISOString(),
      last_day: r.last_day,
      escalated_to: r.escalated_to,
      escalation: kind === 'unit' || kind === 'county' || kind === 'province' || kind === 'nation' ? kind : 'region',
      acknowledged_by: r.acknowledged_by,
      acknowledged_at: r.acknowledged_at === null ? null : new Date(r.acknowledged_at).toISOString(),
      acknowledge_note: r.acknowledge_note,
      closed_on: r.closed_on,
      detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail,
    };
  });
}

/** Filters of the alert list; all optional. */
export interface AlertQuery {
  /** A tree node or unit: alerts of units under it in either tree, or escalated to it. */
  readonly node?: string;
  readonly status?: AlertStatus;
  readonly level?: AlertLevel;
  readonly type?: AlertType;
  readonly limit?: number;
}

/**
 * Alerts matching the filters, newest first.
 * @example await listAlerts(ctx, { node: 'P-SPY', status: 'open' })
 */
export async function listAlerts(ctx: ServiceContext, f: AlertQuery = {}): Promise<AlertView[]> {
  const model = await reportingModel(ctx);
  let units: number[] | null = null;
  let node: string | null = null;
  if (f.node !== undefined && f.node !== NATION) {
    node = f.node;
    const unit = model.unitsByCode.get(f.node);
    if (unit) units = [unit.id];
    else if (model.nodes.has(f.node)) {
      units = [];
      for (const u of model.unitsById.values()) if (u.sectorChain.includes(f.node) || u.regionChain.includes(f.node)) units.push(u.id);
    } else notFound('tree node or unit', f.node, 'node');
  }
  const rows = await ctx.store.query<AlertDbRow>(
    `${SELECT}
      where org = $1 and ($2::text is null or status = $2) and ($3::text is null or level = $3) and ($4::text is null or type = $4)
        and ($5::int[] is null or unit_id = any($5::int[]) or escalated_to = $6)
      order by opened_at desc, id desc limit $7`,
    [ctx.org, f.status ?? null, f.level ?? null, f.type ?? null, units, node, f.limit ?? 1000],
  );
  return views(ctx.store, ctx, model, rows);
}

/**
 * One alert with its escalation history.
 * @example (await getAlert(ctx, 4)).escalations.map((e) => e.to) // ['C-SPY-SUNCHON', 'P-SPY']
 */
export async function getAlert(ctx: ServiceContext, id: number, q: Queryable = ctx.store, known?: ReportingModel): Promise<AlertWithHistory> {
  const model = known ?? (await reportingModel(ctx));
  const rows = await q.query<AlertDbRow>(`${SELECT} where org = $1 and id = $2`, [ctx.org, id]);
  if (rows.length === 0) notFound('alert', String(id), 'id');
  const [view] = await views(q, ctx, model, rows);
  const steps = await q.query<{ step: number; from_node: string; to_node: string; due_on: string; at: Date | string }>(
    'select step, from_node, to_node, due_on::text as due_on, at from alert_escalation where org = $1 and alert_id = $2 order by step',
    [ctx.org, id],
  );
  return { ...view, escalations: steps.map((s) => ({ step: s.step, from: s.from_node, to: s.to_node, due_on: s.due_on, at: new Date(s.at).toISOString() })) };
}

/** The code of the unit an alert is about, or undefined when there is no such alert (for scope checks). */
export async function alertUnit(ctx: ServiceContext, id: number): Promise<string | undefined> {
  const [row] = await ctx.store.query<{ unit_id: number }>('select unit_id from alert where org = $1 and id = $2', [ctx.org, id]);
  return row ? (await reportingModel(ctx)).unitsById.get(row.unit_id)?.code : undefined;
}

/**
 * Acknowledges an open alert: it stops climbing the tree. NORMA_ERR_CONFLICT when it is already
 * acknowledged or closed. It is acknowledged by the acting principal (`by` only when there is none,
 * as in the CLI and tests).
 * @example await acknowledgeAlert(ctx, 4, { note: 'brigade sent' })
 */
export async function acknowledgeAlert(ctx: ServiceContext, id: number, a: { by?: string; note?: string }): Promise<AlertWithHistory> {
  const by = ctx.actor ? ctx.actor.name : (a.by ?? actorName(ctx));
  const at = (ctx.now?.() ?? new Date()).toISOString();
  const model = await reportingModel(ctx); // before the transaction: PGlite runs one statement at a time
  return ctx.store.transaction(async (tx) => {
    const [row] = await tx.query<{ status: AlertStatus }>('select status from alert where org = $1 and id = $2 for update', [ctx.org, id]);
    if (!row) notFound('alert', String(id), 'id');
    if (row.status !== 'open') {
      throw new NormaError('NORMA_ERR_CONFLICT', `alert ${id} is already ${row.status}`, [{ field: 'id', reason: `alert is ${row.status}` }]);
    }
    await tx.query(
      `update alert set status = 'acknowledged', acknowledged_by = $3, acknowledged_at = $4, acknowledge_note = $5 where org = $1 and id = $2`,
      [ctx.org, id, by, at, a.note ?? null],
    );
    const view = await getAlert(ctx, id, tx, model);
    await writeAudit(tx, ctx, {
      action: 'alert.acknowledge',
      target: `alert ${id}`,
      nodes: nodesOfUnits(model, [view.unit]),
      detail: { before: { status: 'open' }, after: { status: 'acknowledged', by, note: a.note ?? null } },
    });
    return view;
  });
}
