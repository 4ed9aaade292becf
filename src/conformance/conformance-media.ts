/** A 1×1 red PNG, base64: the smallest image the conformance fixtures can show. */
export const RED_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3A0FDAAAAAElFTkSuQmCC';

/** One millisecond of silence as an 8 kHz mono 8-bit PCM WAV, base64. */
export const SILENT_WAV =
  'UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==';
