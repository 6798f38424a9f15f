import { Match, Show, Switch, lazy } from 'solid-js';
import { fill, localeHref, type AppStrings, type Lang } from '../../i18n';
import { displayName } from '../../db/device/sessionStore';
import type { ApproverRole } from '../../db/schema/records/commitmentsRecords';
import type { PublishedLanguage } from '../../db/schema/common';
import { loadDeviceLayer, useDevice, useSession } from '../reactive';
import type { CommitteeData, CommitteeStrings } from './types';

// Split from the page's first script (the 20 kB budget), fetched at once.
const SignInForm = lazy(() => import('../SignInForm'));
const CommitteeWork = lazy(() => import('./CommitteeWork'));

/** Who works here: the committee drafts and comments, managers too; the utility's approving role approves. */
const COMMITTEE_AREA_ROLES = ['committee', 'manager'];

/**
 * The service committee's area (issues 7 and 8): sign-in when nobody has signed in on this
 * device; staff of other roles are told they have no access; the committee and managers get
 * the year's draft, its comments, approval and publication, and the provisional figures, all
 * on the device database (an operations device: drafts are written offline too).
 */
export default function CommitteeArea(props: { lang: Lang; t: AppStrings; c: CommitteeStrings; approverRole: ApproverRole; fourEyes: boolean; languages: readonly PublishedLanguage[]; data: CommitteeData }) {
  const t = props.t;
  const session = useSession();
  const open = useDevice();
  const allowed = () => (session()?.roles ?? []).some((r) => COMMITTEE_AREA_ROLES.includes(r));
  const signOut = async () => {
    const waiting = open()?.status.get().waiting ?? 0;
    if (waiting > 0 && !confirm(fill(t.session.signOutWaiting, { n: waiting }))) return;
    await (await loadDeviceLayer()).signOutOfDevice();
  };
  return (
    <Switch>
      <Match when={!session()}>
        <SignInForm lang={props.lang} t={props.t} />
      </Match>
      <Match when={session()}>
        <div class="signed-in-bar">
          <p>{fill(t.session.signedInAs, { name: displayName(session()!) })}</p>
          <button type="button" class="button secondary" onClick={signOut}>
            {t.session.signOut}
          </button>
        </div>
        <Show
          when={allowed()}
          fallback={
            <div class="notice" role="status">
              <p>{props.c.noAccess}</p>
              <p>
                <a href={localeHref(props.lang, session()!.roles.includes('resident') ? '/portal/' : '/staff/')}>
                  {session()!.roles.includes('resident') ? t.portal.title : props.c.toStaff}
                </a>
              </p>
            </div>
          }
        >
          <Show when={open()} keyed fallback={<p>{t.requests.loading}</p>}>
            {(device) => <CommitteeWork lang={props.lang} t={props.t} c={props.c} approverRole={props.approverRole} fourEyes={props.fourEyes} languages={props.languages} data={props.data} device={device} />}
          </Show>
        </Show>
      </Match>
    </Switch>
  );
}
