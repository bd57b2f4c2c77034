/**
 * What counts as a secret, in one table (RELIABILITY promise 7, fault case 28). Three shapes:
 * - `field`: an adapter property (binding CustomProps or AdapterConfig) whose whole value is the secret, by its name
 *   (and, for `*Key`, by the adapter);
 * - `value`: a secret inside any value or text: the password of a URL's user-info, a secret query-string parameter,
 *   a secret key of a connection string;
 * - `app-setting`: the value of an `<add key="..." value="..."/>` whose key says password, secret, token or key;
 * - `config-element` and `json-property`: in a file that is not a binding file, the text of an element
 *   (`<Password>...</Password>`) or a JSON string property (`"ClientSecret": "..."`) named like a secret field.
 * Template placeholders (`{value}`, `${var}`, `$(var)`, `%var%`) are never secrets: they are filled in at run time.
 * The README's secrets table is this table; tests/formats/bindings/secret-rules.test.ts has a case per row.
 */
export const MASK = '******';

export type SecretRuleShape = 'field' | 'value' | 'app-setting' | 'file-field';

export interface SecretRuleRow {
  id: string;
  shape: SecretRuleShape;
  /** For people (the README): what the rule matches. */
  matches: string;
  /** One input it masks (the secret is `s3cr3t`). */
  example: string;
}

interface FieldRule extends SecretRuleRow {
  shape: 'field';
  name: RegExp;
  /** Only for these adapters (TransportType Name); every adapter when absent. */
  adapter?: RegExp;
}

interface ValueRule extends SecretRuleRow {
  shape: 'value';
  /** Global; the secret is the last capture group; `sub` names it in a secrets key. */
  pattern: RegExp;
  sub: (match: RegExpExecArray) => string;
}

interface SettingRule extends SecretRuleRow {
  shape: 'app-setting';
  key: (key: string) => boolean;
}

const SAS_STORAGE_ADAPTERS = /relay|sb-messaging|servicebus|eventhub|azure|blob|storage|logicapp/i;

const FIELD_RULES: readonly FieldRule[] = [
  { id: 'password-field', shape: 'field', matches: 'an adapter property named `password`, `pwd`, `pass`, `passwd` or ending in `Password`, `Pwd` or `Passphrase` (`PrivateKeyPassword`, `ProxyPassword`, `UserPwd`, `PgpPassphrase`)', example: '<password vt="8">s3cr3t</password>', name: /(password|passwd|pwd|passphrase|^pass)$/i },
  { id: 'secret-field', shape: 'field', matches: 'an adapter property ending in `Secret` (`ClientSecret`, `IssuerSecret`)', example: '<ClientSecret>s3cr3t</ClientSecret>', name: /secret$/i },
  { id: 'token-field', shape: 'field', matches: 'an adapter property ending in `Token` (`AccessToken`, `SasToken`, `RefreshToken`)', example: '<SasToken>s3cr3t</SasToken>', name: /token$/i },
  { id: 'access-key-field', shape: 'field', matches: '`SharedAccessKey`, `SharedAccessSignature`, `AccountKey`, `StorageKey`, `SasKey` of any adapter', example: '<SharedAccessKey>s3cr3t</SharedAccessKey>', name: /^(sharedaccesskey|sharedaccesssignature|accountkey|storagekey|saskey)$/i },
  { id: 'sas-storage-key-field', shape: 'field', matches: 'any property ending in `Key` of a SAS or storage adapter (SB-Messaging, WCF-*Relay, Event Hubs, Azure Blob Storage, Logic Apps), but not a message key (`PartitionKey`, `RowKey`, `SessionKey`, `SortKey`, `RoutingKey`)', example: 'SB-Messaging: <IssuerKey>s3cr3t</IssuerKey>', name: /^(?!.*(partition|row|session|sort|routing)key$).*key$/i, adapter: SAS_STORAGE_ADAPTERS },
];

