import type { AppStrings } from '../../i18n';
import RequestPhotos from '../RequestPhotos';

/**
 * The resident's photos of the fault on the staff card: read through the server
 * (GET /db/_account/photos/<id>), which shows them only to staff whose database holds the
 * request and logs each view (server/backend/photoAccess.mjs). Photos stay in the resident's
 * database: a staff device never stores them.
 */
export default function StaffPhotos(props: { t: AppStrings; ids: readonly string[] }) {
  return <RequestPhotos t={props.t} ids={props.ids} srcOf={(id) => `/db/_account/photos/${encodeURIComponent(id)}`} />;
}
