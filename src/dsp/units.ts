// Physical units of EEG channels as EDF writes them, and the factor that turns each into microvolts.

const TO_MICROVOLTS: Readonly<Record<string, number>> = { uv: 1, 'µv': 1, 'μv': 1, mv: 1e3, v: 1e6, nv: 1e-3 };

/** Factor to microvolts for an EDF physical dimension, or null when it is not a voltage (e.g. "DegC", ""). */
export function microvoltsPerUnit(unit: string): number | null {
  return TO_MICROVOLTS[unit.trim().toLowerCase()] ?? null;
}
