// Head training settings (no tfjs here, so the UI can show and edit them).

export interface HeadSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  /** Epochs without a better validation loss before stopping. */
  readonly patience: number;
  /** classifier dropout (the authors' clf_dropout). */
  readonly dropout: number;
  readonly seed: number;
}

/**
 * Defaults. Dropout 0.2 is the authors' clf_dropout (§7); the spec is silent on the fine-tuning optimiser, so these
 * are standard values: AdamW lr 1e-3, weight decay 0.01, batch 64, 50 epochs, patience 10.
 */
export const DEFAULT_HEAD_SETTINGS: HeadSettings = { epochs: 50, batchSize: 64, learningRate: 1e-3, weightDecay: 0.01, patience: 10, dropout: 0.2, seed: 1 };

