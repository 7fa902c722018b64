// Names of the OCI whiteout convention and the overlayfs attribute that replaces opaque markers.
export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** Prefix of aufs bookkeeping entries (.wh..wh.plnk etc.), which carry nothing for overlay. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';
