// Display filters for the trace viewer: Butterworth high-pass, low-pass and mains notch, run forward and backward
// (zero phase) with fili's biquad cascades. For looking at EEG, not for feeding the model (segments use bandFilter).
import Fili from 'fili';

export interface DisplayFilterSettings {
  /** Hz, or null for none. */
  readonly highpassHz: number | null;
  readonly lowpassHz: number | null;
  /** 50 or 60 Hz mains notch, or null. */
  readonly notchHz: 50 | 60 | null;
}

export const NO_FILTER: DisplayFilterSettings = { highpassHz: null, lowpassHz: null, notchHz: null };

const ORDER = 2;

/** Filters a copy of `signal` at `sampleRateHz`; cut-offs at or above Nyquist are skipped. */
export function applyDisplayFilter(signal: ArrayLike<number>, sampleRateHz: number, settings: DisplayFilterSettings): Float32Array {
  let data: ArrayLike<number> = signal;
  const nyquist = sampleRateHz / 2;
  const cascades = new Fili.CalcCascades();
  const run = (coefficients: ReturnType<typeof cascades.lowpass>) => {
    data = new Fili.IirFilter(coefficients).filtfilt(data);
  };
  if (settings.highpassHz !== null && settings.highpassHz > 0 && settings.highpassHz < nyquist) {
    run(cascades.highpass({ order: ORDER, characteristic: 'butterworth', Fs: sampleRateHz, Fc: settings.highpassHz }));
  }
  if (settings.lowpassHz !== null && settings.lowpassHz > 0 && settings.lowpassHz < nyquist) {
    run(cascades.lowpass({ order: ORDER, characteristic: 'butterworth', Fs: sampleRateHz, Fc: settings.lowpassHz }));
  }
  if (settings.notchHz !== null && settings.notchHz < nyquist) {
    run(cascades.bandstop({ order: ORDER, characteristic: 'butterworth', Fs: sampleRateHz, Fc: settings.notchHz, BW: 0.1 }));
  }
  return Float32Array.from(data);
}