/** A value inside XML text may hold character references; a connection-string value runs to `;` or a quote. */
const CONNECTION_VALUE = '&quot;(?:(?!&quot;)[^<"\\r\\n])*&quot;|"[^"]*"|\'[^\']*\'|(?:&(?:amp|lt|gt|quot|apos|#\\d+|#x[\\da-f]+);|[^;"\'<&\\r\\n])*';

const VALUE_RULES: readonly ValueRule[] = [
  {
    id: 'url-userinfo',
    shape: 'value',
    matches: 'the password of a URL\'s user-info (`scheme://user:password@host`), in an address or any text',
    example: 'ftp://user:s3cr3t@ftp.example/in',
    // The password runs to the last `@` before the host: `user:p@ss@host` (unencoded, as people write it) hides `p@ss`.
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"'<>?#]*:((?:[^\s/@"'<>?#]|@(?=[^\s/"'<>?#]*@))*)@/gi,
    sub: () => 'userinfo',
  },
  {
    id: 'query-string',
    shape: 'value',
    matches: 'a query-string parameter `password`, `passwd`, `pwd`, `pass`, `secret`, `client_secret`, `token`, `access_token`, `apikey`, `api_key`, `key`, `sig` (SAS signature)',
    example: 'https://host/api?user=u&pwd=s3cr3t',
    pattern: /(?:&amp;|[?&])(password|passwd|pwd|pass|secret|client_secret|clientsecret|token|access_token|apikey|api_key|key|sig)=([^&#\s"'<]*)/gi,
    sub: (m) => `query:${(m[1] ?? '').toLowerCase()}`,
  },
  {
    id: 'connection-string',
    shape: 'value',
    matches: 'a connection-string key `Password`, `Pwd`, `AccountKey`, `SharedAccessKey`, `SharedAccessSignature` (quoted or up to `;`); not a script variable (`$password = ...`)',
    example: 'Server=sql;User Id=u;Password=s3cr3t;',
    // Not a script variable (`$password = Read-Host`, `%pwd%=`, `@password=`): those are code, not a connection string.
    pattern: new RegExp(`(?<![$@%\\w.-])(password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)\\s*=\\s*(${CONNECTION_VALUE})`, 'gi'),
    sub: (m) => (m[1] ?? '').toLowerCase(),
  },
];

const SETTING_RULE: SettingRule = {
  id: 'app-setting',
  shape: 'app-setting',
  matches: '`<add key="..." value="..."/>` (appSettings) whose key contains `password`, `pwd`, `secret` or `token`, or ends in `Key` (`ApiKey`, `api_key`; not `Monkey`)',
  example: '<add key="ApiKey" value="s3cr3t" />',
  key: (key) => /pass(word|wd)?|pwd|secret|token/i.test(key) || /(^|[^A-Za-z])key$/i.test(key) || /[a-z0-9]Key$/.test(key),
};

/** The names a config element or JSON property holds a secret under: the field rules that hold for every adapter. */
const isSecretName = (name: string): boolean => FIELD_RULES.some((rule) => rule.adapter === undefined && rule.name.test(name));

interface FileFieldRule extends SecretRuleRow {
  shape: 'file-field';
  /** Global; group `name` is the element or property name, group `value` the secret. */
  pattern: RegExp;
}

/**
 * Secrets a config file holds under a name rather than inside a value. Only for files that are not binding files: a
 * binding file's fields are the field rules' (by adapter). An element's text runs to the next `<` (a CDATA section or
 * child elements are not a single value and are left alone); a JSON string runs to its closing quote, escapes included.
 */
const FILE_FIELD_RULES: readonly FileFieldRule[] = [
  {
    id: 'config-element',
    shape: 'file-field',
    matches: 'in a file that is not a binding file: the text of an element named like a secret field (the first four field rules: `<Password>`, `<ProxyPwd>`, `<ClientSecret>`, `<AccessToken>`, `<SharedAccessKey>`) or a key named for what it unlocks (`<ApiKey>`, `<SubscriptionKey>`, `<PrivateKey>`), with or without a namespace prefix; not `true`/`false`',
    example: '<smtp><Password>s3cr3t</Password></smtp>',
    pattern: /<((?:[A-Za-z_][\w.-]*:)?)(?<name>[A-Za-z_][\w.-]*)(?:\s(?:[^<>"']|"[^"<]*"|'[^'<]*')*)?>(?<value>[^<]*)<\/\1\k<name>\s*>/g,
  },
  {
    id: 'json-property',
    shape: 'file-field',
    matches: 'in a file that is not a binding file: a JSON string property named like a secret field or a key named for what it unlocks (`"password"`, `"ClientSecret"`, `"token"`, `"ApiKey"`, `"api_key"`; not `"key"`, `"partitionKey"`, `"tokenType"`); not `true`/`false`',
    example: '{ "Smtp": { "Password": "s3cr3t" } }',
    pattern: /"(?<name>[A-Za-z_$][\w.$-]*)"\s*:\s*"(?<value>(?:[^"\\\r\n]|\\.)*)"/g,
  },
];

/**
 * A key named for what it unlocks (`ApiKey`, `api_key`, `Ocp-Apim-Subscription-Key`, `PrivateKey`, `InstrumentationKey`).
 * Not any name ending in Key nor holding token/pass (the app-setting rule's test): in a JSON file or config element
 * those are ordinary data (`"key": "Region"`, `"partitionKey"`, `"primaryKey"`, `"tokenType"`, `"bypassProxyOnLocal"`,
 * `"passwordPolicy"`), and a masked value makes a restore without a secrets file refuse (E_SECRET_MISSING).
 */
const isSecretKeyName = (name: string): boolean => /(api|subscription|private|client|access|account|storage|sas|signing|encryption|master|license|licence|auth|function|instrumentation)[_.-]?key$/i.test(name);
const isFileFieldName = (name: string): boolean => isSecretName(name) || isSecretKeyName(name);

const FILE_FIELD_NAME: Record<string, (name: string) => boolean> = {
  'config-element': isFileFieldName,
  'json-property': isFileFieldName,
};

/** A switch (`<RequirePassword>true</RequirePassword>`, `"usePassword": "false"`) is a setting, not a secret. */
const isSwitchValue = (value: string): boolean => /^\s*(true|false)\s*$/i.test(value);

/** The rule table, in the order the README lists it. */
export const SECRET_RULES: readonly SecretRuleRow[] = [...FIELD_RULES, ...VALUE_RULES, SETTING_RULE, ...FILE_FIELD_RULES].map(({ id, shape, matches, example }) => ({ id, shape, matches, example }));

/** `{value}`, `${var}`, `$(var)`, `%var%`, `%1`: filled in at run time (WCF-WebHttp URL mappings, deployment templates, BizTalk macros, batch arguments). */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return /^\{[^{}]*\}$/.test(v) || /^\$\{[^{}]*\}$/.test(v) || /^\$\([^()]*\)$/.test(v) || /^%[^%\s]+%$/.test(v) || /^%(~?\d|\*)$/.test(v);
}

/** A value that needs no secret: empty, already masked, or a placeholder. */
export function isSecretValue(value: string): boolean {
  const v = stripQuotes(value.trim());
  return v !== '' && v !== MASK && !isPlaceholder(v);
}

const stripQuotes = (v: string): string => (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) ? v.slice(1, -1) : v);

