/**
 * Photos for the tests of issue 21, item 5: a real JPEG (64×48, written by Chromium's canvas,
 * as the device writes every photo) and the same picture with a camera's Exif block holding
 * GPS coordinates, as a phone's camera app saves it. `exifGps` reads the coordinates back, so
 * a test can show the fixture has them and a stored photo has none.
 */
import { jpegSegments } from '../../src/rules/photoBytes';

/** 64×48, a gradient with a white square; JFIF, ICC profile, no Exif. */
export const FAULT_JPEG_BASE64 = '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAwAEADASIAAhEBAxEB/8QAGQAAAgMBAAAAAAAAAAAAAAAAAQMFBgcA/8QALRAAAQIDAg8BAQEAAAAAAAAAAAECBhESFDIDBAUHCBMVIzFRVYSkw9IWNkb/xAAZAQADAQEBAAAAAAAAAAAAAAADBAUGAgf/xAAfEQADAQEAAgIDAAAAAAAAAAAAAQIDEQQhEjFxgbH/2gAMAwEAAhEDEQA/AKi5RblC5RblIkyehaWByi3KTsNQplqKLTsLErVZqdbvWMpqnK85J3V4ciaXNPG3RfKwH2Mxm374TNvJzl8ql38lEcotyl8XNLG3RPLwH2V6KoSy5Ctm29iVltNWq3rMJVTKq65ZXk48w8w0JX5EU+JogHKLcoXKLcoeZE9LJlyi3KFyi3KTZk0Olm5aMn+l7b2m5GF6MS/0vbe03QpZeoRk/Pfd6/X8OMG0pVl+Z7r1G8mC6U6y/Md16Tt/QHB8tMwRyi3KFyi3KdTIfSyZcotyhcotyk6ZNBpZOQzF2W4WtOwcdstpp1u6Y+qmcrzVleXhzJpc7sb9b8TAfBRXKLcozPSdqob60i9rnejjrfiYD4K9FcYZciuy7fx612arVbnB4OmqVV1qTupx5EC5RblDyhG/ivpAcotyhcotyh5kT0s//9k=';

export const faultJpeg = (): Uint8Array => new Uint8Array(Buffer.from(FAULT_JPEG_BASE64, 'base64'));

/** Where the Exif of withGpsExif says the photo was taken (a flat in Harbin). */
export const GPS_PLACE = { lat: 45.75, lon: 126.625 };

const u16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

/** Degrees as Exif's three rationals (degrees, minutes, seconds×100/100). */
function dms(value: number): number[] {
  const d = Math.floor(value);
  const m = Math.floor((value - d) * 60);
  const s = Math.round(((value - d) * 60 - m) * 60 * 100);
  return [...u32(d), ...u32(1), ...u32(m), ...u32(1), ...u32(s), ...u32(100)];
}

/**
 * The JPEG with an APP1 Exif segment right after SOI: IFD0 with the GPSInfo pointer (0x8825),
 * the GPS IFD with GPSLatitudeRef/GPSLatitude/GPSLongitudeRef/GPSLongitude (little-endian TIFF).
 */
export function withGpsExif(jpeg: Uint8Array, place = GPS_PLACE): Uint8Array {
  // TIFF header (8) | IFD0: count(2) + 1 entry(12) + next(4) = 18 | GPS IFD: 2 + 4×12 + 4 = 54 | lat (24) | lon (24)
  const ifd0 = 8;
  const gpsIfd = ifd0 + 18;
  const latAt = gpsIfd + 54;
  const lonAt = latAt + 24;
  const entry = (tag: number, type: number, count: number, value: number[]) => [...u16(tag), ...u16(type), ...u32(count), ...value];
  const tiff = [
    0x49, 0x49, 0x2a, 0x00, ...u32(ifd0),
    ...u16(1), ...entry(0x8825, 4, 1, u32(gpsIfd)), ...u32(0),
    ...u16(4),
    ...entry(0x0001, 2, 2, [0x4e, 0, 0, 0]), // GPSLatitudeRef "N"
    ...entry(0x0002, 5, 3, u32(latAt)),
    ...entry(0x0003, 2, 2, [0x45, 0, 0, 0]), // GPSLongitudeRef "E"
    ...entry(0x0004, 5, 3, u32(lonAt)),
    ...u32(0),
    ...dms(place.lat),
    ...dms(place.lon),
  ];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]; // "Exif\0\0"
  const app1 = [0xff, 0xe1, ((body.length + 2) >> 8) & 0xff, (body.length + 2) & 0xff, ...body];
  const out = new Uint8Array(jpeg.length + app1.length);
  out.set(jpeg.subarray(0, 2), 0);
  out.set(app1, 2);
  out.set(jpeg.subarray(2), 2 + app1.length);
  return out;
}

/** The GPS position in a JPEG's Exif (little- or big-endian TIFF), or null when it has none. */
export function exifGps(jpeg: Uint8Array): { lat: number; lon: number } | null {
  const app1 = (jpegSegments(jpeg) ?? []).find((s) => s.marker === 0xe1);
  if (!app1) return null;
  const start = app1.offset + 4;
  if (String.fromCharCode(...jpeg.subarray(start, start + 4)) !== 'Exif') return null;
  const t = start + 6;
  const little = jpeg[t] === 0x49;
  const view = new DataView(jpeg.buffer, jpeg.byteOffset + t, app1.length - 8);
  const r16 = (o: number) => view.getUint16(o, little);
  const r32 = (o: number) => view.getUint32(o, little);
  const tags = (ifd: number) => {
    const map = new Map<number, number>();
    for (let i = 0; i < r16(ifd); i += 1) map.set(r16(ifd + 2 + i * 12), ifd + 2 + i * 12);
    return map;
  };
  const gpsEntry = tags(r32(4)).get(0x8825);
  if (gpsEntry === undefined) return null;
  const gps = tags(r32(gpsEntry + 8));
  const angle = (tag: number) => {
    const e = gps.get(tag);
    if (e === undefined) return NaN;
    const o = r32(e + 8);
    const rational = (i: number) => r32(o + i * 8) / r32(o + i * 8 + 4);
    return rational(0) + rational(1) / 60 + rational(2) / 3600;
  };
  const lat = angle(0x0002);
  const lon = angle(0x0004);
  return Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : null;
}
