import { For, Show, createResource, createSignal, onCleanup } from 'solid-js';
import { fill, type ResidentStrings } from '../i18n';

interface Props {
  t: ResidentStrings;
  /** The photo ids the submission lists. */
  ids: readonly string[];
  /** Where each picture is read from: the device's own copy, or the server. */
  srcOf: (id: string) => string | Promise<string>;
}

/**
 * The photos of a request's fault (issue 21, item 5), for the resident on their request and
 * for the staff of its station on the request card: each a thumbnail that opens the picture in
 * full. Read from the device where it was taken, otherwise from the server (which shows staff
 * only the photos of requests their database holds, and logs each view); without a network a
 * photo taken elsewhere says so instead.
 */
export default function RequestPhotos(props: Props) {
  return (
    <ul class="photo-list request-photos">
      <For each={props.ids}>{(id, i) => <Photo t={props.t} src={() => props.srcOf(id)} n={i() + 1} />}</For>
    </ul>
  );
}

function Photo(props: { t: ResidentStrings; src: () => string | Promise<string>; n: number }) {
  // Asked again after a failure: a photo just taken is stored a moment after its request is
  // listed, and one taken elsewhere arrives once the network is back.
  const [attempt, setAttempt] = createSignal(0);
  const [src] = createResource(attempt, async () => props.src());
  // Read only once loaded: a pending read would suspend the hydrated island's Suspense (the whole portal).
  const loaded = () => (src.state === 'ready' ? src() : undefined);
  const [failed, setFailed] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const retry = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    setFailed(false);
    setAttempt((a) => a + 1);
  };
  const onError = () => {
    setFailed(true);
    if (!timer) timer = setTimeout(retry, Math.min(30_000, 1_000 * 2 ** Math.min(attempt(), 5)));
  };
  window.addEventListener('online', retry);
  onCleanup(() => {
    window.removeEventListener('online', retry);
    if (timer) clearTimeout(timer);
  });
  const alt = () => fill(props.t.photos.alt, { n: props.n });
  return (
    <li>
      <Show when={!failed()} fallback={<span class="photo-missing">{alt()} · {props.t.photos.offline}</span>}>
        <Show when={loaded()}>
          {(url) => {
            const img = <img src={url()} alt={alt()} loading="lazy" onError={onError} />;
            // The server's copy opens in full; a browser does not open a data: URL as a page.
            return url().startsWith('data:') ? img : (
              <a href={url()} target="_blank" rel="noopener">
                {img}
              </a>
            );
          }}
        </Show>
      </Show>
    </li>
  );
}
