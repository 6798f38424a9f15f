// @ts-check
/**
 * `client:need`, the hydration of the portal's and the console's islands (src/integrations/
 * hydrateOnNeed.mjs): their shells are in the page's HTML (Portal.tsx), so the page is read
 * whole before any of their code runs. The code is loaded and the island hydrated
 *   - at once on a device keeping a signed-in session (html[data-session], set before the first
 *     paint by src/scripts/sessionGate.mjs): the island draws that user's own view;
 *   - else at the visitor's first interaction with the page (a touch, a pointer, a key, a
 *     focus, a click): until then they read the sign-in form, and a phone's main thread is not taken by
 *     code that nobody has asked for yet during the load (Solid's hydration of the form was the
 *     page's largest task after its first paint).
 * What is typed before is kept (SignInForm.tsx reads the fields' values when it takes them
 * over), and the sign-in button is a plain button until then (the browser's own submit would put
 * the password in the URL). A press on one of the island's buttons before then (its first press
 * usually: it starts the hydration) is given to the button again once it works: once Solid has
 * attached its click handler, or once the sign-in button has become a submit button (after the
 * form's submit handler is attached). Solid's hydration script records such a click but cannot
 * replay it (Solid 1.9 reads the event's composedPath(), empty once it has been dispatched).
 *
 * @type {import('astro').ClientDirective}
 */
const hydrateOnNeed = (load, _options, island) => {
  if (document.documentElement.hasAttribute('data-session')) {
    void hydrated(load);
    return;
  }
  /** @type {HTMLButtonElement | null} */
  let tapped = null;
  const remember = (/** @type {Event} */ event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button && button.type === 'button') tapped = button;
  };
  island.addEventListener('click', remember, true);
  // 'click' too: a screen reader's activation of a button is a click with no pointer or key before it.
  const events = ['pointerdown', 'pointermove', 'touchstart', 'keydown', 'focusin', 'click'];
  const once = () => {
    for (const type of events) removeEventListener(type, once, true);
    void hydrated(load).then(async () => {
      island.removeEventListener('click', remember, true);
      const button = tapped;
      if (button && (await handlerAttached(button))) button.click();
    });
  };
  for (const type of events) addEventListener(type, once, { capture: true, passive: true });
};

/** @param {Parameters<import('astro').ClientDirective>[0]} load */
async function hydrated(load) {
  await (await load())();
}

/**
 * Resolves true once the button works: Solid has attached its click handler (its delegated
 * `$$click`, set when the part of the island holding the button is hydrated, after its lazy code
 * has loaded), or it has become a submit button (SignInForm.tsx, once mounted); false if that
 * does not happen within 10 s or the button left the page.
 * @param {HTMLButtonElement} button
 */
function handlerAttached(button) {
  const until = Date.now() + 10_000;
  return new Promise((resolve) => {
    const look = () => {
      if ('$$click' in button || button.type === 'submit') resolve(true);
      else if (!button.isConnected || Date.now() > until) resolve(false);
      else setTimeout(look, 50);
    };
    look();
  });
}
export default hydrateOnNeed;
