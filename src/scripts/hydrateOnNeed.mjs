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
const hydrateOnNeed = async (load, _options, island) => {
  if (!('session' in document.documentElement.dataset)) {
    // 'click' too: a screen reader's activation of a button is a click with no pointer or key before it.
    const events = 'pointerdown keydown focusin click'.split(' ');
    // A button works once Solid has attached its click handler (its delegated `$$click`, set when
    // the part of the island holding it is hydrated, after its lazy code has loaded) or once it
    // is a submit button (SignInForm.tsx, once mounted).
    const works = (/** @type {HTMLButtonElement} */ button) => '$$click' in button || button.type === 'submit';
    /** The button pressed before it worked, to press again; `done` once a press found its button working. */
    const pressed = { button: /** @type {HTMLButtonElement | null} */ (null), done: false };
    const remember = (/** @type {Event} */ event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      if (button && works(button)) pressed.done = true;
      else if (button) pressed.button = button;
    };
    island.addEventListener('click', remember, true);
    await new Promise((interacted) => {
      for (const type of events) addEventListener(type, interacted, { capture: true, once: true });
    });
    await (await load())();
    // A minute at most (a phone under load can take seconds to load the island's lazy parts).
    for (let tries = 1200; !pressed.done && tries > 0; tries -= 1) {
      const button = pressed.button;
      if (button?.isConnected && works(button)) {
        button.click();
        break;
      }
      await new Promise((wait) => setTimeout(wait, 50));
    }
    island.removeEventListener('click', remember, true);
    return;
  }
  await (await load())();
};
export default hydrateOnNeed;
