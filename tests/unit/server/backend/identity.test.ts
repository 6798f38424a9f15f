import { describe, expect, it } from 'vitest';
import { readCookie } from '../../../../server/backend/identity.mjs';

// The session cookie read from a Cookie header by the `cookie` package (identity.mjs, proxy.mjs).
describe('readCookie', () => {
  it('finds the session among other cookies, whatever the spacing, the first of two', () => {
    expect(readCookie('theme=dark; AuthSession=YWRtaW46NjU3:abc-_x', 'AuthSession')).toBe('YWRtaW46NjU3:abc-_x');
    expect(readCookie('theme=dark;AuthSession=one;  AuthSession=two', 'AuthSession')).toBe('one');
    expect(readCookie(' AuthSession = spaced ', 'AuthSession')).toBe('spaced');
  });

  it('keeps the value as sent (no URI decoding) and tells an empty one from none', () => {
    expect(readCookie('AuthSession=abc%3D', 'AuthSession')).toBe('abc%3D');
    expect(readCookie('AuthSession=', 'AuthSession')).toBe('');
    expect(readCookie('MyAuthSession=x; other=y', 'AuthSession')).toBeUndefined();
    expect(readCookie(undefined, 'AuthSession')).toBeUndefined();
    expect(readCookie('', 'AuthSession')).toBeUndefined();
  });
});
