import {Command} from '@oclif/core';

export default class GradesKey extends Command {
  static override summary = 'Show the grading key that signs collected and sandbox results (made on first use)';
  static override description = 'Results that `lab grades collect` and `lab homework check` write are signed with an Ed25519 key kept only on this machine ($XDG_CONFIG_HOME/lab/grading-key.pem, mode 0600), and `lab grades` trusts only signatures made with it. Keep the file private and back it up: whoever has it can sign grades; without it, results signed before cannot be verified. This prints the key\'s file and its public half.';
  static override enableJsonFlag = true;

  async run() {
    const {teacherKey} = await import('../../../lab/gradebook/signing.js');
    const key = teacherKey()!;
    const info = {path: key.path, publicKey: key.publicKeyText, algorithm: 'Ed25519', created: key.created};
    if (!this.jsonEnabled()) {
      if (key.created) this.log(`Made a new grading key: ${key.path} (mode 0600)`);
      this.log(`key file:   ${key.path}\npublic key: ${key.publicKeyText} (Ed25519)`);
    }
    return info;
  }
}
