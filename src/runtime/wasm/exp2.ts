// 2^x for vectors of four floats, shared by the generated kernels: the softmax of attention (attentionKernels.ts)
// and GELU after a convolution (convKernels.ts).
import type { FunctionBuilder } from './emit';

/**
 * 2^f on [−½, ½], a polynomial fitted for relative error (Lawson's weighted least squares): 2.3e-7 at most, float32
 * evaluation included.
 */
const EXP2_POLY = [1.0000001192092896, 0.6931469440460205, 0.24022120237350464, 0.05550713092088699, 0.009675541892647743, 0.001327647129073739];
/** 1.5·2²³: adding it rounds a float of magnitude < 2²² to an integer, which its low mantissa bits then hold. */
const ROUNDER = 12582912;
/**
 * The floor of exp2's argument: 2^−64 is nothing to a softmax whose sum is ≥ 1, and it keeps the weights and their
 * products with V′ clear of subnormal floats (each of which costs x86 a slow microcode assist).
 */
export const EXP2_MIN = -64;

/**
 * Locals for the constants of exp2: a v128.const inside a loop is rebuilt at every use. set() fills them just before
 * the loop that uses them, so that they hold registers there only (live across the other passes they would push
 * those passes' accumulators out of registers).
 */
export class Exp2Constants {
  readonly min: number;
  readonly rounder: number;
  readonly poly: readonly number[];

  constructor(private readonly f: FunctionBuilder) {
    this.min = f.local('v128');
    this.rounder = f.local('v128');
    this.poly = EXP2_POLY.map(() => f.local('v128'));
  }

  set(): void {
    this.f.f32x4(EXP2_MIN).set(this.min).f32x4(ROUNDER).set(this.rounder);
    EXP2_POLY.forEach((c, i) => this.f.f32x4(c).set(this.poly[i]!));
  }
}

/**
 * Pushes 2^x for the v128 in local `x` (≤ 0; clobbered), using local `y`: x = n + f with n = round(x) read from the
 * rounder's mantissa bits (no float-to-int conversion), 2^f by the polynomial, n added to the exponent bits.
 */
export function exp2(f: FunctionBuilder, k: Exp2Constants, x: number, y: number, fma: boolean): void {
  f.get(x).get(k.min).op('f32x4.pmax').tee(x).get(k.rounder).op('f32x4.add').set(y);
  f.get(x).get(y).get(k.rounder).op('f32x4.sub', 'f32x4.sub').set(x);
  f.get(k.poly[5]!);
  for (let c = 4; c >= 0; c--) {
    if (fma) f.get(x).get(k.poly[c]!).op('f32x4.relaxed_madd');
    else f.get(x).op('f32x4.mul').get(k.poly[c]!).op('f32x4.add');
  }
  f.get(y).i32(23).op('i32x4.shl', 'i32x4.add');
}
