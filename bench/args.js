/** The command line of a bench script: `--name=value` options and `--name` switches. */

/** The value of `--name=value`, or undefined. */
export const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** Whether `--name` was given. */
export const flag = (name) => process.argv.includes(`--${name}`);
