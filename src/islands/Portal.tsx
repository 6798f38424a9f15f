import { Match, Show, Switch, createEffect, createSignal, lazy, onCleanup } from 'solid-js';
import { fill, localeHref, type AppStrings, type Lang, type ResidentStrings } from '../i18n';
import { displayName, isStaff } from '../db/device/sessionStore';
import { onStaffDirectory, ownDisplayName } from '../db/device/staffName';
import { loadDeviceLayer, useDevice, useSession } from './reactive';

// Split from the page's first script (the 20 kB budget) but fetched at once; the lists are
// shown once the device database is open.
const NewRequest = lazy(() => import('./NewRequest'));
const MyAccount = lazy(() => import('./MyAccount'));
const SignUpForm = lazy(() => import('./SignUpForm'));
const SignInForm = lazy(() => import('./SignInForm'));
const ForgotPassword = lazy(() => import('./ForgotPassword'));
const MyRequests = lazy(() => import('./MyRequests'));
const StaffQueue = lazy(() => import('./StaffQueue'));

/**
 * The signed-in part of the site: sign-in when nobody has signed in on this device; else the
 * resident's forms and requests, or a station's queue for staff. Everything is read from and
 * written to the device's own database, so it works with no network after the first sign-in.
 */
export default function Portal(
  props: { lang: Lang; noticeVersion: string; emergencyPhone?: string; hotline?: string } & (
    | { area: 'resident'; t: ResidentStrings }
    | { area: 'staff'; t: AppStrings }
  ),
) {
  const t = props.t;
  // The console's strings come only with the staff page: a staff account on /portal/ is sent there.
  const consoleStrings = (): AppStrings | null => (props.area === 'staff' ? props.t : null);
  const session = useSession();
  const open = useDevice();
  const [signingUp, setSigningUp] = createSignal(false);
  const [forgot, setForgot] = createSignal(false);
  // Staff are named by their display name (the staff directory the console keeps), never the login once it is known.
  const [directoryTick, setDirectoryTick] = createSignal(0);
  onCleanup(onStaffDirectory(() => setDirectoryTick((n) => n + 1)));
  const shownName = (s: Parameters<typeof displayName>[0]) => {
    directoryTick();
    return (isStaff(s) && typeof localStorage !== 'undefined' ? ownDisplayName(localStorage, s.name) : null) ?? displayName(s);
  };
  const signOut = async () => {
    const waiting = open()?.status.get().waiting ?? 0;
    if (waiting > 0 && !confirm(fill(t.session.signOutWaiting, { n: waiting }))) return;
    await (await loadDeviceLayer()).signOutOfDevice();
  };
  // The first screen appears whole: until the code of its form has loaded, the page's "loading"
  // line stands in for all of it. (Drawn in parts, the sign-up button came first and was pushed
  // down the screen by the sign-in form when it arrived: a layout shift of 0.033.)
  const [firstScreenReady, setFirstScreenReady] = createSignal(false);
  createEffect(() => {
    const s = session();
    const form = !s ? SignInForm : isStaff(s) ? null : NewRequest;
    const preload: Promise<unknown> = form ? form.preload() : Promise.resolve();
    void preload.then(
      () => setFirstScreenReady(true),
      () => setFirstScreenReady(true),
    );
  });
  return (
    <Switch>
      <Match when={!firstScreenReady()}>
        <p>{t.requests.loading}</p>
      </Match>
      <Match when={!session()}>
        <Show
          when={signingUp()}
          fallback={
            <Show
              when={!forgot()}
              fallback={<ForgotPassword lang={props.lang} t={props.t} hotline={props.hotline ?? ''} hallsHref={localeHref(props.lang, '/halls/')} onBack={() => setForgot(false)} />}
            >
              <SignInForm lang={props.lang} t={props.t} {...(props.area === 'resident' ? { onForgotPassword: () => setForgot(true) } : {})} />
              <Show when={props.area === 'resident'}>
                <p>
                  <button type="button" class="button secondary" onClick={() => setSigningUp(true)}>{t.signup.noAccount}</button>
                </p>
              </Show>
            </Show>
          }
        >
          <SignUpForm lang={props.lang} t={props.t} noticeVersion={props.noticeVersion} privacyHref={localeHref(props.lang, '/policies/privacy/')} hotline={props.hotline ?? ''} hallsHref={localeHref(props.lang, '/halls/')} />
          <p>
            <button type="button" class="button secondary" onClick={() => setSigningUp(false)}>{t.signup.haveAccount}</button>
          </p>
        </Show>
      </Match>
      <Match when={session()}>
        <div class="signed-in-bar">
          <p>{fill(t.session.signedInAs, { name: shownName(session()!) })}</p>
          <button type="button" class="button secondary" onClick={signOut}>
            {t.session.signOut}
          </button>
        </div>
        <Show when={(props.area === 'staff') !== isStaff(session()!)}>
          <p class="notice">
            <a href={localeHref(props.lang, isStaff(session()!) ? '/staff/' : '/portal/')}>{isStaff(session()!) ? t.staff.title : t.portal.title}</a>
          </p>
        </Show>
        <Show
          when={isStaff(session()!)}
          fallback={
            <>
              {/* The forms load with the page, not with the device database. */}
              <NewRequest lang={props.lang} t={props.t} session={session()!} device={open} emergencyPhone={props.emergencyPhone ?? ''} />
              <Show when={open()} keyed fallback={<p>{t.requests.loading}</p>}>
                {(device) => (
                  <>
                    <MyRequests lang={props.lang} t={props.t} device={device} />
                    <MyAccount t={props.t} device={device} />
                  </>
                )}
              </Show>
            </>
          }
        >
          <Show when={consoleStrings()} keyed>
            {(staffT) => (
              <Show when={open()} keyed fallback={<p>{t.requests.loading}</p>}>
                {(device) => <StaffQueue lang={props.lang} t={staffT} device={device} />}
              </Show>
            )}
          </Show>
        </Show>
      </Match>
    </Switch>
  );
}
