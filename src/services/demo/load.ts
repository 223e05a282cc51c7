import { csvRow, type Queryable, type Store } from '../../store/index.js';
import { rebuildTargetCells } from '../fulfilment/target-cells.js';
import { invalidateReportingModel } from '../reporting/model-cache.js';
import { DemoCellAggregator } from './cells.js';
import { DemoReportCalendar, demoUnitReports, generateDemo, milli, type DemoEconomy, type DemoOptions } from './generate.js';

export const DEMO_ORG = 1;

/** Progress of a long step: `done` of `total` (total may be an estimate until the step ends). */
export type Progress = (phase: string, done: number, total: number) => void;

export interface DemoSummary {
  readonly seed: number;
  readonly units: number;
  readonly products: number;
  readonly targets: number;
  readonly reports: number;
  readonly through: string;
  readonly ms: number;
}

const CHUNK_ROWS = 200_000;

async function copyRows(tx: Queryable, table: string, columns: string[], rows: readonly unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    let csv = '';
    for (const r of rows.slice(i, i + CHUNK_ROWS)) csv += csvRow(r);
    await tx.copyFrom(table, columns, csv);
  }
}

async function loadModel(tx: Queryable, e: DemoEconomy): Promise<void> {
  const org = DEMO_ORG;
  await tx.query(
    `insert into organisation (org, code, name, rest_weekdays) values ($1, 'demo', $2, $3)`,
    [org, "Democratic People's Republic of Korea (demo economy)", e.calendar.restWeekdays],
  );
  await tx.query(`insert into meta (org, key, value) values ($1, 'demo', $2)`, [
    org,
    JSON.stringify({ seed: e.options.seed, units: e.options.units, through: e.options.through, disruption: e.disruption }),
  ]);
  await copyRows(tx, 'tree_node', ['org', 'tree', 'code', 'name', 'kind', 'parent'],
    e.nodes.map((n) => [org, n.tree, n.code, n.name, n.kind, n.parent]));
  await copyRows(tx, 'product', ['org', 'id', 'code', 'name', 'unit_of_measure', 'aggregation', 'goal', 'sector', 'labour_per_unit', 'reference_price'],
    e.products.map((p) => [org, p.id, p.code, p.name, p.unit, p.aggregation, p.goal, p.sector, p.labourPerUnit, p.referencePrice]));
  await copyRows(tx, 'technology', ['org', 'input', 'output', 'coefficient'],
    e.technology.map((t) => [org, t.input, t.output, t.coefficient]));
  await copyRows(tx, 'unit', ['org', 'id', 'code', 'name', 'kind', 'sector', 'region', 'workers', 'works_every_day'],
    e.units.map((u) => [org, u.id, u.code, u.name, u.kind, u.sector, u.region, u.workers, u.continuous]));
  const unitProducts: unknown[][] = [];
  for (const u of e.units) {
    for (const o of u.outputs) unitProducts.push([org, u.code, o.product, 'output', o.capacity.toFixed(3)]);
    for (const c of u.consumes) unitProducts.push([org, u.code, c, 'consumption', null]);
  }
  await copyRows(tx, 'unit_product', ['org', 'unit', 'product', 'role', 'capacity_per_day'], unitProducts);
  await copyRows(tx, 'calendar_day', ['org', 'region', 'day', 'working', 'name'],
    e.calendarDays.map((d) => [org, d.region, d.day, d.working, d.name]));
  await copyRows(tx, 'plan', ['org', 'code', 'name', 'period'], e.plans.map((p) => [org, p.code, p.name, p.period]));
  await copyRows(tx, 'plan_version', ['org', 'plan', 'version', 'status', 'created_at', 'created_by', 'approved_at', 'approved_by', 'note'],
    e.plans.map((p) => [org, p.code, 1, 'approved', '2025-12-20T09:00:00+09:00', 'state-planning-commission', '2025-12-30T09:00:00+09:00', 'state-planning-commission', 'demo']));
  await copyRows(tx, 'target', ['org', 'plan', 'version', 'node', 'product', 'period', 'quantity'],
    e.targets.map((t) => [org, t.plan, 1, t.node, t.product, t.period, t.quantity]));
}

/**
 * Generates the demo economy and loads it into an empty store with COPY, in one transaction, so a
 * failed load leaves nothing behind.
 * @example await loadDemo(store, { seed: 1, units: 2000, through: '2026-11-22' }, (p, d, t) => {});
 */
