// Types for the parts of fili (IIR filter design and filtering, MIT) this app uses.
declare module 'fili' {
  export interface IirCoefficients {
    readonly z: number[];
    readonly a: number[];
    readonly b: number[];
  }
  export interface CascadeParams {
    order: number;
    characteristic: 'butterworth' | 'bessel';
    Fs: number;
    Fc: number;
    BW?: number;
    gain?: number;
    preGain?: boolean;
  }
  export class CalcCascades {
    lowpass(params: CascadeParams): IirCoefficients[];
    highpass(params: CascadeParams): IirCoefficients[];
    bandstop(params: CascadeParams): IirCoefficients[];
    bandpass(params: CascadeParams): IirCoefficients[];
  }
  export class IirFilter {
    constructor(coefficients: IirCoefficients[]);
    filtfilt(input: ArrayLike<number>, overwrite?: boolean): number[];
    multiStep(input: ArrayLike<number>, overwrite?: boolean): number[];
    reinit(): void;
  }
  const Fili: { CalcCascades: typeof CalcCascades; IirFilter: typeof IirFilter };
  export default Fili;
}
