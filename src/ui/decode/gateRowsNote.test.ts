import { describe, expect, it } from 'vitest';
import { gateRowsNote } from './GateViews';

describe('gateRowsNote', () => {
  it('names the features each row weighs when the channel count divides the feature width', () => {
    const channels = ['FC3', 'FCz', 'FC4', 'C3', 'Cz', 'C4', 'CP3', 'CP4'];
    expect(gateRowsNote(channels, { featureWidth: 32, channelsPerPooledFeature: 1 })).toMatch(
      /the FC3 row multiplies features 1–4 of all 8 channels, the FCz row features 5–8, and so on \(8 channels, 32 features per expert\)\.$/,
    );
  });

  it('says that the channels are mixed when they do not divide it', () => {
    const channels = ['C3', 'Cz', 'C4', 'CP3', 'CP4', 'FC3', 'FC4'];
    expect(gateRowsNote(channels, { featureWidth: 32, channelsPerPooledFeature: 7 })).toMatch(
      /7 channels do not divide the 32 features per expert, so after the head's pooling over channels each feature mixes 7 of the 7 channels/,
    );
  });
});
