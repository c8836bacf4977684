declare const __PAW_VERSION__: string | undefined;

/** Injected by the build; read from package.json when running from source (tests). */
export const VERSION: string = typeof __PAW_VERSION__ === 'string' ? __PAW_VERSION__ : '0.0.0-dev';
