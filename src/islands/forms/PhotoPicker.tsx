import { For, Show, createSignal } from 'solid-js';
import { fill, type ResidentStrings } from '../../i18n';
import { MAX_PHOTOS } from '../../db/schema/photos';
import { preparePhoto, previewOf, type PreparedPhoto } from '../photoPrep';

interface Props {
  t: ResidentStrings;
  idBase: string;
  photos: () => readonly PreparedPhoto[];
  setPhotos: (list: PreparedPhoto[]) => void;
  /** A refusal of the photos (the write check's), shown at the field. */
  error?: string | undefined;
}

/**
 * Photos of the fault (issue 21, item 5): up to three, taken with the phone's camera
 * (`capture`) or chosen from its library, each made smaller and stripped of where it was taken
 * on the device before it is kept (photoPrep.ts). Shown as thumbnails with a remove button each.
 */
export default function PhotoPicker(props: Props) {
  const p = props.t.photos;
  const [problem, setProblem] = createSignal<string | null>(null);
  const [working, setWorking] = createSignal(false);
  const full = () => props.photos().length >= MAX_PHOTOS;
  const add = async (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])];
    input.value = '';
    setProblem(null);
    setWorking(true);
    try {
      let list = [...props.photos()];
      for (const file of files) {
        if (list.length >= MAX_PHOTOS) {
          setProblem(fill(p.notAdded, { name: file.name }));
          break;
        }
        if (!file.type.startsWith('image/')) {
          setProblem(fill(p.notImage, { name: file.name }));
          continue;
        }
        try {
          list = [...list, await preparePhoto(file)];
          props.setPhotos(list);
        } catch {
          setProblem(fill(p.failed, { name: file.name }));
        }
      }
    } finally {
      setWorking(false);
    }
  };
  const message = () => props.error ?? problem();
  return (
    <fieldset class="field photo-picker" id={`${props.idBase}-photos`} aria-describedby={`${props.idBase}-photos-hint${message() ? ` ${props.idBase}-photos-error` : ''}`}>
      <legend>{p.legend}</legend>
      <p class="hint" id={`${props.idBase}-photos-hint`}>{p.hint}</p>
      <Show when={props.photos().length > 0}>
        <ul class="photo-list">
          <For each={props.photos()}>
            {(photo, i) => (
              <li>
                <img src={previewOf(photo)} alt={fill(p.alt, { n: i() + 1 })} width={photo.width} height={photo.height} />
                <button type="button" class="button secondary small" onClick={() => props.setPhotos(props.photos().filter((x) => x !== photo))}>
                  {fill(p.remove, { n: i() + 1 })}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <p class="counter" aria-live="polite">
        {working() ? p.working : full() ? p.full : fill(p.count, { n: props.photos().length })}
      </p>
      <Show when={!full()}>
        <div class="photo-buttons">
          <label class="button secondary small">
            <input class="visually-hidden" type="file" accept="image/*" capture="environment" disabled={working()} onChange={(e) => void add(e.currentTarget)} data-photo="take" />
            {p.take}
          </label>
          <label class="button secondary small">
            <input class="visually-hidden" type="file" accept="image/*" multiple disabled={working()} onChange={(e) => void add(e.currentTarget)} data-photo="choose" />
            {p.choose}
          </label>
        </div>
      </Show>
      <Show when={message()}>
        <p class="field-error" id={`${props.idBase}-photos-error`}>{message()}</p>
      </Show>
    </fieldset>
  );
}
