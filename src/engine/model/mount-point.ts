/** One mount as the container record keeps it (config.v2.json MountPoints, keyed by destination, as Docker does). */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  /** Volume name; '' for binds and tmpfs. */
  Name: string;
  /** Host path: the bind source, or the volume's _data dir; '' for tmpfs. */
  Source: string;
  Destination: string;
  Driver: string;
  RW: boolean;
  /** The mode string as given with -v ("ro", "z", ...), shown by inspect. */
  Mode: string;
  Propagation: string;
  /** Copy the image's files at Destination into the volume when it is empty (Docker's default; `nocopy` turns it off). */
  CopyData?: boolean;
  /** -v creates a missing host directory; --mount refuses one at create. */
  CreateSource?: boolean;
  NonRecursive?: boolean;
  /** tmpfs (from --mount type=tmpfs) mount options: size=, mode=. */
  TmpfsOptions?: string[];
}
