import { createEffect, createSignal, on, type Accessor } from 'solid-js';
import { createStore, reconcile, unwrap, type SetStoreFunction } from 'solid-js/store';
import { fill, type ResidentStrings, type Lang } from '../../i18n';
import { composeCorrection, composeSubmission } from '../../db/device/compose';
import { clearDraft, loadDraft, saveDraft } from '../../db/device/drafts';
import type { BrowserDevice } from '../../db/device/browserDevice';
import type { DeviceSession } from '../../db/device/session';
import type { RefusedEvent } from '../../db/device/requestList';
import type { DescribedIssue } from '../../i18n/issues';
import type { RequestKind } from '../../db/schema/requestKind';
import { loadDeviceLayer } from '../reactive';
import { refusalReason, shortRequestNumber } from '../format';
import { createWrite, refusalIssues, type FieldIssue } from '../writeForm';
import { photoId, type DevicePhoto } from '../../db/schema/photos';
import type { PreparedPhoto } from '../photoPrep';

/** What every request form is given by the portal. */
export interface RequestFormProps {
  lang: Lang;
  t: ResidentStrings;
  session: DeviceSession;
  /** The open device, once it is: a form is usable before (its submit waits for it then). */
  device: () => BrowserDevice | null | undefined;
  /** A refused event to correct: the form opens filled from it and sends a correction. */
  correcting?: RefusedEvent;
  onDone?: () => void;
}

export interface RequestForm<F extends object> {
  readonly fields: F;
  readonly setFields: SetStoreFunction<F>;
  /** The message of the first issue at `path` (`payload.address`), in the user's language. */
  issueOf(path: string): string | undefined;
  /** Whether any issue lies at or under `path` (a list of rooms, a slot). */
  hasIssueUnder(path: string): boolean;
  readonly issues: Accessor<readonly FieldIssue[]>;
  /** Shows problems found before the event is made (a choice that is not a payload field), in field order. */
  showIssues(list: DescribedIssue[]): void;
  readonly busy: Accessor<boolean>;
  readonly saved: Accessor<string | null>;
  /** Prefix of the element ids of this form (a correction has its own, beside the new-request form). */
  readonly idBase: string;
  /** Photos of the fault chosen so far (kinds that take photos: repair, complaint, temperature test). */
  readonly photos: Accessor<readonly PreparedPhoto[]>;
  setPhotos(list: PreparedPhoto[]): void;
  submit(e: SubmitEvent): Promise<void | undefined>;
}

/**
 * The life of a request form, the same for every kind:
 * - the fields live in one store, saved as a draft on the device at every change and restored
 *   when the form opens again (a correction starts from the refused event instead);
 * - submit composes the event and records it on the device, where the server's own write check
 *   runs (schema, booking window): every issue comes back with its field path in the user's
 *   language, and the summary above the form takes the focus so a screen reader reads it;
 * - a recorded request is on the device at once and sent by the replication when there is a
 *   network: the form says so with the request's number and starts again empty.
 * Nothing here knows a kind's fields: `toPayload` and `fromPayload` map them.
 */
