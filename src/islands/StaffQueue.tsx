import type { AppStrings, Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import Console from './staff/Console';

/**
 * The staff console on a staff device (src/islands/staff/): the station's queue with every
 * deadline, walk-in registration, dispatch and the printable dispatch form, the visit, the
 * temperature test, the complaint path, replies and callbacks. Everything is recorded on the
 * device first (offline in a service hall or a home too); two devices recording the same step
 * both keep their event, and the state derived from the events is the same on both.
 */
export default function StaffQueue(props: { lang: Lang; t: AppStrings; device: BrowserDevice }) {
  return <Console lang={props.lang} t={props.t} device={props.device} />;
}
