import { describe, expect, it } from 'vitest';
import { base64Bytes, bytesBase64, hasPhotoMetadata, jpegSegments, photoBytesProblem } from '../../../src/rules/photoBytes';
import { GPS_PLACE, exifGps, faultJpeg, withGpsExif } from '../../support/photos';

describe('photo bytes (issue 21, item 5)', () => {
  it("reads a canvas JPEG's segments: JFIF and ICC, no metadata that can hold a place", () => {
    const jpeg = faultJpeg();
    const markers = jpegSegments(jpeg)!.map((s) => s.marker);
    expect(markers[0]).toBe(0xe0); // APP0 JFIF
    expect(markers).toContain(0xda); // SOS
    expect(markers).not.toContain(0xe1);
    expect(hasPhotoMetadata(jpeg)).toBe(false);
    expect(photoBytesProblem(jpeg, 'image/jpeg')).toBeNull();
  });

  it('the GPS fixture carries the coordinates, and is refused for its metadata', () => {
    const tagged = withGpsExif(faultJpeg());
    const gps = exifGps(tagged)!;
    expect(gps.lat).toBeCloseTo(GPS_PLACE.lat, 3);
    expect(gps.lon).toBeCloseTo(GPS_PLACE.lon, 3);
    expect(exifGps(faultJpeg())).toBeNull();
    expect(hasPhotoMetadata(tagged)).toBe(true);
    expect(photoBytesProblem(tagged, 'image/jpeg')).toBe('photo-metadata');
  });

  it('bytes that are not what the type says are refused', () => {
    expect(photoBytesProblem(faultJpeg(), 'image/png')).toBe('photo-type');
    expect(photoBytesProblem(new TextEncoder().encode('<svg onload=alert(1)>'), 'image/jpeg')).toBe('photo-type');
    expect(photoBytesProblem(faultJpeg(), 'image/svg+xml')).toBe('photo-type');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    expect(photoBytesProblem(png, 'image/png')).toBeNull();
  });

  it('base64 both ways', () => {
    const jpeg = faultJpeg();
    expect(base64Bytes(bytesBase64(jpeg))).toEqual(jpeg);
    expect(base64Bytes('not base64!')).toBeNull();
  });
});
