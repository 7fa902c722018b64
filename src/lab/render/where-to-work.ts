/** The line `lab start` prints when the lab runs on another machine: how to get a shell there, in the student's language. */
const lines: Record<string, (how: string, name: string) => string> = {
  en: (how, name) => `Your lab runs on its own machine (${name}). Open a shell there with: ${how}   (exit comes back here; lab check works on both sides)`,
  ru: (how, name) => `Лабораторная работает на отдельной машине (${name}). Откройте на ней оболочку: ${how}   (exit возвращает сюда; lab check работает с обеих сторон)`,
  pl: (how, name) => `Laboratorium działa na osobnej maszynie (${name}). Otwórz na niej powłokę: ${how}   (exit wraca tutaj; lab check działa po obu stronach)`,
};

export function whereToWork(provider: string, envName: string, lang: string, host?: string): string | undefined {
  if (provider === 'local') return undefined;
  // A VM (qemu or libvirt) is reached through lab ssh, which holds its key; an SSH host with the student's own.
  const vm = provider === 'qemu' || provider === 'libvirt';
  const how = vm ? `lab ssh ${envName}` : `ssh ${host ?? envName}`;
  return (lines[lang] ?? lines.en)(how, vm ? `VM ${envName}` : (host ?? envName));
}
