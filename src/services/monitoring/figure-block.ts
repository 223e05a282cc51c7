// The figures in force (report_current) of many series read in one statement into typed arrays,
// for the monitoring worker. The database packs every figure into one string (series index, then
// day number and quantity pairs), so the driver parses one value instead of a row per series, and
// this scanner turns it into numbers without a BigInt, a substring or an object per figure.
import { toDayNumber } from '../../domain/iso-date.js';
import { intArray, textArray, type Queryable } from '../../store/index.js';
import { fromMicro, toMicro } from '../reporting/micro.js';

/** Day number of the earliest and latest dates a range may name (0001-01-01, 9999-12-31). */
export const EARLIEST_DAY = toDayNumber('0001-01-01');
export const LATEST_DAY = toDayNumber('9999-12-31');

/** A series to read and its inclusive range of day numbers (days since 1970-01-01). */
export interface BlockSeries {
  readonly unitId: number;
  readonly productId: number;
  readonly kind: 'output' | 'consumption';
  readonly from: number;
  readonly to: number;
}

/**
 * Figures of many series: series s holds figures start[s] .. end[s] - 1, days ascending. A
 * figure's micro is its quantity in millionths as toMicro reads it, converted to a double the way
 * Number(toMicro(q)) does, so micro / 1e6 is exactly what microToNumber gives; it is an exact
 * integer unless odd[s] (a figure with more than 9 integer digits or more than 6 decimals): then
 * sums must be exact (exactMicro).
 */
export interface FigureBlock {
  readonly text: string;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly day: Int32Array;
  readonly micro: Float64Array;
  /** Where the figure's quantity is in text (start, end). */
  readonly qs: Int32Array;
  readonly qe: Int32Array;
  /** Per figure: 1 when micro is not its exact millionths (more than 9 integer digits). */
  readonly inexact: Uint8Array;
  readonly odd: Uint8Array;
}

const POW10 = [1e6, 1e5, 1e4, 1e3, 100, 10, 1];

/**
 * The exact quantity of figure i in millionths.
 * @example exactMicro(block, i) // 12500000n
 */
export function exactMicro(b: FigureBlock, i: number): bigint {
  return b.inexact[i] ? toMicro(b.text.slice(b.qs[i], b.qe[i])) : BigInt(b.micro[i]);
}

/**
 * A decimal's millionths as toMicro reads it, without its string splits when it fits a double.
 * @example decimalMicro('12.5') // 12500000n
 */
export function decimalMicro(q: string): bigint {
  let i = 0;
  const neg = q.charCodeAt(0) === 45;
  if (neg) i = 1;
  let ip = 0, idig = 0, fp = 0, fdig = 0, c = q.charCodeAt(i);
  while (c >= 48 && c <= 57) {
    ip = ip * 10 + (c - 48);
    idig++;
    c = q.charCodeAt(++i);
  }
  if (c === 46) {
    c = q.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      if (fdig < 6) fp = fp * 10 + (c - 48);
      fdig++;
      c = q.charCodeAt(++i);
    }
  }
  if (i !== q.length || idig > 9) return toMicro(q);
  const m = ip * 1e6 + fp * POW10[fdig < 6 ? fdig : 6];
  return BigInt(neg ? -m : m);
}

/**
 * Millionths as fromMicro writes them (the shortest decimal), with numbers when they are exact.
 * @example microDecimal(-12500000n) // '-12.5'
 */
export function microDecimal(v: bigint): string {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) return fromMicro(v);
  const a = n < 0 ? -n : n;
  const frac = a % 1e6;
  const whole = `${n < 0 ? '-' : ''}${(a - frac) / 1e6}`;
  if (frac === 0) return whole;
  const f = String(frac + 1e6); // '1' and 6 digits
  let e = 7;
  while (f.charCodeAt(e - 1) === 48) e--;
  return `${whole}.${f.slice(1, e)}`;
}

/**
 * Reads the figures of the series (each within its day range) in one statement.
 * @example const block = await readFigureBlock(tx, 1, [{ unitId: 5, productId: 3, kind: 'output', from: 20500, to: LATEST_DAY }]);
 */
