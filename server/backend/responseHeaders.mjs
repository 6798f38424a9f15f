// @ts-check
/**
 * Rewrites what express-pouchdb or the proxied CouchDB put in /db response headers, for both
 * modes in one place (a hook on res.setHeader, which res.cookie, res.set and the proxy use):
 * - AuthSession cookies: Path=/db; HttpOnly; SameSite=Strict, plus Secure behind TLS (trap 6);
 * - WWW-Authenticate dropped (a browser would pop up its own password dialog);
 * - Access-Control-* dropped: the backend is same-origin only;
 * - Location made relative to /db (a proxied CouchDB names its own address there);
 * - Cache-Control: no-store on every answer, whatever CouchDB says (personal data).
 */

/**
 * @param {string} cookie one Set-Cookie value
 * @param {{ secure: boolean, path?: string }} opts
 */
export function hardenSessionCookie(cookie, { secure, path = '/db' }) {
  if (!/^\s*AuthSession=/i.test(cookie)) return cookie;
  const [pair = '', ...attrs] = cookie.split(';').map((s) => s.trim());
  const kept = attrs.filter((a) => !/^(path|samesite|httponly|secure|domain)\b/i.test(a));
  const out = [pair, ...kept, `Path=${path}`, 'HttpOnly', 'SameSite=Strict'];
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
 * @param {{ upstreamBase?: string, mountPath?: string }} [opts] upstreamBase: the proxied
 *   CouchDB's base URL (its Location headers are rewritten to mountPath)
 * @returns {import('express').RequestHandler}
 */
export function responseHeaders({ upstreamBase, mountPath = '/db' } = {}) {
  return (req, res, next) => {
    const secure = isTls(req);
    const original = res.setHeader;
    res.setHeader = function setHeader(name, value) {
      const lower = String(name).toLowerCase();
      if (lower === 'www-authenticate' || lower.startsWith('access-control-')) return this;
      // Answers may carry personal data: never stored by any cache (set below, kept).
      if (lower === 'cache-control') return this;
      if (lower === 'set-cookie') {
        const list = (Array.isArray(value) ? value : [String(value)]).map((c) => hardenSessionCookie(String(c), { secure, path: mountPath }));
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
