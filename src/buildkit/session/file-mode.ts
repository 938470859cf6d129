/**
 * fsutil's Stat.mode carries Go's os.FileMode, not a unix st_mode: the permission bits are the same,
 * but the file type and the setuid/setgid/sticky bits live in the high bits.
 */
import { constants } from "node:fs";

// POSIX values; Node's fs.constants does not type them.
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;

/** Go's os.FileMode type and special bits. */
export const GoMode = {
  dir: 0x80000000,
  symlink: 0x08000000,
  device: 0x04000000,
  namedPipe: 0x02000000,
  socket: 0x01000000,
  setuid: 0x00800000,
  setgid: 0x00400000,
  charDevice: 0x00200000,
  sticky: 0x00100000,
  irregular: 0x00080000,
} as const;

/** All type bits: a mode with none of them is a regular file (the only kind that carries data). */
export const goTypeBits =
  GoMode.dir | GoMode.symlink | GoMode.namedPipe | GoMode.socket | GoMode.device | GoMode.charDevice | GoMode.irregular;

/** Converts a unix st_mode (as from lstat) into Go's FileMode bits. */
export function goModeFromUnix(mode: number): number {
  let go = mode & 0o777;
  switch (mode & constants.S_IFMT) {
    case constants.S_IFDIR:
      go |= GoMode.dir;
      break;
    case constants.S_IFLNK:
      go |= GoMode.symlink;
      break;
    case constants.S_IFIFO:
      go |= GoMode.namedPipe;
      break;
    case constants.S_IFSOCK:
      go |= GoMode.socket;
      break;
    case constants.S_IFBLK:
      go |= GoMode.device;
      break;
    case constants.S_IFCHR:
      go |= GoMode.device | GoMode.charDevice;
      break;
  }
  if (mode & S_ISUID) go |= GoMode.setuid;
  if (mode & S_ISGID) go |= GoMode.setgid;
  if (mode & S_ISVTX) go |= GoMode.sticky;
  return go >>> 0;
}

/** The chmod argument for a Go FileMode: permissions plus setuid, setgid and sticky. */
export function unixPermissionsFromGo(mode: number): number {
  let unix = mode & 0o777;
  if (mode & GoMode.setuid) unix |= S_ISUID;
  if (mode & GoMode.setgid) unix |= S_ISGID;
  if (mode & GoMode.sticky) unix |= S_ISVTX;
  return unix;
}

/** True when fsutil's protocol lets the receiver ask for this entry's contents. */
export function carriesData(goMode: number): boolean {
  return (goMode & goTypeBits) === 0;
}

export function isGoDir(goMode: number): boolean {
  return (goMode & GoMode.dir) !== 0;
}

export function isGoSymlink(goMode: number): boolean {
  return (goMode & GoMode.symlink) !== 0;
}
