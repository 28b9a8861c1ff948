/** One line per event on stderr, with a timestamp and the component's name. Never given secrets. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(component: string): Logger;
}

export function createLogger(
  component = 'agent',
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const line = (level: string, message: string): void =>
    write(`${new Date().toISOString()} ${level} ${component}: ${message.replace(/\n/g, '\n    ')}\n`);
  return {
    info: (m) => line('info ', m),
    warn: (m) => line('warn ', m),
    error: (m) => line('error', m),
    child: (name) => createLogger(`${component}/${name}`, write),
  };
}
