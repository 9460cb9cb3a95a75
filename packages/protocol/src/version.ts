/** Wire protocol version; bumped on any incompatible change of a message schema. */
export const PROTOCOL_VERSION = 2;
