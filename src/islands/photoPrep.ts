import { MAX_PHOTO_BYTES, PHOTO_MAX_SIDE, PHOTO_QUALITY, photoDataUrl, type PhotoType } from '../db/schema/photos';
import { bytesBase64 } from '../rules/photoBytes';

/** A photo ready to keep: re-encoded on the device, so it carries pixels and nothing else. */
export interface PreparedPhoto {
  readonly contentType: PhotoType;
  /** base64 of the JPEG. */
  readonly data: string;
  readonly width: number;
  readonly height: number;
}

/** The size that fits `PHOTO_MAX_SIDE` on the longer side (never larger than the original). */
export function fittedSize(width: number, height: number, maxSide: number = PHOTO_MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function encode(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the photo could not be encoded'))), 'image/jpeg', quality));
}

/**
 * A camera's or the library's picture, made ready to keep (issue 21, item 5): decoded (turned
 * upright by its Exif orientation), drawn on a canvas no larger than PHOTO_MAX_SIDE on its longer
 * side, on white (a transparent PNG would turn black), and written as a JPEG at PHOTO_QUALITY,
 * lowered (then the size) until it fits MAX_PHOTO_BYTES. A canvas writes the pixels only: the
 * Exif block (GPS position, camera, time), XMP and IPTC of the original are not carried over,
 * which the server checks again (src/rules/photoBytes.ts). Throws when the file is no picture
 * the browser can decode.
 */
export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    let { width, height } = fittedSize(bitmap.width, bitmap.height);
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d');
      if (!g) throw new Error('no canvas');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, width, height);
      g.drawImage(bitmap, 0, 0, width, height);
      for (const quality of [PHOTO_QUALITY, 0.7, 0.6]) {
        const blob = await encode(canvas, quality);
        if (blob.size <= MAX_PHOTO_BYTES) {
          return { contentType: 'image/jpeg', data: bytesBase64(new Uint8Array(await blob.arrayBuffer())), width, height };
        }
      }
      ({ width, height } = fittedSize(width, height, Math.round(Math.max(width, height) * 0.75)));
    }
    throw new Error('the photo stays too large');
  } finally {
    bitmap.close();
  }
}

export const previewOf = (photo: PreparedPhoto): string => photoDataUrl(photo);
