/** A new container's state, and the zero time Docker shows for a time not yet reached. */
import type {ContainerState} from '../model/container.js';

export const zeroTime = '0001-01-01T00:00:00Z';

export function initialState(): ContainerState {
  return {
    Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
    Pid: 0, ExitCode: 0, Error: '', StartedAt: zeroTime, FinishedAt: zeroTime,
  };
}