export async function loadDemo(store: Store, options: DemoOptions, progress: Progress = () => {}): Promise<DemoSummary> {
  const t0 = Date.now();
  const [{ n }] = await store.query<{ n: number }>('select count(*) as n from organisation');
  if (n > 0) throw new Error('the store already holds an organisation; use --reset to replace it with the demo');
  progress('model', 0, 1);
  const economy = generateDemo(options);
  progress('model', 1, 1);
  const estimate = Math.round(
    economy.units.reduce((s, u) => s + u.outputs.length + u.consumes.length, 0) * Math.max(0, reportDays(options.through)) * (300 / 365),
  );
  let reports = 0;
  await store.transaction(async (tx) => {
    await loadModel(tx, economy);
    // Index after the bulk load: building the key once is several times faster than row by row.
    await tx.exec('alter table report drop constraint report_pkey');
    await tx.exec('alter table report_current drop constraint report_current_pkey');
    await tx.exec('drop index report_current_day');
    const cal = new DemoReportCalendar(economy);
    const cells = new DemoCellAggregator(economy, cal.days);
    const sumProducts = new Set(economy.products.filter((p) => p.aggregation === 'sum').map((p) => p.id));
    const reportColumns = ['org', 'unit_id', 'product_id', 'kind', 'day', 'version', 'quantity', 'reported_at', 'reported_by', 'note', 'late'];
    const currentColumns = ['org', 'unit_id', 'product_id', 'kind', 'day', 'version', 'quantity', 'late'];
    let lines: string[] = [];
    let current: string[] = [];
    // One COPY in flight while the next chunk is generated: PGlite works in its own thread.
    let inFlight: Promise<unknown> = Promise.resolve();
    const flush = async () => {
      if (lines.length === 0) return;
      const [a, b, n] = [lines.join('\n') + '\n', current.join('\n') + '\n', lines.length];
      lines = [];
      current = [];
      await inFlight;
      inFlight = (async () => {
        await tx.copyFrom('report', reportColumns, a);
        await tx.copyFrom('report_current', currentColumns, b);
        reports += n;
        progress('reports', reports, Math.max(estimate, reports));
      })();
    };
    for (let i = 0; i < economy.units.length; i++) {
      const r = demoUnitReports(economy, cal, i);
      cells.add(i, r, r.dayIndex, sumProducts);
      for (const s of r.series) {
        const prefix = `${DEMO_ORG},${r.unitId},${s.productId},${s.kind},`;
        for (let k = 0; k < r.days.length; k++) {
          const q = milli(s.milli[k]);
          const late = r.late[k] ? 't' : 'f';
          lines.push(`${prefix}${r.days[k]},1,${q},${r.reportedAt[k]},demo,,${late}`);
          current.push(`${prefix}${r.days[k]},1,${q},${late}`);
        }
      }
      if (lines.length >= CHUNK_ROWS) await flush();
    }
    await flush();
    await inFlight;
    progress('cells', 0, 1);
    let cellLines: string[] = [];
    for (const line of cells.csvLines(DEMO_ORG)) {
      cellLines.push(line);
      if (cellLines.length >= CHUNK_ROWS) {
        await tx.copyFrom('actual_cell', ['org', 'sector', 'region', 'product_id', 'kind', 'period', 'quantity', 'reports', 'late'], cellLines.join('\n') + '\n');
        cellLines = [];
      }
    }
    if (cellLines.length) {
      await tx.copyFrom('actual_cell', ['org', 'sector', 'region', 'product_id', 'kind', 'period', 'quantity', 'reports', 'late'], cellLines.join('\n') + '\n');
    }
    await rebuildTargetCells({ store, org: DEMO_ORG, today: () => options.through }, tx);
    progress('cells', 1, 1);
    progress('index', 0, 1);
    await tx.exec('alter table report add constraint report_pkey primary key (org, unit_id, product_id, kind, day, version)');
    await tx.exec('alter table report_current add constraint report_current_pkey primary key (org, unit_id, product_id, kind, day)');
    await tx.exec('create index report_current_day on report_current (org, day, product_id, kind)');
    progress('index', 1, 1);
  });
  await store.exec('analyze');
  invalidateReportingModel({ store, org: DEMO_ORG, today: () => options.through });
  return {
    seed: options.seed,
    units: economy.units.length,
    products: economy.products.length,
    targets: economy.targets.length,
    reports,
    through: options.through,
    ms: Date.now() - t0,
  };
}

function reportDays(through: string): number {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const end = Math.min(Date.parse(`${through}T00:00:00Z`), Date.parse('2026-12-31T00:00:00Z'));
  return Math.floor((end - start) / 86_400_000) + 1;
}

/** Empties every table of Norma's schema (keeps the schema and its migrations). */
export async function resetStore(store: Store): Promise<void> {
  const tables = await store.query<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = current_schema() and tablename <> 'schema_migration'`,
  );
  if (tables.length) await store.exec(`truncate ${tables.map((t) => `"${t.name}"`).join(', ')} cascade`);
  invalidateReportingModel({ store, org: DEMO_ORG, today: () => '' });
}
