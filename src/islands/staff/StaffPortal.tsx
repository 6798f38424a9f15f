import type { AppStrings, Lang } from '../../i18n';
import Portal from '../Portal';
import { readPageJson } from '../pageData';

/** The id of the staff page's data block holding the console's strings (src/pages/[...lang]/staff/index.astro). */
export const STAFF_STRINGS_ID = 'staff-strings';

/**
 * The staff page's island: the sign-in, then the console (Portal's staff area), with the
 * console's strings read from the page's data block rather than serialised into props
 * (pageData.ts: their revive was one of the page's longest tasks before input).
 */
export default function StaffPortal(props: { lang: Lang; noticeVersion: string }) {
  return <Portal lang={props.lang} t={readPageJson<AppStrings>(STAFF_STRINGS_ID, props.lang)} area="staff" noticeVersion={props.noticeVersion} />;
}
