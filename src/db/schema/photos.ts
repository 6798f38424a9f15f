import * as v from 'valibot';
import { IsoInstant, RequestId, UserName, literal, msg, obj } from './events/fields';
import { REQUEST_ID_PATTERN } from './events/ids';
import type { RequestKind } from './requestKind';

/**
 * Photos of a fault (issue 21, item 5): one document per photo in the resident's own database,
 * holding the picture as its one CouchDB attachment. The one source of truth of their shape and
 * limits: the device's camera step, the write check (src/db/validatePhotoWrite.ts, on the device
 * and in the server's guard), the design document (src/db/designDocs.ts) and the portal and
 * staff card all read these.
 *
 * Why a document of its own and not an attachment on the submission: RxDB 17's CouchDB
 * replication does not carry attachments (rxdb.info/replication-couchdb: "Does not support the
 * replication of attachments"), events are copied to every station device, and an event never
 * changes. A photo document is sent by the device's own push (src/db/device/replication.ts)
 * after its request, never pulled into RxDB, never routed: staff read it through the server
 * (GET /db/_account/photos/<id>), which checks their database holds the request.
 */

/** Photos one request may carry. */
export const MAX_PHOTOS = 3;
/** The request kinds a resident may illustrate: what can be seen (a leaking valve, a thermometer, a meter). */
export const PHOTO_KINDS = ['repair', 'complaint', 'temperature-test'] as const satisfies readonly RequestKind[];
/** The only types stored: what the device's canvas writes (JPEG) and the one lossless choice. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];
/** The attachment's name in its document. */
export const PHOTO_ATTACHMENT = 'image';
/** The longest side the device keeps (a 12-megapixel picture is 4000 px: far more than a fault needs). */
export const PHOTO_MAX_SIDE = 1600;
/** The JPEG quality the device starts from (lowered step by step until the photo fits). */
export const PHOTO_QUALITY = 0.8;
/** The largest photo stored, decoded bytes: a 1600 px JPEG at 0.8 is 150–700 kB. */
export const MAX_PHOTO_BYTES = 1024 * 1024;
/** Base64 carries 3 bytes in 4 characters. */
export const MAX_PHOTO_BASE64 = Math.ceil(MAX_PHOTO_BYTES / 3) * 4;

const PHOTO_ID = new RegExp(`^(${REQUEST_ID_PATTERN.source.slice(1, -1)})-photo-([0-9]{1,3})$`);

/** The id of the n-th photo (1…MAX_PHOTOS) of a request: ids are unique, so a request can never hold more. */
export function photoId(requestId: string, n: number): string {
  return `${requestId}-photo-${n}`;
}

/** The request and number a photo id names, or null for anything else. */
export function parsePhotoId(id: string): { requestId: string; n: number } | null {
  const m = PHOTO_ID.exec(id);
  return m ? { requestId: m[1]!, n: Number(m[2]) } : null;
}

export function isPhotoId(id: unknown): id is string {
  return typeof id === 'string' && parsePhotoId(id) !== null;
}

export const PhotoId = v.pipe(v.string(msg('value.string')), v.regex(PHOTO_ID, msg('id.photo')));
/** The photos a submission lists (for the staff card and the resident's request page). */
export const PhotoList = v.pipe(v.array(PhotoId, msg('value.array')), v.maxLength(MAX_PHOTOS, msg('photos.tooMany')));

const Side = v.pipe(v.number(msg('value.number')), v.integer(msg('value.invalid')), v.minValue(1, msg('value.invalid')), v.maxValue(PHOTO_MAX_SIDE, msg('value.invalid')));

/** What a photo document says besides its picture. */
const photoEntries = {
  docType: literal('photo'),
  requestId: RequestId,
  resident: UserName,
  author: obj({ name: UserName, role: literal('resident') }),
  at: IsoInstant,
  width: Side,
  height: Side,
};

/** The attachment as the device sends it: inline, base64. */
export const PhotoAttachment = obj({
  content_type: v.picklist(PHOTO_TYPES, msg('photos.type')),
  data: v.pipe(v.string(msg('value.string')), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, msg('photos.type')), v.maxLength(MAX_PHOTO_BASE64, msg('photos.tooLarge'))),
});

/** A photo document as written to CouchDB (through the guard). */
export const PhotoDoc = obj({
  _id: PhotoId,
  _rev: v.optional(v.string()),
  ...photoEntries,
  _attachments: obj({ [PHOTO_ATTACHMENT]: PhotoAttachment }),
});
export type PhotoDoc = v.InferOutput<typeof PhotoDoc>;

/** A photo on the device (IndexedDB), before and after it is sent: the same document, RxDB-style `id`. */
export interface DevicePhoto {
  readonly id: string;
  readonly requestId: string;
  readonly resident: string;
  readonly authorName: string;
  readonly at: string;
  readonly width: number;
  readonly height: number;
  readonly contentType: PhotoType;
  /** The picture, base64 (what the attachment carries). */
  readonly data: string;
}

/** The CouchDB document of a device photo. */
export function photoDocOf(photo: DevicePhoto): PhotoDoc {
  return {
    _id: photo.id,
    docType: 'photo',
    requestId: photo.requestId,
    resident: photo.resident,
    author: { name: photo.authorName, role: 'resident' },
    at: photo.at,
    width: photo.width,
    height: photo.height,
    _attachments: { [PHOTO_ATTACHMENT]: { content_type: photo.contentType, data: photo.data } },
  };
}

/** A `data:` URL of a photo (the page's CSP allows `data:` images). */
export function photoDataUrl(photo: Pick<DevicePhoto, 'contentType' | 'data'>): string {
  return `data:${photo.contentType};base64,${photo.data}`;
}
