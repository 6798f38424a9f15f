/**
 * Bounds of the event fields, in one place: forms show them, the schemas enforce them.
 * A record is written once and copied to several databases and devices, so every string
 * and list is bounded.
 */

/** Free text written by a person: a question, a finding, a reply. */
export const MAX_TEXT = 500;
/** A person's or a room's name, a department. */
export const MAX_NAME = 60;
/** A postal address or a place. */
export const MAX_ADDRESS = 200;
/** A short label (a contact time such as "weekday evenings"). */
export const MAX_LABEL = 40;
/** User names (CouchDB `name`), also the routing key to a resident's database. */
export const MAX_USER_NAME = 60;
/** Station ids. */
export const MAX_STATION_ID = 40;
/** Device ids. */
export const MAX_DEVICE_ID = 64;

/** Rooms in one temperature test (a home has fewer; a larger count is a mistake). */
export const MAX_ROOMS = 20;
/** Readings per room: the method needs at most 5 points (002 ch.2); a few spare for re-measuring. */
export const MAX_READINGS = 10;
/** A plausible indoor reading, °C; anything outside is a typing error. */
export const READING_MIN_CELSIUS = -30;
export const READING_MAX_CELSIUS = 60;
/** Preferred visit slots a resident may give for a temperature test. */
export const MAX_PREFERRED_SLOTS = 3;
/** Contact times a resident may give for a repair. */
export const MAX_CONTACT_TIMES = 3;

/** A signature drawn on the screen, as a PNG; its decoded size at most this many KB. */
export const MAX_SIGNATURE_KB = 200;
export const SIGNATURE_PREFIX = 'data:image/png;base64,';
/** The longest data URL whose decoded PNG fits MAX_SIGNATURE_KB (base64: 4 characters per 3 bytes). */
export const MAX_SIGNATURE_LENGTH = SIGNATURE_PREFIX.length + Math.ceil((MAX_SIGNATURE_KB * 1024) / 3) * 4;
