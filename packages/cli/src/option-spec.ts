/** The description of one command-line option, from which both parsing and help are derived. */

/** One `--long-name` option. */
export interface OptionSpec {
  /** The long name without dashes, e.g. `platform-id`. */
  readonly name: string;
  /** `string` options take a value; `boolean` ones are switches. */
  readonly type: 'string' | 'boolean';
  /** A one-letter alias, e.g. `h`. */
  readonly short?: string;
  /** The placeholder shown in help, e.g. `<id>`. */
  readonly valueName?: string;
  /** One line for `--help`. */
  readonly description: string;
  /** Required options are checked before anything is sent. */
  readonly required?: boolean;
}
