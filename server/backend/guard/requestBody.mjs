// @ts-check
/**
 * Reading a request's body in the guard: whole into memory, never more than a limit (the guard
 * parses and checks what it then hands on; a stream it did not read is passed through instead).
 */
import { CouchError } from '../errors.mjs';

/**
 * Reads a request body into a Buffer, refusing more than `limit` bytes (413 `too_large`): a
 * declared Content-Length over the limit is refused before a byte is read.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer>}
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new CouchError(413, 'too_large', 'The request entity is too large.'));
      req.resume();
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new CouchError(413, 'too_large', 'The request entity is too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
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
