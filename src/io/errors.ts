// Error family of the io layer: each names what is wrong and where (field and byte offset, or tensor name).

/** An EDF/BDF file that cannot be read. `field` is the header field or part; `byteOffset` where it sits. */
export class EdfFormatError extends Error {
  override readonly name = 'EdfFormatError';
  constructor(
    message: string,
    readonly field: string,
    readonly byteOffset: number,
  ) {
    super(`${message} (field "${field}" at byte ${byteOffset})`);
  }
}

/** A weights file (safetensors, PyTorch zip/pickle, model bundle) that cannot be read or does not fit. */
export class WeightsError extends Error {
  override readonly name = 'WeightsError';
  constructor(
    message: string,
    /** Tensor, entry or key concerned, when there is one. */
    readonly tensorName?: string,
    readonly byteOffset?: number,
  ) {
    super(message);
  }
}
