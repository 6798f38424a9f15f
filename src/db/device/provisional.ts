import type { Commitments } from '../schema/commitments';
import { ResultsFold, type ComputedResults } from '../../rules/results/engine';
import type { DeviceDatabase } from './database';

/**
 * The committee's provisional figures, computed on the device (issue 7): every event and
 * operations record the device holds is folded by the same results engine `npm run results`
 * runs on the server (src/rules/results), for `commitments`, measured up to `asOf`. Records the
 * device holds but the server refused (outbox_rejections) never count: no other device will
 * ever see them.
 *
 * Read page by page in id order (`id > last`), so a season's history is never held in memory
 * twice: the engine keeps only its per-request accumulators.
 */
export const PROVISIONAL_PAGE_SIZE = 2000;

export async function provisionalResults(
  db: DeviceDatabase,
  commitments: Commitments,
  asOf: number,
  pageSize: number = PROVISIONAL_PAGE_SIZE,
): Promise<ComputedResults> {
  const fold = new ResultsFold(commitments, { asOf });
  const refused = new Set((await db.outbox_rejections.find().exec()).map((r) => r.eventId));
  for (const collection of [db.events, db.records] as const) {
    let last = '';
    for (;;) {
      const page = await (collection as typeof db.events)
        .find({ selector: last ? { id: { $gt: last } } : {}, sort: [{ id: 'asc' }], limit: pageSize })
        .exec();
      for (const doc of page) {
        const json = doc.toJSON() as { id: string };
        if (!refused.has(json.id)) fold.add(json);
      }
      if (page.length < pageSize) break;
      last = (page[page.length - 1]!.toJSON() as { id: string }).id;
    }
  }
  return fold.finish();
}
