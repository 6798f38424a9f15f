import type { APIRoute, GetStaticPaths } from 'astro';
import { LANGS, dictionary, pick, type Lang } from '../../../i18n';
import { readCommitments, readResults } from '../../../site/content';
import { previousYear, resultsAgainstCommitments, resultsCsv } from '../../../site/resultsTable';
import type { Results } from '../../../db/schema/results';

/** Every figure of a year as CSV (/results/<year>.csv, /en/results/<year>.csv), built with the site. */
export const getStaticPaths = (async () => {
  const all = await readResults();
  return LANGS.flatMap((lang) =>
    all.map((results) => ({ params: { lang: lang === 'zh-CN' ? undefined : lang, year: String(results.year) }, props: { lang, results, previous: previousYear(all, results.year) } })),
  );
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const { lang, results, previous } = props as { lang: Lang; results: Results; previous: Results | undefined };
  const t = dictionary(lang);
  const commitments = (await readCommitments()).find((c) => c.year === results.year);
  const rows = commitments ? resultsAgainstCommitments(commitments, results, previous) : [];
  // A byte-order mark so spreadsheet programs read the Chinese labels as UTF-8.
  const body = `\uFEFF${resultsCsv(rows, t.results.csvHeadings, (i) => pick(lang, i.label))}`;
  return new Response(body, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
};
