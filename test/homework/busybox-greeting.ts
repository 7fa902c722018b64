/** A course's own homework definition allowing the busybox base image: a Dockerfile whose container greets. */
export function busyboxGreeting(lab: string, week: number) {
  return {
    lab,
    title: {en: `Week ${week}: a greeting from busybox`},
    task: {en: 'Write a Dockerfile FROM busybox whose container prints "hi from busybox".'},
    images: ['busybox'],
    limits: {buildTimeoutSeconds: 60, runTimeoutSeconds: 10, memoryMb: 32, pids: 16, imageSizeMaxKb: 8192, submissionMaxKb: 64},
    run: {expectStdout: 'hi from busybox'},
    checks: [
      {id: 'builds', kind: 'builds', weight: 1, title: {en: 'The Dockerfile builds'}},
      {id: 'runs', kind: 'runs', weight: 2, title: {en: 'It prints the greeting'}},
    ],
  };
}
