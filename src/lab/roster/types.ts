/** The class list: who is in the course, how the LMS knows them, and where their lab environment runs. */
export interface RosterStudent {
  /** The identity, kept exactly as the export gives it (any Unicode): results files carry it in extra_data.student. */
  id: string;
  name: string;
  email?: string;
  /** The LMS login (Moodle username, Canvas SIS login id). */
  username?: string;
  /** Moodle's "ID number", Canvas's SIS user id. */
  idNumber?: string;
  /** Canvas's internal user id, which its gradebook import matches on. */
  lmsId?: string;
  section?: string;
  /** For collection over SSH: [user@]host[:port] of the student's lab machine. */
  host?: string;
  /** For collection with the local provider: the student's lab directory. */
  dir?: string;
  /** For collection with the qemu provider: the name of the student's VM on this machine. */
  vm?: string;
  /** The student's SSH public key ("ssh-ed25519 AAAA..."): `lab class start` lets it log in to their VM. */
  sshKey?: string;
}

export interface Roster {
  /** Which export it came from. */
  format: 'moodle' | 'canvas' | 'plain';
  importedFrom: string;
  students: RosterStudent[];
}

export class RosterError extends Error {
  override name = 'RosterError';
}
