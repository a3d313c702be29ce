// 10-20 channel names: one canonical key per electrode so that labels written by different systems match.
// eegmmidb writes "Fc5.", "Fp1.", TUH writes "EEG FP1-REF", older systems use T3/T4/T5/T6 for T7/T8/P7/P8.

/** Old (10-20) names and their modern (10-10) equivalents; both spellings map to the modern one. */
const RENAMED: Readonly<Record<string, string>> = { T3: 'T7', T4: 'T8', T5: 'P7', T6: 'P8' };

/** Suffixes that only name the reference of a referential derivation. */
const REFERENCE_SUFFIX = /[-_ ](REF|LE|RE|AR|AVG|AV|CAR)$/;

/**
 * Canonical key of a channel label for matching: upper case, without an "EEG " type prefix, a reference
 * suffix, dots, spaces or underscores, with old temporal names mapped to new. Bipolar labels keep their
 * dash: "EEG Fpz-Cz" → "FPZ-CZ". Labels that are not 10-20 names come back normalised the same way.
 */
export function channelKey(label: string): string {
  let s = label.trim().toUpperCase();
  s = s.replace(/^(EEG|EOG|EMG|ECG|EKG)[ _:]+/, '');
  s = s.replace(REFERENCE_SUFFIX, '');
  s = s.replace(/[.\s_]+/g, '');
  return s
    .split('-')
    .map((part) => RENAMED[part] ?? part)
    .join('-');
}

/** Conventional spelling of a 10-20/10-10 key: "FP1" → "Fp1", "FCZ" → "FCz", "T7" → "T7". */
export function displayName(key: string): string {
  return key
    .split('-')
    .map((part) => {
      const m = /^([A-Z]+?)(\d+|Z)?$/.exec(part);
      if (!m) return part;
      const letters = m[1]!;
      const suffix = m[2] === 'Z' ? 'z' : (m[2] ?? '');
      return (letters === 'FP' ? 'Fp' : letters) + suffix;
    })
    .join('-');
}

/**
 * Index of the first label in `labels` that matches `wanted` by channelKey, or -1. Duplicate labels (a real
 * case, see mne-python/duplicate_channel_labels.edf) resolve to the first occurrence.
 */
export function findChannel(labels: readonly string[], wanted: string): number {
  const key = channelKey(wanted);
  return labels.findIndex((l) => channelKey(l) === key);
}

/** For each wanted channel, its index in `labels` or -1 (missing). */
export function matchChannels(labels: readonly string[], wanted: readonly string[]): number[] {
  const keys = labels.map(channelKey);
  return wanted.map((w) => keys.indexOf(channelKey(w)));
}

/**
 * The 10-20 (10-10) name of the electrode mirrored across the midline: odd numbers (left) ↔ the next even number
 * (right), midline "z" electrodes stay; null for names outside the system.
 */
export function mirroredElectrode(label: string): string | null {
  const m = /^([A-Z]+?)(Z|\d+)$/.exec(channelKey(label));
  if (!m) return null;
  if (m[2] === 'Z') return `${m[1]}Z`;
  const n = Number(m[2]);
  return `${m[1]}${n % 2 === 1 ? n + 1 : n - 1}`;
}

/** For each channel, the index of its mirror image in `channels`; throws naming a channel whose mirror is absent. */
export function mirrorPermutation(channels: readonly string[]): number[] {
  const keys = channels.map(channelKey);
  return channels.map((c) => {
    const mirror = mirroredElectrode(c);
    const index = mirror === null ? -1 : keys.indexOf(mirror);
    if (index < 0) throw new RangeError(`channel ${c} has no mirror image among ${channels.join(', ')}`);
    return index;
  });
}
