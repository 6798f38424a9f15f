import * as v from 'valibot';
import { MAX_PHOTOS, MAX_PHOTO_BYTES, PHOTO_ATTACHMENT, PHOTO_KINDS, PhotoDoc, parsePhotoId } from './schema/photos';
import { describeEventIssues } from '../i18n/issues';
import { userFromCouch } from './schema/roles';
import { base64Bytes, photoBytesProblem } from '../rules/photoBytes';
import { futureProblem } from '../rules/eventTime';
import type { WriteInput, WriteRule } from './validateWrite';

/**
 * The write check of a photo document (src/db/schema/photos.ts), run by the server's guard for
 * every document with `docType: "photo"` and by the device before it stores or sends one. Pure.
 *
 * A photo is the resident's own, in their own database, of one of their own repair, complaint
 * or temperature-test requests that the database holds, one of at most three (the id carries
 * its number: 1–3, and an id is never written twice), its one attachment a JPEG or PNG no
 * larger than MAX_PHOTO_BYTES whose bytes are what the type says and carry no location data.
 * Nothing else may carry an attachment: the guard refuses `_attachments` on every other document.
 */
export const PHOTO_WRITE_RULES = ['photo-database', 'photo-count', 'photo-kind', 'photo-type', 'photo-size', 'photo-metadata'] as const;
export type PhotoWriteRule = (typeof PHOTO_WRITE_RULES)[number];

export type PhotoVerdict =
  | { readonly ok: true; readonly photo: PhotoDoc }
  | { readonly ok: false; readonly status: 401 | 403; readonly rule: WriteRule | PhotoWriteRule; readonly reason: string };

function refuse(rule: WriteRule | PhotoWriteRule, reason: string, status: 401 | 403 = 403): PhotoVerdict {
  return { ok: false, status, rule, reason };
}

export function isPhotoDocument(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && (doc as { docType?: unknown }).docType === 'photo';
}

export function validatePhotoWrite(input: WriteInput): PhotoVerdict {
  const user = userFromCouch(input.user);
  const d = input.doc as Record<string, unknown>;
  if (!user.isAdmin && !user.name) return refuse('signed-in', 'you must be signed in to write', 401);
  if (d._deleted === true) return refuse('never-deleted', 'photos are never deleted');
  if (!user.isAdmin && (input.existing || d._rev !== undefined)) return refuse('never-changed', 'photos are never changed: a request holds the photos it was sent with');

  // The attachment's type and size first: their own rules, so a device can say what to fix.
  const attachments = d._attachments as Record<string, { content_type?: unknown; data?: unknown }> | undefined;
  const image = attachments && typeof attachments === 'object' ? attachments[PHOTO_ATTACHMENT] : undefined;
  if (image && typeof image === 'object') {
    if (image.content_type !== 'image/jpeg' && image.content_type !== 'image/png') {
      return refuse('photo-type', `a photo is a JPEG or PNG picture, not ${String(image.content_type)}`);
    }
    if (typeof image.data === 'string' && image.data.length > Math.ceil(MAX_PHOTO_BYTES / 3) * 4) {
      return refuse('photo-size', `a photo is at most ${MAX_PHOTO_BYTES / 1024} KB; this one is about ${Math.round((image.data.length * 3) / 4 / 1024)} KB`);
    }
  }
  const shaped = v.safeParse(PhotoDoc, d);
  if (!shaped.success) {
    const [first, ...rest] = describeEventIssues(shaped.issues, 'en');
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    return refuse('well-formed', `the photo is malformed: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'not a photo'}${more}`);
  }
  const photo = shaped.output;
  const named = parsePhotoId(photo._id)!;
  if (named.requestId !== photo.requestId) return refuse('well-formed', `the photo id ${photo._id} names another request than ${photo.requestId}`);
  if (named.n < 1 || named.n > MAX_PHOTOS) return refuse('photo-count', `a request carries at most ${MAX_PHOTOS} photos (numbered 1 to ${MAX_PHOTOS}); this is number ${named.n}`);
  const bytes = base64Bytes(photo._attachments[PHOTO_ATTACHMENT].data);
  if (!bytes) return refuse('photo-type', 'the picture is not base64');
  if (bytes.length > MAX_PHOTO_BYTES) return refuse('photo-size', `a photo is at most ${MAX_PHOTO_BYTES / 1024} KB; this one is ${Math.round(bytes.length / 1024)} KB`);
  const problem = photoBytesProblem(bytes, photo._attachments[PHOTO_ATTACHMENT].content_type);
  if (problem === 'photo-type') return refuse('photo-type', `the bytes are not a ${photo._attachments[PHOTO_ATTACHMENT].content_type} picture`);
  if (problem === 'photo-metadata') return refuse('photo-metadata', 'the picture carries Exif, XMP or text metadata, which can hold where it was taken: send it re-encoded, without metadata');
  if (user.isAdmin) return { ok: true, photo };

  const { database } = input;
  if (database.kind !== 'resident' || database.owner !== user.name || !user.roles.includes('resident')) {
    return refuse('photo-database', 'a resident adds photos only to their own requests, in their own database');
  }
  if (photo.author.name !== user.name || photo.resident !== user.name) {
    return refuse('author-is-user', `author and resident must be the signed-in user "${user.name}"`);
  }
  const context = input.context;
  if (context?.now !== undefined) {
    const future = futureProblem(photo.at, context.now);
    if (future) return refuse(future.rule, future.reason);
  }
  if (context?.request !== undefined) {
    const request = context.request;
    if (request === null) return refuse('request-unknown', `request ${photo.requestId} does not exist in this database: a photo belongs to a request its database holds`);
    if (request.resident !== user.name) return refuse('request-owner', `request ${photo.requestId} is not yours`);
    if (!(PHOTO_KINDS as readonly string[]).includes(request.requestKind)) {
      return refuse('photo-kind', `photos are taken for ${PHOTO_KINDS.join(', ')} requests, not ${request.requestKind}`);
    }
  }
  return { ok: true, photo };
}
