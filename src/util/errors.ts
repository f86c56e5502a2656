/** Typed errors: everything a reader or decoder may throw past its boundary is one of these. */

export class TcpsleuthError extends Error {
  override name = "TcpsleuthError";
}

/**
 * The capture file is not usable at some point. `offset` is the byte offset in the (decompressed)
 * stream where the problem starts; frames before it were delivered.
 */
export class CaptureFormatError extends TcpsleuthError {
  override name = "CaptureFormatError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A read went past the end of a buffer (caught at the decode boundary and turned into a status). */
export class TruncatedError extends TcpsleuthError {
  override name = "TruncatedError";
}
