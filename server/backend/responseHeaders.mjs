// @ts-check
/**
 * Rewrites what express-pouchdb or the proxied CouchDB put in /db response headers, for both
 * modes in one place (a hook on res.setHeader, which res.cookie, res.set and the proxy use):
 * - AuthSession cookies: Path=/db; HttpOnly; SameSite=Strict, plus Secure behind TLS (trap 6),
 *   and persistent (Max-Age = the session lifetime): a session cookie dies with the browser
 *   session, and a phone closing its last tab would then have to sign in again for nothing;
 * - WWW-Authenticate dropped (a browser would pop up its own password dialog);
 * - Access-Control-* dropped: the backend is same-origin only;
 * - X-Powered-By and Server dropped (express-pouchdb's app and a proxied CouchDB name themselves);
 * - Location made relative to /db (a proxied CouchDB names its own address there);
 * - Cache-Control: no-store on every answer, whatever CouchDB says (personal data).
 */

/**
 * @param {string} cookie one Set-Cookie value
 * @param {{ secure: boolean, path?: string, maxAgeSeconds?: number }} opts
 */
export function hardenSessionCookie(cookie, { secure, path = '/db', maxAgeSeconds }) {
  if (!/^\s*AuthSession=/i.test(cookie)) return cookie;
  const [pair = '', ...attrs] = cookie.split(';').map((s) => s.trim());
  // A cookie with a value opens a session: it gets the session's lifetime (express-pouchdb's
  // own Max-Age, when it sets one, is the timeout in seconds passed as milliseconds). An empty
  // one ends a session and keeps its past Expires.
  const opensSession = maxAgeSeconds !== undefined && pair.replace(/^\s*AuthSession=/i, '') !== '';
  const kept = attrs.filter((a) => !/^(path|samesite|httponly|secure|domain)\b/i.test(a) && !(opensSession && /^(max-age|expires)\b/i.test(a)));
  const out = [pair, ...kept, ...(opensSession ? [`Max-Age=${maxAgeSeconds}`] : []), `Path=${path}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure) out.push('Secure');
  return out.join('; ');
}

/** @param {import('node:http').IncomingMessage & { secure?: boolean }} req */
export function isTls(req) {
  if (req.secure) return true;
  const xfp = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(xfp) ? xfp[0] : xfp)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/**
 * @param {{ upstreamBase?: string, mountPath?: string, sessionSeconds?: number }} [opts] upstreamBase:
 *   the proxied CouchDB's base URL (its Location headers are rewritten to mountPath);
 *   sessionSeconds: the lifetime of a session cookie (none: left as the backend set it)
 * @returns {import('express').RequestHandler}
 */
export function responseHeaders({ upstreamBase, mountPath = '/db', sessionSeconds } = {}) {
  return (req, res, next) => {
    const secure = isTls(req);
    const original = res.setHeader;
    res.setHeader = function setHeader(name, value) {
      const lower = String(name).toLowerCase();
      if (lower === 'www-authenticate' || lower.startsWith('access-control-')) return this;
      // Nothing names the software and its version: express-pouchdb's own express app would
      // (X-Powered-By), a proxied CouchDB does (Server: CouchDB/3.x (Erlang OTP/…)).
      if (lower === 'x-powered-by' || lower === 'server') return this;
      // Answers may carry personal data: never stored by any cache (set below, kept).
      if (lower === 'cache-control') return this;
      if (lower === 'set-cookie') {
        const list = (Array.isArray(value) ? value : [String(value)]).map((c) => hardenSessionCookie(String(c), { secure, path: mountPath, ...(sessionSeconds !== undefined ? { maxAgeSeconds: sessionSeconds } : {}) }));
        return original.call(this, name, list);
      }
      if (lower === 'location' && upstreamBase && typeof value === 'string' && value.startsWith(upstreamBase)) {
        return original.call(this, name, mountPath + value.slice(upstreamBase.length));
      }
      return original.call(this, name, value);
    };
    original.call(res, 'Cache-Control', 'no-store');
    next();
  };
}