export function createRequestForm<F extends object>(
  props: RequestFormProps,
  spec: {
    kind: () => RequestKind;
    /** Names the draft; one per form (the kind chooser's forms each have their own). */
    formId: string;
    empty: () => F;
    toPayload: (fields: F) => Record<string, unknown>;
    fromPayload?: (payload: Record<string, unknown>) => Partial<F>;
  },
): RequestForm<F> {
  const user = props.session.name;
  const refused = props.correcting;
  const start = refused
    ? { ...spec.empty(), ...(spec.fromPayload?.(refused.event.payload as Record<string, unknown>) ?? {}) }
    : { ...spec.empty(), ...(loadDraft<F>(user, spec.formId) ?? {}) };
  const [fields, setFields] = createStore<F>(start as F);
  const [photos, setPhotoList] = createSignal<readonly PreparedPhoto[]>([]);
  const idBase = refused ? `${spec.formId}-fix-${refused.event.id}` : spec.formId;
  // The photos are kept with the draft too, in IndexedDB (binaries: src/db/device/draftPhotos.ts,
  // loaded on first need so the form's first script stays small); a correction takes none.
  const draftPhotos = () => import('../../db/device/draftPhotos').then((m) => m.draftPhotoStore());
  const setPhotos = (list: readonly PreparedPhoto[]) => {
    setPhotoList(list);
    if (!refused) void draftPhotos().then((store) => store.save(user, spec.formId, list));
  };
  if (!refused) {
    void draftPhotos()
      .then((store) => store.load(user, spec.formId))
      .then((kept) => {
        // Photos picked while they were read are newer than the kept ones.
        if (kept.length && !photos().length) setPhotoList(kept);
      })
      .catch(() => undefined);
  }
  // Issues in field order with the focus on the summary, busy, the saved notice (writeForm.ts).
  const write = createWrite({ t: props.t, summaryId: () => `${idBase}-errors` });

  // Every change is kept on the device (not for a correction: the refused event is its draft).
  if (!refused) {
    createEffect(
      on(
        () => JSON.stringify(fields),
        (json) => saveDraft(user, spec.formId, JSON.parse(json) as object),
        { defer: true },
      ),
    );
  }

  const showIssues = (list: DescribedIssue[]) => void write.refuse(list);

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    return write.whileBusy(async () => {
      const payload = spec.toPayload(unwrap(fields));
      // Typed before the device database finished opening: the submit waits for it, not the form.
      const device = props.device() ?? (await (await loadDeviceLayer()).device());
      if (!device) {
        showIssues([{ path: '', id: 'value.invalid', message: props.t.session['session.server'] }]);
        return;
      }
      // A correction goes to the station of the profile as the server has it now.
      if (refused) await device.refreshProfile();
      const writer = { session: device.session, deviceId: device.deviceId };
      // The submission lists its photos (each a document of its own, sent after it: src/db/schema/photos.ts).
      const chosen = refused ? [] : photos();
      const withPhotos = (event: Record<string, unknown>) =>
        chosen.length ? { ...event, payload: { ...(event.payload as object), photos: chosen.map((_, i) => photoId(String(event.requestId), i + 1)) } } : event;
      const result = refused
        ? await device.correct(refused.event.id, composeCorrection(writer, refused.event, payload), props.lang)
        : await device.record(withPhotos(composeSubmission(writer, spec.kind(), payload)), props.lang);
      let photoProblem: DescribedIssue | null = null;
      if (result.ok && chosen.length) {
        const at = result.event.at;
        const kept = await device.recordPhotos(
          chosen.map(
            (p, i): DevicePhoto => ({ ...p, id: photoId(result.event.requestId, i + 1), requestId: result.event.requestId, resident: result.event.resident, authorName: result.event.author.name, at }),
          ),
        );
        // The request is recorded either way; photos the check refuses are said at their field.
        if (!kept.ok) photoProblem = { path: 'payload.photos', id: 'value.invalid', message: refusalReason(props.t, kept.rule, kept.reason) };
        setPhotos([]);
      }
      if (!result.ok) {
        // A refusal that is not about a field (no station on the profile, the resident's limit of
        // requests reached) is shown whole, in the user's language; the draft stays as typed.
        showIssues(refusalIssues(props.t, result));
        return;
      }
      // "Sent when online" only when it is not: online, the list below says when it has gone.
      const online = typeof navigator === 'undefined' || navigator.onLine;
      write.succeed(fill(online ? props.t.forms.submittedOnline : props.t.forms.submitted, { id: shortRequestNumber(result.event.requestId) }), photoProblem ? [photoProblem] : []);
      if (!refused) {
        clearDraft(user, spec.formId);
        setPhotos([]);
        setFields(reconcile(spec.empty()));
      }
      props.onDone?.();
    });
  };

  const { issueOf, hasIssueUnder, issues, busy, saved } = write;
  return { fields, setFields, issueOf, hasIssueUnder, issues, busy, saved, idBase, submit, showIssues, photos, setPhotos: (list) => setPhotos(list) };
}

/** Text as the payload takes it: trimmed, and absent when blank (so "required" is the message). */
export function optionalText(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}

/** A number typed into a text field: absent when blank, NaN-free (the schema names the problem). */
export function typedNumber(value: string): number | string | undefined {
  const trimmed = value.trim().replace(',', '.');
  if (!trimmed) return undefined;
  const n = Number(trimmed);
  // Not a number: sent as typed, so the schema says "must be a number" at the field.
  return Number.isFinite(n) ? n : trimmed;
}

/** The object without its undefined values: an optional field left blank is absent from the payload. */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
