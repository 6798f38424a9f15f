import { FOUR_EYES_REASON } from './draftState';

/**
 * A failed publication as the committee reads it (issue 23 item 3). The publisher's outcome
 * carries the reason in a technician's words (server/publish: the build's own error, "file:line
 * field: message", or why nothing was built); this sorts it into what happened, whether the
 * committee can put it right and who can, and keeps the technical detail for the administrator.
 *
 *   cause              when                                               who fixes it
 *   content-file       a content file the committee does not edit         the administrator
 *                      (results, policies, utility, another year) fails
 *   commitments-file   this year's commitments fail the build             the committee (edit, save, approve again)
 *   changed-since      the draft was changed after the approval           the committee (approve the latest, ask again)
 *   four-eyes          the approver saved the revision themselves         another approver
 *   not-arrived        the approval has not reached the server yet        nobody: ask again once it has synced
 *   stopped            the server stopped during the build                nobody: ask again
 *   build              any other failure of the build or the server       the administrator
 */

export type FailureCause = 'content-file' | 'commitments-file' | 'changed-since' | 'four-eyes' | 'not-arrived' | 'stopped' | 'build';
export type FailureFixer = 'admin' | 'committee' | 'approver' | 'retry';

export interface PublishFailureReading {
  readonly cause: FailureCause;
  readonly fixer: FailureFixer;
  /** The content files the build named (relative to the project: content/results/2024.json). */
  readonly files: readonly string[];
  /** The reason as the server wrote it, for the administrator. */
  readonly detail: string;
}

const FIXERS: Record<FailureCause, FailureFixer> = {
  'content-file': 'admin',
  'commitments-file': 'committee',
  'changed-since': 'committee',
  'four-eyes': 'approver',
  'not-arrived': 'retry',
  stopped: 'retry',
  build: 'admin',
};

export function readPublishFailure(reason: string, year: number): PublishFailureReading {
  const files = [...new Set([...reason.matchAll(/(content\/[^\s:]+):\d+:\d+/g)].map((m) => m[1]!))];
  const cause = ((): FailureCause => {
    if (reason === FOUR_EYES_REASON) return 'four-eyes';
    if (reason.startsWith('the draft was changed after this approval')) return 'changed-since';
    if (/has not reached the server|there is no publish request/.test(reason)) return 'not-arrived';
    if (reason.startsWith('the build was stopped')) return 'stopped';
    if (files.length) return files.every((f) => f === `content/commitments/${year}.yaml`) ? 'commitments-file' : 'content-file';
    return 'build';
  })();
  return { cause, fixer: FIXERS[cause], files, detail: reason };
}
