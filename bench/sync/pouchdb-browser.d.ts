/** The little of pouchdb-browser (no bundled types) that bench/sync/browser.ts uses. */
declare module 'pouchdb-browser' {
  interface ReplicateResult {
    ok: boolean;
    docs_read: number;
    docs_written: number;
  }
  class PouchDB {
    constructor(name: string, options?: Record<string, unknown>);
    info(): Promise<{ doc_count: number; update_seq: number | string }>;
    close(): Promise<void>;
    replicate: { from(source: PouchDB | string, options?: Record<string, unknown>): Promise<ReplicateResult> };
  }
  export default PouchDB;
}
