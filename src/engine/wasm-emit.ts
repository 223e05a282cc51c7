// A minimal WebAssembly encoder: expression helpers that return byte arrays, and a module writer (one imported shared memory, exported functions).

/** Nested byte lists; flattened when a function body is written. */
export type Code = number | readonly Code[];

/** Value types. */
export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;

function uleb(v: number): number[] {
  const out: number[] = [];
  v >>>= 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  v |= 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function flatten(c: Code, out: number[]): number[] {
  if (typeof c === 'number') out.push(c);
  else for (const x of c) flatten(x, out);
  return out;
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

// Locals and constants.
export const get = (i: number): Code => [0x20, uleb(i)];
export const set = (i: number, v: Code): Code => [v, 0x21, uleb(i)];
export const tee = (i: number, v: Code): Code => [v, 0x22, uleb(i)];
export const i32 = (v: number): Code => [0x41, sleb(v)];
export const f64 = (v: number): Code => {
  const b = new Uint8Array(new Float64Array([v]).buffer);
  return [0x44, [...b]];
};
// Memory (byte addresses; the offset immediate is added to the address).
export const ldI32 = (a: Code, off = 0): Code => [a, 0x28, 2, uleb(off)];
export const ldF64 = (a: Code, off = 0): Code => [a, 0x2b, 3, uleb(off)];
export const stI32 = (a: Code, v: Code, off = 0): Code => [a, v, 0x36, 2, uleb(off)];
export const stF64 = (a: Code, v: Code, off = 0): Code => [a, v, 0x39, 3, uleb(off)];
// i32 arithmetic and comparisons.
const bin = (op: number) => (a: Code, b: Code): Code => [a, b, op];
export const eqz = (a: Code): Code => [a, 0x45];
export const eq = bin(0x46), ne = bin(0x47), ltS = bin(0x48), ltU = bin(0x49), gtS = bin(0x4a), gtU = bin(0x4b), leS = bin(0x4c), geS = bin(0x4e), geU = bin(0x4f);
export const add = bin(0x6a), sub = bin(0x6b), mul = bin(0x6c), and = bin(0x71), or = bin(0x72), shl = bin(0x74), shrU = bin(0x76);
// f64 arithmetic and comparisons.
export const fEq = bin(0x61), fNe = bin(0x62), fLt = bin(0x63), fGt = bin(0x64), fLe = bin(0x65), fGe = bin(0x66);
export const fAdd = bin(0xa0), fSub = bin(0xa1), fMul = bin(0xa2), fDiv = bin(0xa3), fMin = bin(0xa4), fMax = bin(0xa5);
export const fAbs = (a: Code): Code => [a, 0x99];
export const fSqrt = (a: Code): Code => [a, 0x9f];
// SIMD (f64x2).
const simd = (op: number) => [0xfd, uleb(op)];
export const ldV = (a: Code, off = 0): Code => [a, simd(0x00), 3, uleb(off)];
export const stV = (a: Code, v: Code, off = 0): Code => [a, v, simd(0x0b), 3, uleb(off)];
export const vSplat = (a: Code): Code => [a, simd(0x14)];
export const vLane = (a: Code, lane: number): Code => [a, simd(0x21), lane];
export const vAdd = (a: Code, b: Code): Code => [a, b, simd(0xf0)];
export const vSub = (a: Code, b: Code): Code => [a, b, simd(0xf1)];
export const vMul = (a: Code, b: Code): Code => [a, b, simd(0xf2)];
export const vZero = (): Code => [simd(0x0c), new Array<number>(16).fill(0)];
// Control.
/** while (cond) { body } */
export const loopWhile = (cond: Code, ...body: Code[]): Code => [0x02, 0x40, 0x03, 0x40, cond, 0x45, 0x0d, 1, body, 0x0c, 0, 0x0b, 0x0b];
/** if (cond) { then } [else { other }] */
export const when = (cond: Code, then: Code, other?: Code): Code => (other === undefined ? [cond, 0x04, 0x40, then, 0x0b] : [cond, 0x04, 0x40, then, 0x05, other, 0x0b]);
/** A value-returning if: cond ? a : b (both f64). */
export const selectF64 = (cond: Code, a: Code, b: Code): Code => [cond, 0x04, F64, a, 0x05, b, 0x0b];
export const ret = (v?: Code): Code => (v === undefined ? [0x0f] : [v, 0x0f]);

/** One exported function: parameter and result types, extra locals, body. */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly locals: readonly number[];
  readonly body: Code;
}

/**
 * Module bytes: imports memory `env.memory` (shared, up to `maxPages` 64 KiB pages) and exports the functions.
 * Example: `emitModule([{ name: 'f', params: [I32], results: [I32], locals: [], body: get(0) }], 65536)`
 */
export function emitModule(fns: readonly WasmFunction[], maxPages: number): Uint8Array {
  const section = (id: number, payload: number[]): number[] => [id, ...uleb(payload.length), ...payload];
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const types = vec(fns.map((f) => [0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results.length), ...f.results]));
  // Import: "env" "memory", kind 2 (memory), limits 0x03 (shared, with maximum).
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(1), ...uleb(maxPages)]]);
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exports = vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const bodies = vec(
    fns.map((f) => {
      // Locals run-length encoded by type.
      const groups: number[][] = [];
      for (const t of f.locals) {
        const last = groups[groups.length - 1];
        if (last && last[1] === t) last[0]++;
        else groups.push([1, t]);
      }
      const body = [...uleb(groups.length), ...groups.flatMap(([c, t]) => [...uleb(c), t]), ...flatten(f.body, []), 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, bodies),
  ]);
}
