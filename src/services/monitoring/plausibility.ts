// Input plausibility: does the coal and power a unit consumed on a day explain the output it
// reported? The engine judges a day against the unit's own recent consumed/expected ratios.
import { DEFAULT_PLAUSIBILITY, checkReport, createPlausibilityState, type PlausibilityVerdict, type Technology } from '../../engine/monitoring/index.js';
import { addDays } from '../../domain/iso-date.js';
import type { Queryable } from '../../store/index.js';
import type { ServiceContext } from '../context.js';
import type { AppliedChange } from '../reporting/cells.js';
import type { ReportingModel, UnitInfo } from '../reporting/model-cache.js';
import type { AlertSignal, SeriesSignals } from './alerts.js';
import { microToNumber, readFigures, seriesKey } from './figures.js';

/** Calendar days read back for a unit's history: enough for the engine's 40-day window of reports. */
export const HISTORY_DAYS = 100;

/** A unit's technology for the check: its outputs, the inputs it reports, and their coefficients. */
export interface UnitTechnology {
  readonly outputs: readonly number[];
  readonly inputs: readonly number[];
  readonly tech: Technology;
}

/**
 * The technology matrix of each unit restricted to its outputs (columns) and the inputs whose
 * consumption it reports (rows) with a positive coefficient for one of those outputs; units
 * without such an input are left out.
 * @example const techs = await unitTechnologies(tx, ctx.org, model, [unit]);
 */
export async function unitTechnologies(q: Queryable, org: number, model: ReportingModel, units: readonly UnitInfo[]): Promise<Map<number, UnitTechnology>> {
  const sum = (id: number) => model.productsById.get(id)?.aggregation === 'sum';
  const codes = new Set<string>();
  for (const u of units) for (const id of [...u.outputs, ...u.consumes]) if (sum(id)) codes.add(model.productsById.get(id)!.code);
  const rows = codes.size
    ? await q.query<{ input: string; output: string; coefficient: number }>(
        'select input, output, coefficient::float8 as coefficient from technology where org = $1 and input = any($2::text[]) and output = any($2::text[]) and coefficient > 0',
        [org, [...codes]],
      )
    : [];
  // coefficients by input id, then output id (the rows name products by code)
  const coef = new Map<number, Map<number, number>>();
  for (const r of rows) {
    const i = model.productsByCode.get(r.input)?.id, p = model.productsByCode.get(r.output)?.id;
    if (i === undefined || p === undefined) continue;
    let byOutput = coef.get(i);
    if (!byOutput) coef.set(i, (byOutput = new Map()));
    byOutput.set(p, Number(r.coefficient));
  }
  const out = new Map<number, UnitTechnology>();
  for (const u of units) {
    const outputs = [...u.outputs].filter(sum).sort((a, b) => a - b);
    const inputs = [...u.consumes].filter(sum).filter((i) => outputs.some((p) => (coef.get(i)?.get(p) ?? 0) > 0)).sort((a, b) => a - b);
    if (outputs.length === 0 || inputs.length === 0) continue;
    const matrix = new Float64Array(inputs.length * outputs.length);
    inputs.forEach((i, r) => outputs.forEach((p, c) => (matrix[r * outputs.length + c] = coef.get(i)?.get(p) ?? 0)));
    out.set(u.id, { outputs, inputs, tech: { inputs: inputs.length, products: outputs.length, coef: matrix } });
  }
  return out;
}

/** One unit-day: output per output product and consumption per input, NaN where not reported. */
interface UnitDay {
  readonly outputs: Float64Array;
  readonly consumed: Float64Array;
}

function complete(d: UnitDay): boolean {
  return d.outputs.some((v) => v === v) && d.consumed.some((v) => v === v);
}

/**
 * Judges one unit-day against the unit's history (the complete days before it, the engine's
 * window of them), in a fresh engine state: the result depends only on report_current, so a
 * correction of any day is simply judged again.
 * @example judgeDay(ut, days, '2026-03-11')
 */
export function judgeDay(ut: UnitTechnology, days: ReadonlyMap<string, UnitDay>, day: string): PlausibilityVerdict | null {
  const today = days.get(day);
  if (!today || !complete(today)) return null;
  const created = createPlausibilityState(1, ut.tech);
  if (!created.ok) throw new Error(`plausibility: ${created.error.message}`);
  const state = created.value;
  const before = [...days.keys()].filter((d) => d < day && complete(days.get(d)!)).sort().slice(-DEFAULT_PLAUSIBILITY.window);
  const report = (d: UnitDay) => {
    const products: number[] = [];
    const outputs: number[] = [];
    d.outputs.forEach((v, p) => {
      if (v === v) {
        products.push(p);
        outputs.push(v);
      }
    });
    return { products, outputs, consumed: d.consumed };
  };
  for (const d of before) checkReport(state, 0, report(days.get(d)!), true);
  const v = checkReport(state, 0, report(today), false);
  if (!v.ok) throw new Error(`plausibility: ${v.error.message}`);
  return v.value;
}

