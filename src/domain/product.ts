// Products and indicators: what is counted, in which unit of measure, and how it rolls up.
import { isValidCode } from './code.js';
import { DomainError, describeInput } from './errors.js';
import { type Result, err, ok } from './result.js';

/**
 * Units of measure a product can be counted in.
 * @example MEASURE_UNITS.includes('GWh') // true
 */
export const MEASURE_UNITS = Object.freeze([
  't',
  'kt',
  'Mt',
  'kg',
  'kWh',
  'MWh',
  'GWh',
  'TWh',
  'm',
  'km',
  'm2',
  'm3',
  'thousand m3',
  'pieces',
  'pairs',
  'sets',
  'flats',
  'head',
  'ha',
  'percent',
] as const);

/**
 * A unit of measure (see MEASURE_UNITS).
 * @example const u: MeasureUnit = 'kt';
 */
export type MeasureUnit = (typeof MEASURE_UNITS)[number];

/**
 * How values of a product roll up: physical output adds up ('sum'); progress indicators such as
 * percent of works done are averaged with weights ('weighted_mean').
 * @example const a: Aggregation = 'weighted_mean';
 */
export type Aggregation = 'sum' | 'weighted_mean';

/**
 * A product or indicator. `goal` marks one of the national headline goals; `sector` is the code
 * of the sector-tree node that owns it, if any.
 * @example const cement: Product = { code: 'cement', name: 'Cement', unit: 'kt', aggregation: 'sum', goal: true, sector: 'building-materials' };
 */
export type Product = {
  readonly code: string;
  readonly name: string;
  readonly unit: MeasureUnit;
  readonly aggregation: Aggregation;
  readonly goal: boolean;
  readonly sector?: string;
};

/**
 * One value to aggregate with its weight (the weight is ignored by 'sum').
 * @example const v: WeightedValue = { value: 40, weight: 3 };
 */
export type WeightedValue = { readonly value: number; readonly weight: number };

function bad(message: string, field: string, input: unknown): Result<never> {
  return err(new DomainError('NORMA_ERR_PRODUCT_INVALID', message, { field, input }));
}

/**
 * Check a product and return a frozen copy (name trimmed; `goal` defaults to false; unknown
 * fields dropped). Failure code NORMA_ERR_PRODUCT_INVALID naming the product and field. A
 * 'percent' product must use 'weighted_mean', since percentages do not add up.
 * @example validateProduct({ code: 'power', name: 'Electricity', unit: 'GWh', aggregation: 'sum', goal: true }) // ok
 */
export function validateProduct(input: unknown): Result<Product> {
  if (typeof input !== 'object' || input === null) return bad(`product must be an object, got ${describeInput(input)}`, 'product', input);
  const p = input as Record<string, unknown>;
  if (!isValidCode(p.code)) {
    return bad(`product field code ${describeInput(p.code)} is not a valid code (letters, digits, _ . -; 1-64 chars)`, 'code', p.code);
  }
  const who = `product ${p.code}`;
  if (typeof p.name !== 'string' || p.name.trim() === '') {
    return bad(`${who}: field name must be a non-empty string, got ${describeInput(p.name)}`, 'name', p.name);
  }
  if (typeof p.unit !== 'string' || !(MEASURE_UNITS as readonly string[]).includes(p.unit)) {
    return bad(`${who}: field unit ${describeInput(p.unit)} is not one of ${MEASURE_UNITS.join(', ')}`, 'unit', p.unit);
  }
  if (p.aggregation !== 'sum' && p.aggregation !== 'weighted_mean') {
    return bad(`${who}: field aggregation ${describeInput(p.aggregation)} is not 'sum' or 'weighted_mean'`, 'aggregation', p.aggregation);
  }
  if (p.unit === 'percent' && p.aggregation !== 'weighted_mean') {
    return bad(`${who}: field aggregation must be 'weighted_mean' for unit 'percent' (percentages do not add up)`, 'aggregation', p.aggregation);
  }
  if (p.goal !== undefined && typeof p.goal !== 'boolean') {
    return bad(`${who}: field goal must be true or false, got ${describeInput(p.goal)}`, 'goal', p.goal);
  }
  if (p.sector !== undefined && p.sector !== null && !isValidCode(p.sector)) {
    return bad(`${who}: field sector ${describeInput(p.sector)} is not a valid code`, 'sector', p.sector);
  }
  const out: Product = {
    code: p.code,
    name: p.name.trim(),
    unit: p.unit as MeasureUnit,
    aggregation: p.aggregation,
    goal: p.goal === true,
    ...(typeof p.sector === 'string' ? { sector: p.sector } : {}),
  };
  return ok(Object.freeze(out));
}

/**
 * Roll values of a product up one level: their sum for 'sum' (0 for no values), the
 * weight-averaged value for 'weighted_mean' (null when the weights total 0 or there are no
 * values). Uses compensated (Neumaier) summation. Throws NORMA_ERR_AGGREGATE_INPUT for a
 * non-finite value or a negative or non-finite weight (values reaching here were checked on entry).
 * @example aggregate(progressProduct, [{ value: 100, weight: 1 }, { value: 40, weight: 3 }]) // 55
 */
export function aggregate(product: Product, values: readonly WeightedValue[]): number | null {
  let sum = 0;
  let sumC = 0;
  let wsum = 0;
  let wsumC = 0;
  const add = (acc: number, c: number, x: number): [number, number] => {
    const t = acc + x;
    return [t, c + (Math.abs(acc) >= Math.abs(x) ? acc - t + x : x - t + acc)];
  };
  for (let i = 0; i < values.length; i++) {
    const { value, weight } = values[i];
    if (!Number.isFinite(value)) {
      throw new DomainError('NORMA_ERR_AGGREGATE_INPUT', `aggregate ${product.code}: values[${i}].value ${describeInput(value)} is not finite`, {
        index: i,
        field: 'value',
      });
    }
    if (product.aggregation === 'sum') {
      [sum, sumC] = add(sum, sumC, value);
      continue;
    }
    if (!Number.isFinite(weight) || weight < 0) {
      throw new DomainError(
        'NORMA_ERR_AGGREGATE_INPUT',
        `aggregate ${product.code}: values[${i}].weight ${describeInput(weight)} is not a finite non-negative number`,
        { index: i, field: 'weight' },
      );
    }
    [sum, sumC] = add(sum, sumC, value * weight);
    [wsum, wsumC] = add(wsum, wsumC, weight);
  }
  if (product.aggregation === 'sum') return sum + sumC;
  const w = wsum + wsumC;
  return w === 0 ? null : (sum + sumC) / w;
}
