// Minimal declarations for the untyped packages the backend loads (no @types installed).
declare module 'express-pouchdb';
declare module 'express-pouchdb/lib/utils';
declare module 'express-pouchdb/lib/create-or-delete-dbs';
declare module 'pouchdb-wrappers';
declare module 'basic-auth' {
  import type { IncomingMessage } from 'node:http';
  function auth(req: IncomingMessage): { name: string; pass: string } | undefined;
  export default auth;
}
/** tsx's loader: importing it registers TypeScript support for later imports. */
declare module 'tsx';
