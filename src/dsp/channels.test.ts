import { describe, expect, it } from 'vitest';
import { channelKey, displayName, findChannel, matchChannels } from './channels';

describe('channelKey', () => {
  it('matches eegmmidb, TUH and sleep-EDF spellings', () => {
    expect(channelKey('Fc5.')).toBe('FC5');
    expect(channelKey('Fp1.')).toBe('FP1');
    expect(channelKey('Cz..')).toBe('CZ');
    expect(channelKey('EEG FP1-REF')).toBe('FP1');
    expect(channelKey('EEG T3-LE')).toBe('T7');
    expect(channelKey('EEG Fpz-Cz')).toBe('FPZ-CZ');
    expect(channelKey('T5')).toBe('P7');
    expect(channelKey('T6')).toBe(channelKey('P8'));
  });

  it('finds channels case- and punctuation-insensitively, first duplicate wins', () => {
    const labels = ['Fc5.', 'Fc3.', 'T9..', 'EEG F1-Ref', 'EEG F1-Ref'];
    expect(findChannel(labels, 'FC3')).toBe(1);
    expect(findChannel(labels, 'F1')).toBe(3);
    expect(findChannel(labels, 'O1')).toBe(-1);
    expect(matchChannels(labels, ['T9', 'FC5', 'Pz'])).toEqual([2, 0, -1]);
  });

  it('spells keys conventionally for display', () => {
    expect(displayName('FP1')).toBe('Fp1');
    expect(displayName('FCZ')).toBe('FCz');
    expect(displayName('FP1-F7')).toBe('Fp1-F7');
    expect(displayName('T7')).toBe('T7');
  });
});