/** The field rule a property name (of an adapter) falls under, if any. */
export function secretFieldRule(name: string, adapter = ''): string | undefined {
  return FIELD_RULES.find((rule) => rule.name.test(name) && (rule.adapter === undefined || rule.adapter.test(adapter)))?.id;
}

export interface SecretSpan {
  rule: string;
  /** Names the secret inside its value: `userinfo`, `query:pwd`, `password`, `appSettings/<key>`; `#2` on for repeats. */
  sub: string;
  start: number;
  end: number;
  /** The text between start and end (for a quoted connection-string value, inside the quotes). */
  value: string;
}

/**
 * Every secret span in a text (an address, a property value, a whole config file), masked or not, placeholders
 * left out. Spans never overlap; earlier rules win.
 */
export function findSecretSpans(text: string, options: { appSettings?: boolean } = {}): SecretSpan[] {
  // Spans kept so far (earlier rules), sorted by start and never overlapping, and this rule's, found in text order: a
  // new span is checked against its neighbour in each (binary search), so a file with a million secrets is linear.
  let spans: SecretSpan[] = [];
  let pass: SecretSpan[] = [];
  const overlapsKept = (start: number, end: number): boolean => {
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((spans[mid] as SecretSpan).end <= start) lo = mid + 1;
      else hi = mid;
    }
    const next = spans[lo];
    return next !== undefined && next.start < end;
  };
  const flush = (): void => {
    if (pass.length === 0) return;
    const merged: SecretSpan[] = [];
    let i = 0;
    for (const span of pass) {
      while (i < spans.length && (spans[i] as SecretSpan).start < span.start) merged.push(spans[i++] as SecretSpan);
      merged.push(span);
    }
    while (i < spans.length) merged.push(spans[i++] as SecretSpan);
    spans = merged;
    pass = [];
  };
  const add = (rule: string, sub: string, start: number, value: string): void => {
    let s = start;
    let v = value;
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) {
      s += 1;
      v = v.slice(1, -1);
    } else if (v.length >= 12 && v.startsWith('&quot;') && v.endsWith('&quot;')) {
      // Quoted inside an XML attribute: `connectionString="...;Password=&quot;a;b&quot;"`.
      s += 6;
      v = v.slice(6, -6);
    }
    const end = s + v.length;
    const last = pass[pass.length - 1];
    if (v.trim() === '' || isPlaceholder(v) || (last !== undefined && s < last.end && end > last.start) || overlapsKept(s, end)) return;
    pass.push({ rule, sub, start: s, end, value: v });
  };
  if (options.appSettings === true) {
    for (const tag of text.matchAll(/<add\b(?:[^<>"']|"[^"<]*"|'[^'<]*')*>/gi)) {
      const body = tag[0];
      // An attribute value runs to its own quote: `value="it's"` holds an apostrophe, `value='say "x"'` a quote.
      const key = /\bkey\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(body);
      const value = /\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(body);
      const keyText = key?.[1] ?? key?.[2];
      const valueText = value?.[1] ?? value?.[2];
      if (key === null || value === null || keyText === undefined || valueText === undefined || !SETTING_RULE.key(keyText)) continue;
      const at = (tag.index ?? 0) + value.index + value[0].length - 1 - valueText.length;
      add(SETTING_RULE.id, `appSettings/${keyText}`, at, valueText);
    }
    flush();
    for (const rule of FILE_FIELD_RULES) {
      const pattern = new RegExp(rule.pattern.source, `${rule.pattern.flags}d`);
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        const name = m.groups?.['name'] ?? '';
        const at = m.indices?.groups?.['value']?.[0];
        if (at !== undefined && FILE_FIELD_NAME[rule.id]?.(name) === true && !isSwitchValue(m.groups?.['value'] ?? '')) add(rule.id, rule.id === 'config-element' ? name : `json:${name}`, at, m.groups?.['value'] ?? '');
        if (m[0].length === 0) pattern.lastIndex++;
      }
      flush();
    }
  }
  for (const rule of VALUE_RULES) {
    const pattern = new RegExp(rule.pattern.source, `${rule.pattern.flags}d`);
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const secret = m[m.length - 1] ?? '';
      const at = m.indices?.[m.length - 1]?.[0] ?? m.index + m[0].length - secret.length;
      add(rule.id, rule.sub(m), at, secret);
      if (m[0].length === 0) pattern.lastIndex++;
    }
    flush();
  }
  const seen = new Map<string, number>();
  for (const span of spans) {
    const n = (seen.get(span.sub) ?? 0) + 1;
    seen.set(span.sub, n);
    if (n > 1) span.sub = `${span.sub}#${n}`;
  }
  return spans;
}

/** Replaces the given spans (non-overlapping) in a text. */
export function replaceSpans(text: string, replacements: readonly { start: number; end: number; text: string }[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const r of [...replacements].sort((a, b) => a.start - b.start)) {
    parts.push(text.slice(at, r.start), r.text);
    at = r.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
