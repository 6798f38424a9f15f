import { Match, Show, Suspense, Switch, createEffect, createSignal, lazy, onCleanup } from 'solid-js';
import { fill, localeHref, type AppStrings, type Lang, type ResidentStrings } from '../i18n';
import { displayName, isStaff } from '../db/device/sessionStore';
import { onStaffDirectory, ownDisplayName } from '../db/device/staffName';
import { loadDeviceLayer, useDevice, useMounted, useSession } from './reactive';

// Split from the page's first script (the 20 kB budget); the sign-in form is fetched at once
// (the page's HTML holds it: the island hydrates it), the lists once the device database is open.
// Each is drawn in its own Suspense: under the one Astro puts around a hydrated island, a
// component still loading would blank the whole island (and hide what is typed in its forms).
const NewRequest = lazy(() => import('./NewRequest'));
const MyAccount = lazy(() => import('./MyAccount'));
const SignUpForm = lazy(() => import('./SignUpForm'));
const SignInForm = lazy(() => import('./SignInForm'));
const ForgotPassword = lazy(() => import('./ForgotPassword'));
const MyRequests = lazy(() => import('./MyRequests'));
const StaffQueue = lazy(() => import('./StaffQueue'));

/**
 * The build awaits this before it renders the page: with the sign-in form's code loaded, the
 * build's render draws it at once (no Suspense left pending), so the page carries no inline
 * script of Solid's resolved data (which the page's CSP would refuse).
 */
export function loadShellCode(): Promise<unknown> {
  return SignInForm.preload();
}

/**
 * The signed-in part of the site: sign-in when nobody has signed in on this device; else the
 * resident's forms and requests, or a station's queue for staff. Everything is read from and
 * written to the device's own database, so it works with no network after the first sign-in.
 *
 * Rendered at build time (the page's first paint is its sign-in form, not a "loading" line),
 * then hydrated. The build knows nobody, so the build and the hydrating render draw the
 * visitor's view, and the device's session is read only once the island is mounted. A signed-in
 * user never sees that sign-in form: a script in the page's head (AppPage.astro) marks a device
 * with a stored session before the first paint (html[data-session]), and the page's CSS then
 * shows a neutral "loading" line in the form's place until the island draws their view.
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
  const mounted = useMounted();
  const stored = useSession();
  const session = () => (mounted() ? stored() : null);
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
  // A signed-in user's first screen appears whole: until the code of its form has loaded, the
  // "loading" line stands in for all of it. (Drawn in parts, the page moved as they arrived.)
  const [signedInScreenReady, setSignedInScreenReady] = createSignal(false);
  createEffect(() => {
    const s = session();
    if (!s) return;
    const preload: Promise<unknown> = isStaff(s) ? Promise.resolve() : NewRequest.preload();
    void preload.then(
      () => setSignedInScreenReady(true),
      () => setSignedInScreenReady(true),
    );
  });
  const loading = () => <p>{t.requests.loading}</p>;
  return (
    <Switch>
      <Match when={!session()}>
        {/* Shown (by the page's CSS) only before the island is mounted, on a device with a stored session. */}
        <Show when={!mounted()}>
          <p class="signed-in-shell">{t.requests.loading}</p>
        </Show>
        <div class="visitor-view">
        <Suspense fallback={loading()}>
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
        </Suspense>
        </div>
      </Match>
      <Match when={!signedInScreenReady()}>{loading()}</Match>
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
              <Show when={open()} keyed fallback={loading()}>
                {(device) => (
                  <Suspense fallback={loading()}>
                    <MyRequests lang={props.lang} t={props.t} device={device} />
                    <MyAccount t={props.t} device={device} />
                  </Suspense>
                )}
              </Show>
            </>
          }
        >
          <Show when={consoleStrings()} keyed>
            {(staffT) => (
              <Show when={open()} keyed fallback={loading()}>
                {(device) => (
                  <Suspense fallback={loading()}>
                    <StaffQueue lang={props.lang} t={staffT} device={device} />
                  </Suspense>
                )}
              </Show>
            )}
          </Show>
        </Show>
      </Match>
    </Switch>
  );
}
