// The one port type between threads: decoding replicas and head training's kernel thread talk through it, whether
// the other thread is a Web Worker (browserThreads.ts) or a Node worker thread (nodeThreads.ts).

/** One end of a message channel to another thread. */
export interface ThreadPort {
  post(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  listen(handler: (message: unknown) => void): void;
  /** The other thread died (an uncaught error, an exit, a message that could not be read): why, in words. */
  onFailure?(handler: (why: string) => void): void;
  /** Stops the other thread (the starting side only). */
  terminate?(): void;
}