/**
 * Checks every unit-day a batch touched (output or consumption) where the unit reported both
 * output and consumption, and returns the signals for implausible alerts: a flagged day is an
 * alert on the output product the worst input's expected use mostly comes from; a plausible day
 * is a normal signal for each of the unit's outputs.
 * @example const signals = await checkPlausibility(tx, ctx, model, changes);
 */
export async function checkPlausibility(tx: Queryable, ctx: ServiceContext, model: ReportingModel, changes: readonly AppliedChange[]): Promise<SeriesSignals[]> {
  const touched = new Map<number, Set<string>>();
  for (const c of changes) {
    if (model.productsById.get(c.productId)?.aggregation !== 'sum') continue;
    const set = touched.get(c.unit.id) ?? new Set<string>();
    set.add(c.day);
    touched.set(c.unit.id, set);
  }
  if (touched.size === 0) return [];
  const units = [...touched.keys()].map((id) => model.unitsById.get(id)!).filter(Boolean);
  const techs = await unitTechnologies(tx, ctx.org, model, units);
  if (techs.size === 0) return [];
  const ranges = [];
  for (const [unitId, ut] of techs) {
    const days = [...touched.get(unitId)!].sort();
    const from = addDays(days[0], -HISTORY_DAYS);
    const to = days[days.length - 1];
    for (const p of ut.outputs) ranges.push({ unitId, productId: p, kind: 'output' as const, from, to });
    for (const i of ut.inputs) ranges.push({ unitId, productId: i, kind: 'consumption' as const, from, to });
  }
  const figures = await readFigures(tx, ctx.org, ranges);
  const signals = new Map<string, AlertSignal[]>();
  const push = (unitId: number, productId: number, s: AlertSignal) => {
    const k = `${unitId}|${productId}`;
    const list = signals.get(k) ?? [];
    list.push(s);
    signals.set(k, list);
  };
  for (const [unitId, ut] of techs) {
    const days = new Map<string, UnitDay>();
    const at = (day: string) => {
      let d = days.get(day);
      if (!d) days.set(day, (d = { outputs: new Float64Array(ut.outputs.length).fill(NaN), consumed: new Float64Array(ut.inputs.length).fill(NaN) }));
      return d;
    };
    ut.outputs.forEach((p, j) => {
      for (const f of figures.get(seriesKey(unitId, p, 'output')) ?? []) at(f.day).outputs[j] = microToNumber(f.micro);
    });
    ut.inputs.forEach((i, j) => {
      for (const f of figures.get(seriesKey(unitId, i, 'consumption')) ?? []) at(f.day).consumed[j] = microToNumber(f.micro);
    });
    for (const day of [...touched.get(unitId)!].sort()) {
      const v = judgeDay(ut, days, day);
      if (!v || !v.judged) continue;
      if (v.flag) {
        const d = days.get(day)!;
        // the output the worst input's expected use mostly comes from
        let product = ut.outputs.find((_, j) => d.outputs[j] === d.outputs[j]) ?? ut.outputs[0];
        if (v.worstInput >= 0) {
          let most = -1;
          ut.outputs.forEach((p, j) => {
            const use = ut.tech.coef[v.worstInput * ut.outputs.length + j] * (d.outputs[j] === d.outputs[j] ? d.outputs[j] : 0);
            if (use > most) {
              most = use;
              product = p;
            }
          });
        }
        push(unitId, product, { day, status: 'alert', counts: true, detail: verdictDetail(v, ut, model) });
      } else {
        for (const p of ut.outputs) push(unitId, p, { day, status: 'normal', counts: true, detail: verdictDetail(v, ut, model) });
      }
    }
  }
  return [...signals].map(([k, list]) => {
    const [u, p] = k.split('|').map(Number);
    return { unitId: u, productId: p, signals: list };
  });
}

/** What an implausible alert keeps of a verdict. */
export function verdictDetail(v: PlausibilityVerdict, ut: UnitTechnology, model: ReportingModel): Record<string, unknown> {
  const r = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);
  return {
    score: r(v.score),
    p_value: r(v.pValue),
    explained_share: r(v.explainedShare),
    worst_input: v.worstInput >= 0 ? model.productsById.get(ut.inputs[v.worstInput])?.code ?? null : null,
    reason: v.reason,
    inputs: v.inputs.map((e) => ({
      input: model.productsById.get(ut.inputs[e.input])?.code ?? null,
      consumed: r(e.consumed),
      expected: r(e.expected),
      z: r(e.z),
    })),
  };
}