export async function readFigureBlock(q: Queryable, org: number, series: readonly BlockSeries[]): Promise<FigureBlock> {
  const n = series.length;
  let text = '';
  if (n > 0) {
    const u = new Array<number>(n), p = new Array<number>(n), k = new Array<string>(n), lo = new Array<number>(n), hi = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const s = series[i];
      u[i] = s.unitId;
      p[i] = s.productId;
      k[i] = s.kind;
      lo[i] = Math.max(s.from, EARLIEST_DAY);
      hi[i] = Math.min(s.to, LATEST_DAY);
    }
    const [row] = await q.query<{ packed: string | null }>(
      `select string_agg(k.i::text || ':' || f.s, ';' order by k.i) as packed
         from unnest($2::int[], $3::int[], $4::text[], $5::int[], $6::int[]) with ordinality as k(u, p, kind, lo, hi, i)
         cross join lateral (
           select string_agg((c.day - date '1970-01-01')::text || ' ' || c.quantity::text, ',' order by c.day) as s
             from report_current c
            where c.org = $1 and c.unit_id = k.u and c.product_id = k.p and c.kind = k.kind
              and c.day between date '1970-01-01' + k.lo and date '1970-01-01' + k.hi) f
        where f.s is not null`,
      [org, intArray(u), intArray(p), textArray(k), intArray(lo), intArray(hi)],
    );
    text = row?.packed ?? '';
  }
  return scanBlock(text, n);
}

/**
 * Parses the packed text: `i:d q,d q;i:d q` with i the 1-based series index, d a day number and
 * q a decimal. Series absent from the text have no figures.
 * @example scanBlock('1:20500 12.5,20501 13', 1).micro // Float64Array [12500000, 13000000]
 */
export function scanBlock(s: string, seriesCount: number): FigureBlock {
  const start = new Int32Array(seriesCount);
  const end = new Int32Array(seriesCount);
  const odd = new Uint8Array(seriesCount);
  let cap = Math.max(64, (s.length / 10) | 0);
  let day = new Int32Array(cap), micro = new Float64Array(cap), qs = new Int32Array(cap), qe = new Int32Array(cap), inexact = new Uint8Array(cap);
  const grow = () => {
    cap *= 2;
    const d2 = new Int32Array(cap), m2 = new Float64Array(cap), s2 = new Int32Array(cap), e2 = new Int32Array(cap), x2 = new Uint8Array(cap);
    d2.set(day);
    m2.set(micro);
    s2.set(qs);
    e2.set(qe);
    x2.set(inexact);
    day = d2;
    micro = m2;
    qs = s2;
    qe = e2;
    inexact = x2;
  };
  const len = s.length;
  let pos = 0;
  let count = 0;
  let c = 0;
  while (pos < len) {
    let idx = 0;
    while ((c = s.charCodeAt(pos++)) >= 48 && c <= 57) idx = idx * 10 + (c - 48); // stops on ':'
    const slot = idx - 1;
    if (slot < 0 || slot >= seriesCount || c !== 58) throw new Error(`figure block: bad series index at ${pos}`);
    start[slot] = count;
    for (;;) {
      // day number (may be negative before 1970)
      let dneg = false;
      if (s.charCodeAt(pos) === 45) {
        dneg = true;
        pos++;
      }
      let d = 0;
      while ((c = s.charCodeAt(pos++)) >= 48 && c <= 57) d = d * 10 + (c - 48); // stops on ' '
      if (c !== 32) throw new Error(`figure block: bad day at ${pos}`);
      // quantity: as toMicro reads it (integer part, the first 6 decimals)
      const q0 = pos;
      let qneg = false;
      if (s.charCodeAt(pos) === 45) {
        qneg = true;
        pos++;
      }
      let ip = 0, idig = 0, fp = 0, fdig = 0;
      while ((c = s.charCodeAt(pos)) >= 48 && c <= 57) {
        ip = ip * 10 + (c - 48);
        idig++;
        pos++;
      }
      if (c === 46) {
        pos++;
        while ((c = s.charCodeAt(pos)) >= 48 && c <= 57) {
          if (fdig < 6) fp = fp * 10 + (c - 48);
          fdig++;
          pos++;
        }
      }
      const q1 = pos;
      let m: number;
      let x = 0;
      if (idig > 9) {
        // beyond exact doubles: exactly what Number(toMicro(q)) gives
        m = Number(toMicro(s.slice(q0, q1)));
        odd[slot] = 1;
        x = 1;
      } else {
        m = ip * 1e6 + fp * POW10[fdig < 6 ? fdig : 6];
        if (qneg && m !== 0) m = -m;
        if (fdig > 6) odd[slot] = 1;
      }
      if (count === cap) grow();
      day[count] = dneg ? -d : d;
      micro[count] = m;
      inexact[count] = x;
      qs[count] = q0;
      qe[count] = q1;
      count++;
      if (pos >= len) break;
      c = s.charCodeAt(pos++);
      if (c === 59) break; // ';': next series
      if (c !== 44) throw new Error(`figure block: bad separator at ${pos}`);
    }
    end[slot] = count;
  }
  return { text: s, start, end, day, micro, qs, qe, inexact, odd };
}
