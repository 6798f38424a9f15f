/**
 * What a photo's bytes say about themselves (issue 21, item 5), pure: the device re-encodes every
 * photo through a canvas, which writes the pixels and nothing else, so a stored photo carries no
 * location or camera data. The server's write check holds the same line on the bytes it is sent
 * (a device that skipped the canvas, or a hand-made request): the picture must be what its
 * content type says, and carry no metadata segment that can hold a place.
 *
 * JPEG: APP1 holds Exif (with its GPS IFD) and XMP (which can name a place too), APP13 holds
 * Photoshop's IPTC block (city, location); a canvas writes only APP0 (JFIF). PNG: `eXIf` holds
 * Exif, `iTXt`/`tEXt`/`zTXt` can hold XMP or any text; a canvas writes neither.
 */

export type PhotoBytesProblem = 'photo-type' | 'photo-metadata';

const JPEG_METADATA_MARKERS = new Set([0xe1, 0xed]); // APP1 (Exif, XMP), APP13 (IPTC)
const PNG_METADATA_CHUNKS = new Set(['eXIf', 'iTXt', 'tEXt', 'zTXt']);
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decodes base64 (the attachment's `data`) into bytes; null when it is not base64. */
export function base64Bytes(data: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) return null;
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encodes bytes as base64 (in slices: a call with 700,000 arguments would overflow the stack). */
export function bytesBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** How many bytes a base64 string decodes to. */
export function base64Size(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return (data.length / 4) * 3 - padding;
}

/**
 * The markers of a JPEG's segments before its image data (SOS), in order; null when the bytes
 * are not a JPEG (no SOI, a broken segment chain).
 */
export function jpegSegments(bytes: Uint8Array): { marker: number; offset: number; length: number }[] | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const segments: { marker: number; offset: number; length: number }[] = [];
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) break; // EOI
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2 || i + 2 + length > bytes.length) return null;
    segments.push({ marker, offset: i, length });
    if (marker === 0xda) return segments; // SOS: the entropy-coded data follows
    i += 2 + length;
  }
  return segments.some((s) => s.marker === 0xda) ? segments : null;
}

/** The chunk types of a PNG in order; null when the bytes are not a PNG. */
export function pngChunks(bytes: Uint8Array): string[] | null {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const chunks: string[] = [];
  let i = 8;
  while (i + 8 <= bytes.length) {
    const length = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
    const type = String.fromCharCode(bytes[i + 4]!, bytes[i + 5]!, bytes[i + 6]!, bytes[i + 7]!);
    chunks.push(type);
    if (type === 'IEND') return chunks;
    i += 12 + length;
  }
  return null;
}

/** Whether the bytes carry metadata that can hold a place (Exif with GPS, XMP, IPTC; PNG text and eXIf). */
export function hasPhotoMetadata(bytes: Uint8Array): boolean {
  const segments = jpegSegments(bytes);
  if (segments) return segments.some((s) => JPEG_METADATA_MARKERS.has(s.marker));
  const chunks = pngChunks(bytes);
  return chunks ? chunks.some((c) => PNG_METADATA_CHUNKS.has(c)) : false;
}

/** Why these bytes may not be stored as a photo of `contentType`, or null. */
export function photoBytesProblem(bytes: Uint8Array, contentType: string): PhotoBytesProblem | null {
  const isJpeg = jpegSegments(bytes) !== null;
  const isPng = pngChunks(bytes) !== null;
  if (contentType === 'image/jpeg' ? !isJpeg : contentType === 'image/png' ? !isPng : true) return 'photo-type';
  return hasPhotoMetadata(bytes) ? 'photo-metadata' : null;
}
