// Minimal types for the `compression` middleware (no @types/compression installed).
declare module 'compression' {
  import type { Request, RequestHandler, Response } from 'express';

  interface CompressionOptions {
    /** Bytes below which responses are not compressed (default 1kb). */
    threshold?: number | string;
    /** zlib level for gzip/deflate. */
    level?: number;
    /** Options for the brotli encoder (e.g. { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }). */
    brotli?: object;
    filter?: (req: Request, res: Response) => boolean;
  }

  function compression(options?: CompressionOptions): RequestHandler;
  namespace compression {
    function filter(req: Request, res: Response): boolean;
  }
  export default compression;
}
