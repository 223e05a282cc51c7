// Identifier codes shared by tree nodes, products and units.

/**
 * The shape of every identifier code: 1 to 64 characters, letters, digits, `_`, `.` and `-`,
 * starting with a letter or digit. Codes are case-sensitive.
 * @example CODE_PATTERN.test('KP-01') // true
 */
export const CODE_PATTERN: RegExp = Object.freeze(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/);

/**
 * True when `v` is a string in the shape of CODE_PATTERN.
 * @example isValidCode('cement.portland') // true; isValidCode(' x') // false
 */
export function isValidCode(v: unknown): v is string {
  return typeof v === 'string' && CODE_PATTERN.test(v);
}
