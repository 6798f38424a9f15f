// @ts-check
/**
 * Reading a request's body in the guard: whole into memory, never more than a limit (the guard
 * parses and checks what it then hands on; a stream it did not read is passed through instead).
 */
import getRawBody from 'raw-body';
import { CouchError } from '../errors.mjs';

/**
 * Reads a request body into a Buffer, refusing more than `limit` bytes (413 `too_large`): a
 * declared Content-Length over the limit is refused before a byte is read. raw-body (the reader
 * body-parser and express-pouchdb already use) does the reading, with its checks of the declared
 * length and of a request the client aborted (400), in place of a hand-written copy.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer>}
 */
export async function readBody(req, limit) {
  const declared = Number(req.headers['content-length']);
  try {
    return await getRawBody(req, { length: Number.isFinite(declared) ? declared : undefined, limit });
  } catch (err) {
    const type = /** @type {{ type?: string }} */ (err).type;
    if (type === 'entity.too.large') {
      // Declared too large: nothing was read; drain it so the 413 reaches the client on a kept
      // connection. Past the limit while streaming (no or a false length): drop the connection.
      if (Number.isFinite(declared) && declared > limit) req.resume();
      else req.destroy();
      throw new CouchError(413, 'too_large', 'The request entity is too large.');
    }
    if (type === 'request.aborted' || type === 'request.size.invalid') throw new CouchError(400, 'bad_request', 'The request body ended before its declared length.');
    throw err;
  }
}

/**
 * Reads a body of at most `maxBytes`, answering 413 with the limit in the reason (rule
 * `body-size`): for the reads and writes of members, whose limits a client can act on.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} maxBytes
 */
export async function readLimitedBody(req, maxBytes) {
  try {
    return await readBody(req, maxBytes);
  } catch (err) {
    if (err instanceof CouchError && err.status === 413) {
      throw new CouchError(413, 'too_large', `The request body is over ${formatBytes(maxBytes)}, the most this request may send.`, { rule: 'body-size' });
    }
    throw err;
  }
}

/** @param {number} n */
const formatBytes = (n) => (n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MB` : `${Math.round(n / 1024)} kB`);

/**
 * Whether the request says its body is JSON (`application/json` or `application/…+json`).
 * @param {import('node:http').IncomingMessage} req
 */
export const isJsonRequest = (req) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(String(req.headers['content-type'] ?? ''));
