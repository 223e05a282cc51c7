import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Product, aggregate, unwrap, validateProduct } from '../../src/domain/index.js';

const cement = unwrap(validateProduct({ code: 'cement', name: 'Cement', unit: 'kt', aggregation: 'sum', goal: true, sector: 'bm' }));
const progress = unwrap(validateProduct({ code: 'flats-progress', name: 'Housing works done', unit: 'percent', aggregation: 'weighted_mean' }));

describe('validateProduct', () => {
  it('returns a frozen, normalised copy', () => {
    const p = unwrap(validateProduct({ code: 'power', name: '  Electricity ', unit: 'GWh', aggregation: 'sum', extra: 1 }));
    expect(p).toEqual({ code: 'power', name: 'Electricity', unit: 'GWh', aggregation: 'sum', goal: false });
    expect(Object.isFrozen(p)).toBe(true);
    expect(cement.sector).toBe('bm');
    expect(cement.goal).toBe(true);
  });

  it.each<[unknown, string, RegExp]>([
    [null, 'product', /product must be an object/],
    [{ code: '', name: 'x', unit: 't', aggregation: 'sum' }, 'code', /field code ""/],
    [{ code: 'steel', name: ' ', unit: 't', aggregation: 'sum' }, 'name', /product steel: field name/],
    [{ code: 'steel', name: 'Steel', unit: 'tonnes', aggregation: 'sum' }, 'unit', /product steel: field unit "tonnes" is not one of t, kt/],
    [{ code: 'steel', name: 'Steel', unit: 't', aggregation: 'avg' }, 'aggregation', /field aggregation "avg"/],
    [{ code: 'works', name: 'Works', unit: 'percent', aggregation: 'sum' }, 'aggregation', /must be 'weighted_mean' for unit 'percent'/],
    [{ code: 'steel', name: 'Steel', unit: 't', aggregation: 'sum', goal: 'yes' }, 'goal', /field goal must be true or false/],
    [{ code: 'steel', name: 'Steel', unit: 't', aggregation: 'sum', sector: 'metal industry' }, 'sector', /field sector "metal industry"/],
  ])('rejects %j naming field %s', (input, field, message) => {
    const r = validateProduct(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('NORMA_ERR_PRODUCT_INVALID');
    expect(r.error.details.field).toBe(field);
    expect(r.error.message).toMatch(message);
  });
});

describe('aggregate', () => {
  it('sums physical output and ignores weights', () => {
    expect(aggregate(cement, [{ value: 10, weight: 0 }, { value: 2.5, weight: 99 }])).toBe(12.5);
    expect(aggregate(cement, [])).toBe(0);
  });

  it('weight-averages progress indicators', () => {
    expect(aggregate(progress, [{ value: 100, weight: 1 }, { value: 40, weight: 3 }])).toBe(55);
    expect(aggregate(progress, [{ value: 70, weight: 2 }])).toBe(70);
    expect(aggregate(progress, [])).toBeNull();
    expect(aggregate(progress, [{ value: 70, weight: 0 }])).toBeNull();
  });

  it('sums without losing small terms (compensated summation)', () => {
    const values = [{ value: 1e16, weight: 1 }, ...Array.from({ length: 10 }, () => ({ value: 1, weight: 1 })), { value: -1e16, weight: 1 }];
    expect(aggregate(cement, values)).toBe(10);
  });

  it('property: a weighted mean lies between the smallest and largest value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.double({ min: 0, max: 100, noNaN: true }), weight: fc.double({ min: 0.001, max: 1000, noNaN: true }) }), { minLength: 1 }),
        (vs) => {
          const m = aggregate(progress, vs)!;
          const lo = Math.min(...vs.map((v) => v.value));
          const hi = Math.max(...vs.map((v) => v.value));
          expect(m).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(m).toBeLessThanOrEqual(hi + 1e-9);
        },
      ),
    );
  });

  it('throws NORMA_ERR_AGGREGATE_INPUT for bad values or weights', () => {
    const p: Product = progress;
    expect(() => aggregate(cement, [{ value: NaN, weight: 1 }])).toThrowError(expect.objectContaining({ code: 'NORMA_ERR_AGGREGATE_INPUT' }));
    expect(() => aggregate(p, [{ value: 1, weight: -1 }])).toThrowError(/values\[0\]\.weight -1/);
    expect(() => aggregate(p, [{ value: 1, weight: Infinity }])).toThrowError(/weight Infinity/);
  });
});
