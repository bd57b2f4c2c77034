/**
 * The command that gives a folder an owner-only ACL on Windows, where chmod does nothing: inheritance removed
 * (`/inheritance:r`, so the parent's "Users: read" does not flow in) and full control granted to the one account,
 * replacing any grant it had (`/grant:r`), inherited by files and subfolders (`(OI)(CI)`). Pure: the temp-area
 * adapter runs it, on win32 only, as an argument array (no shell, so no quoting of the folder name is needed).
 */
export interface AclCommand {
  file: string;
  args: string[];
}

export function ownerOnlyAclCommand(folder: string, account: string): AclCommand {
  if (account.trim() === '' || /[\r\n\0:]/.test(account)) throw new RangeError(`not an account name: ${JSON.stringify(account)}`);
  return { file: 'icacls.exe', args: [folder, '/inheritance:r', '/grant:r', `${account}:(OI)(CI)F`] };
}

/** The account to name: DOMAIN\user when Windows says which domain, else the user name alone. */
export function windowsAccount(user: string, domain: string | undefined): string {
  return domain === undefined || domain === '' || user.includes('\\') ? user : `${domain}\\${user}`;
}
